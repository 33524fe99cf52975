package kvmclockprobe.restore.recipes;

import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;

/**
 * openvmm's save and restore on its KVM backend, which keeps time as the Hyper-V reference
 * counter (100 ns units). {@code vmm_core/virt_kvm/src/arch/x86_64/vm_state.rs}: {@code reftime()}
 * saves {@code KVM_GET_CLOCK}'s clock divided by 100, rounded up; {@code set_reftime()} restores
 * it with {@code KVM_SET_CLOCK}(reftime x 100, flags 0) (PR #4066, July 2026), through
 * {@code vm/kvm/src/lib.rs} {@code set_clock_ns}. {@code vmm_core/src/partition_unit.rs}
 * {@code PartitionUnitRunner::restore} restores the partition state first and the VPs after, so
 * the VPs' TSC ({@code vp_state.rs} {@code set_tsc}, {@code MSR_IA32_TSC}) is written after the
 * clock, each VP's own value (all VPs exist from the partition's creation). No
 * {@code KVM_KVMCLOCK_CTRL}. Read at HEAD 1488a37b (August 2026). The guest clock is frozen, to
 * the reference counter's 100 ns. PR #4290 ("Align the guest TSC with the partition reference
 * clock on KVM", opened 2026-08-20) is not merged, so this recipe does not include it.
 */
public final class OpenvmmRestore extends BaseRecipe {
    public OpenvmmRestore() {
        super("openvmm-restore", "openvmm", Intent.FROZEN, "openvmm vmm_core/virt_kvm/src/arch/x86_64/vm_state.rs reftime(), set_reftime(); "
                + "vmm_core/src/partition_unit.rs PartitionUnitRunner::restore");
    }

    public Boolean expectsGuestStopped() {
        return false;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();
        Snapshot.GuestState state = ctx.saveGuest(source);                    // VP state, TSC included
        long reftime = Math.ceilDiv(ctx.getClock(source).clockNs(), 100);     // reftime(): div_ceil(100)
        ctx.note("reference time saved: " + reftime + " (100 ns units)");
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.createMachine(state.vcpus().size());
        Snapshot.restoreMemory(dest, state.ram());
        ctx.setClock(dest, reftime * 100, 0, 0);                              // set_reftime(): the partition first
        for (int i = 0; i < state.vcpus().size(); i++) {
            Snapshot.restoreVcpu(dest.vcpus().get(i), state.vcpus().get(i));  // then the VPs, TSC after the clock
        }
        return ctx.resume(dest);
    }
}

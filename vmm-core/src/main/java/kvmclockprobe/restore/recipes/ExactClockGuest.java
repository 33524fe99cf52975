package kvmclockprobe.restore.recipes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.bindings.pvclock_vcpu_time_info;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RecipeUnsupported;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;
import kvmclockprobe.sys.SyscallException;

/**
 * The exact migration API proposed by the unmerged "Cleaning up the KVM clock mess" series (v6,
 * 2026-07-03, patch 05/36 "KVM: x86: Add KVM_[GS]ET_CLOCK_GUEST for accurate KVM clock
 * migration"): save the guest's own pvclock parameters with {@code KVM_GET_CLOCK_GUEST} on a
 * vCPU, restore the TSC, and make KVM reproduce those parameters with
 * {@code KVM_SET_CLOCK_GUEST}, so that the guest clock is the same function of its TSC as before.
 * The prediction is the saved parameters' line at the guest TSC of the resume, as the series
 * defines the restored clock, never the resuming VM's own {@code KVM_GET_CLOCK} (that would
 * predict the clock from itself). No capability announces it; the series documents falling back to {@code KVM_SET_CLOCK} on
 * EINVAL (no master clock). This recipe skips, naming what is missing, on a kernel without it:
 * every released kernel so far.
 */
public final class ExactClockGuest extends BaseRecipe {
    public ExactClockGuest() {
        super("exact-clock-guest", "proposed KVM API", Intent.FROZEN, "linux (unmerged) Cleaning up the KVM clock mess v6 05/36: "
                + "kvm_vcpu_ioctl_get_clock_guest, kvm_vcpu_ioctl_set_clock_guest");
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();
        boolean masterClock = ctx.getClock(source).tscStable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pvti = pvclock_vcpu_time_info.allocate(arena);
            try {
                source.vcpus().get(0).getClockGuest(pvti);
            } catch (SyscallException e) {
                // x86 KVM answers a vCPU ioctl it does not know with EINVAL (kvm_arch_vcpu_ioctl's
                // default), and the series answers EINVAL without a master clock: the clock's
                // KVM_CLOCK_TSC_STABLE tells the two apart.
                if (e.errno() == libc_h.ENOTTY || e.errno() == libc_h.EINVAL) {
                    String what = "KVM_GET_CLOCK_GUEST (vCPU ioctl 0xd7, proposed by the unmerged 'Cleaning up the KVM clock mess' v6)";
                    throw new RecipeUnsupported(masterClock || e.errno() == libc_h.ENOTTY
                            ? what + " is not in this kernel: " + e.errnoName() + " with the master clock on"
                            : what + " was refused with EINVAL, and the master clock is off, which it needs");
                }
                throw e;
            }
            ctx.savedGuestClock(PvclockParams.decode(pvti));     // what KVM_SET_CLOCK_GUEST will reproduce: the prediction
            Snapshot.GuestState state = ctx.saveGuest(source);
            ctx.discard(source);
            ctx.downtime();
            Machine dest = ctx.restoreGuest(state);
            dest.vcpus().get(0).setClockGuest(pvti);
            ctx.note("KVM_SET_CLOCK_GUEST with the saved pvclock parameters");
            return ctx.resume(dest);
        }
    }
}

package kvmclockprobe.restore.recipes;

import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;

/**
 * Firecracker's snapshot and restore into a fresh VM, as at its HEAD 81b38b9d (August 2026).
 * Pause: {@code src/vmm/src/vstate/vcpu.rs} {@code Vcpu::running()} answers
 * {@code VcpuEvent::Pause} and calls {@code KvmVcpu::kvmclock_ctrl()} on the paused vCPU. Save
 * ({@code src/vmm/src/lib.rs} {@code Vmm::save_state}): vCPU state with {@code MSR_IA32_TSC} and the
 * kvmclock MSRs ({@code src/vmm/src/arch/x86_64/vcpu.rs} {@code KvmVcpu::save_state}), then
 * {@code KVM_GET_CLOCK} ({@code src/vmm/src/arch/x86_64/vm.rs} {@code ArchVm::save_state}).
 * Restore ({@code src/vmm/src/builder.rs} {@code build_microvm_from_snapshot}): vCPU state per vCPU,
 * ending with {@code KVM_KVMCLOCK_CTRL} (PR #5494, the fix for #5322), then
 * {@code ArchVm::restore_state}: {@code KVM_SET_CLOCK} with the flags replaced by 0 (PR #5809,
 * v1.16; before it the saved flags kept {@code KVM_CLOCK_REALTIME}, so the clock advanced by the
 * real time elapsed). The guest clock and TSC are frozen across the snapshot.
 *
 * <p>The variant {@code firecracker-snapshot-no-kvmclock-ctrl} is the restore before PR #5494:
 * the pause-time {@code KVM_KVMCLOCK_CTRL} was lost with the source VM, so the guest never saw
 * {@code PVCLOCK_GUEST_STOPPED} and its watchdogs fired (soft lockups, #5322).
 */
public final class FirecrackerSnapshot extends BaseRecipe {
    private final boolean kvmclockCtrlOnRestore;

    public FirecrackerSnapshot(boolean kvmclockCtrlOnRestore) {
        super(kvmclockCtrlOnRestore ? "firecracker-snapshot" : "firecracker-snapshot-no-kvmclock-ctrl", "Firecracker", Intent.FROZEN,
                "firecracker src/vmm/src/arch/x86_64/vm.rs ArchVm::save_state/restore_state; src/vmm/src/arch/x86_64/vcpu.rs "
                        + "KvmVcpu::restore_state, kvmclock_ctrl; src/vmm/src/builder.rs build_microvm_from_snapshot"
                        + (kvmclockCtrlOnRestore ? "" : " (before PR #5494)"));
        this.kvmclockCtrlOnRestore = kvmclockCtrlOnRestore;
    }

    public Boolean expectsGuestStopped() {
        return kvmclockCtrlOnRestore;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();
        ctx.kvmclockCtrl(source);                              // Vcpu::running(): Pause -> kvmclock_ctrl()
        Snapshot.GuestState state = ctx.saveGuest(source);     // KvmVcpu::save_state
        ClockData clock = ctx.getClock(source);                // ArchVm::save_state: KVM_GET_CLOCK
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.restoreGuest(state);                // build_microvm_from_snapshot: memory, KvmVcpu::restore_state
        if (kvmclockCtrlOnRestore) ctx.kvmclockCtrl(dest);     // end of KvmVcpu::restore_state (PR #5494)
        ctx.setClock(dest, clock.clockNs(), 0, 0);             // ArchVm::restore_state: flags replaced by 0
        return ctx.resume(dest);                               // Vmm::resume_vm
    }
}

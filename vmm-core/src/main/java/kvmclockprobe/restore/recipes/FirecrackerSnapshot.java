package kvmclockprobe.restore.recipes;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RecipeUnsupported;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;

/**
 * Firecracker's snapshot and restore into a fresh VM, as at its HEAD 81b38b9d (August 2026, after
 * v1.16.1). Pause: {@code src/vmm/src/vstate/vcpu.rs} {@code Vcpu::running()} answers
 * {@code VcpuEvent::Pause} and calls {@code KvmVcpu::kvmclock_ctrl()} on the paused vCPU. Save
 * ({@code src/vmm/src/lib.rs} {@code Vmm::save_state}): vCPU state with {@code MSR_IA32_TSC} and the
 * kvmclock MSRs ({@code src/vmm/src/arch/x86_64/vcpu.rs} {@code KvmVcpu::save_state}), then
 * {@code KVM_GET_CLOCK} ({@code src/vmm/src/arch/x86_64/vm.rs} {@code KvmVm::save_state}).
 * Restore ({@code src/vmm/src/builder.rs} {@code build_microvm_from_snapshot}): every vCPU created
 * first ({@code create_vcpus}), then each one's state with its own {@code MSR_IA32_TSC}, ending with
 * {@code KVM_KVMCLOCK_CTRL} (PR #5494, the fix for #5322), then {@code KvmVm::restore_state}:
 * {@code KVM_SET_CLOCK} with the flags replaced by 0 (PR #5809, commit a1fd537f9, v1.16.0; before
 * it the saved flags kept {@code KVM_CLOCK_REALTIME}). The guest clock and TSC are frozen.
 *
 * <p>Variants: {@code -no-kvmclock-ctrl} is the restore before PR #5494 (the guest never sees
 * {@code PVCLOCK_GUEST_STOPPED}); {@code -clock-realtime} is v1.16's {@code clock_realtime} option
 * of {@code LoadSnapshot} ({@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME} and the saved
 * realtime; Firecracker refuses the load when the saved clock has none,
 * {@code ClockRealtimeNotInState}); {@code -unified-tsc} is PR #6200 (open, September 2026; not in
 * HEAD, read from its description: after the vCPUs' state, vCPU 0's {@code KVM_VCPU_TSC_OFFSET}
 * copied to every vCPU before their threads start, the clock restore unchanged).
 */
public final class FirecrackerSnapshot extends BaseRecipe {
    public static final Variant CURRENT = new Variant("firecracker-snapshot", Intent.FROZEN, "");
    public static final Variant NO_KVMCLOCK_CTRL = new Variant("firecracker-snapshot-no-kvmclock-ctrl", Intent.FROZEN, " (before PR #5494)");
    public static final Variant CLOCK_REALTIME = new Variant("firecracker-snapshot-clock-realtime", Intent.REAL_TIME,
            " (LoadSnapshot clock_realtime, v1.16)");
    public static final Variant UNIFIED_TSC = new Variant("firecracker-snapshot-unified-tsc", Intent.FROZEN, " (PR #6200, open)");

    private final Variant variant;

    public FirecrackerSnapshot(Variant variant) {
        super(variant.recipeName(), "Firecracker", variant.intent(),
                "firecracker src/vmm/src/arch/x86_64/vm.rs KvmVm::save_state/restore_state; src/vmm/src/arch/x86_64/vcpu.rs "
                        + "KvmVcpu::restore_state, kvmclock_ctrl; src/vmm/src/builder.rs build_microvm_from_snapshot" + variant.source());
        this.variant = variant;
    }

    public Boolean expectsGuestStopped() {
        return variant != NO_KVMCLOCK_CTRL;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();
        ctx.kvmclockCtrl(source);                              // Vcpu::running(): Pause -> kvmclock_ctrl()
        Snapshot.GuestState state = ctx.saveGuest(source);     // KvmVcpu::save_state
        ClockData clock = ctx.getClock(source);                // KvmVm::save_state: KVM_GET_CLOCK
        if (variant == CLOCK_REALTIME && !clock.hasRealtime()) {
            throw new RecipeUnsupported("KVM_GET_CLOCK gave no KVM_CLOCK_REALTIME (flags 0x" + Integer.toHexString(clock.flags())
                    + "; KVM gives it only in master-clock mode, and check's set-clock-realtime judges its absence there): "
                    + "Firecracker refuses a clock_realtime load of such a snapshot (ClockRealtimeNotInState)");
        }
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.restoreGuest(state);                // create_vcpus, then KvmVcpu::restore_state per vCPU
        if (variant != NO_KVMCLOCK_CTRL) ctx.kvmclockCtrl(dest);   // end of KvmVcpu::restore_state (PR #5494)
        if (variant == CLOCK_REALTIME) {
            ctx.setClock(dest, clock.clockNs(), kvm_h.KVM_CLOCK_REALTIME, clock.realtimeNs());   // restore_state, clock_realtime
        } else {
            ctx.setClock(dest, clock.clockNs(), 0, 0);         // KvmVm::restore_state: flags replaced by 0
        }
        if (variant == UNIFIED_TSC) ctx.unifyTscOffsets(dest);   // PR #6200: before start_vcpus
        return ctx.resume(dest);                               // start_vcpus, Vmm::resume_vm
    }
}

package kvmclockprobe.restore.recipes;

import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;

/**
 * QEMU's {@code stop} then {@code cont} on the same VM. QEMU {@code hw/i386/kvm/clock.c},
 * {@code kvmclock_vm_state_change()}: on stop (vCPUs already paused by {@code pause_all_vcpus()})
 * {@code kvm_synchronize_all_tsc()} reads each vCPU's {@code MSR_IA32_TSC} and
 * {@code kvm_update_clock()} issues {@code KVM_GET_CLOCK}, keeping only {@code data.clock}; on
 * cont, before {@code resume_all_vcpus()}, {@code KVM_SET_CLOCK} with that clock and flags 0 (no
 * {@code KVM_CLOCK_REALTIME}: QEMU never passes it), then {@code do_kvmclock_ctrl()}
 * ({@code KVM_KVMCLOCK_CTRL}, EINVAL ignored) on every vCPU. Read at QEMU commit 09360a04.
 * The guest clock is frozen across the stop; the TSC runs on.
 */
public final class QemuStopCont extends BaseRecipe {
    public QemuStopCont() {
        super("qemu-stop-cont", "QEMU", Intent.FROZEN,
                "qemu hw/i386/kvm/clock.c kvmclock_vm_state_change(), kvm_update_clock(), do_kvmclock_ctrl()");
    }

    public Boolean expectsGuestStopped() {
        return true;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine m = ctx.pause();
        for (var v : m.vcpus()) v.getMsrs(kvmclockprobe.bindings.x86_h.MSR_IA32_TSC); // kvm_synchronize_all_tsc()
        ClockData clock = ctx.getClock(m);                                               // kvm_update_clock()
        ctx.downtime();
        ctx.setClock(m, clock.clockNs(), 0, 0);                                          // cont: KVM_SET_CLOCK
        ctx.kvmclockCtrl(m);                                                             // do_kvmclock_ctrl()
        return ctx.resume(m);                                                            // resume_all_vcpus()
    }
}

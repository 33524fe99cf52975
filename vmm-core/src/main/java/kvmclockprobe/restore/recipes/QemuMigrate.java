package kvmclockprobe.restore.recipes;

import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;

/**
 * QEMU's live migration (the stop-and-copy end of it) into a fresh VM. Source:
 * {@code kvmclock_vm_state_change()} at {@code vm_stop} reads the TSCs and the clock, and
 * {@code kvmclock_pre_save()} issues {@code KVM_GET_CLOCK} again (the VM was not paused by the
 * user), so the clock migrated is the one read after the device state is saved; the vmstate
 * {@code kvmclock} carries only {@code clock} (and {@code clock_is_reliable}). Destination:
 * {@code cpu_synchronize_all_post_init()} puts the full CPU state, {@code kvm_arch_put_registers()}
 * at {@code KVM_PUT_FULL_STATE}: {@code KVM_SET_TSC_KHZ}, sregs, regs, then {@code kvm_put_msrs()}
 * with {@code MSR_IA32_TSC} = the migrated TSC and the kvmclock MSR; on {@code vm_start},
 * {@code KVM_SET_CLOCK}(clock, flags 0) and {@code KVM_KVMCLOCK_CTRL} on every vCPU before the
 * vCPUs run. QEMU {@code hw/i386/kvm/clock.c} (09360a04), {@code target/i386/kvm/kvm.c}
 * {@code kvm_arch_put_registers()}, {@code kvm_put_msrs()}, {@code kvm_arch_set_tsc_khz()} (00001a22).
 * Mainline QEMU does not use {@code KVM_CLOCK_REALTIME}: the downtime is not accounted, the guest
 * clock and TSC are frozen across it.
 */
public final class QemuMigrate extends BaseRecipe {
    public QemuMigrate() {
        super("qemu-migrate", "QEMU", Intent.FROZEN, "qemu hw/i386/kvm/clock.c kvmclock_vm_state_change(), kvmclock_pre_save(); "
                + "target/i386/kvm/kvm.c kvm_arch_put_registers(), kvm_put_msrs()");
    }

    public Boolean expectsGuestStopped() {
        return true;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();                         // vm_stop
        long tscKhz = source.vcpus().get(0).getTscKhz();
        ctx.getClock(source);                                 // kvmclock_vm_state_change(): kvm_update_clock()
        Snapshot.GuestState state = ctx.saveGuest(source);    // RAM and CPU state (env->tsc from kvm_get_tsc)
        ClockData clock = ctx.getClock(source);               // kvmclock_pre_save(): the clock migrated
        ctx.note("kvmclock_pre_save() read the clock again after the save: " + clock.clockNs() + " ns is what migrates");
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.createMachine(state.vcpus().size());
        for (var v : dest.vcpus()) {
            try {
                v.setTscKhz(tscKhz);                          // kvm_arch_set_tsc_khz(): errors ignored
            } catch (RuntimeException ignored) {
                ctx.note("KVM_SET_TSC_KHZ " + tscKhz + " refused on vCPU " + v.id() + " (QEMU ignores it)");
            }
        }
        Snapshot.restoreMemory(dest, state.ram());
        for (int i = 0; i < state.vcpus().size(); i++) Snapshot.restoreVcpu(dest.vcpus().get(i), state.vcpus().get(i));
        ctx.setClock(dest, clock.clockNs(), 0, 0);            // vm_start: KVM_SET_CLOCK
        ctx.kvmclockCtrl(dest);                               // do_kvmclock_ctrl()
        return ctx.resume(dest);
    }
}

package kvmclockprobe.restore.recipes;

import java.time.Duration;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;
import kvmclockprobe.sys.Libc;

/**
 * Cloud Hypervisor's snapshot and {@code vm.restore} into a fresh VM. Pause ({@code vmm/src/vm.rs}
 * {@code Vm::pause}): {@code CpuManager::pause} signals the vCPUs and calls
 * {@code notify_guest_clock_paused} ({@code KVM_KVMCLOCK_CTRL}) on each, then
 * {@code capture_guest_clock} ({@code hypervisor/src/kvm/mod.rs} {@code snapshot_clock}:
 * {@code KVM_GET_CLOCK}, with {@code realtime} filled in and {@code KVM_CLOCK_REALTIME} set when
 * the kernel did not). Restore: {@code KvmVcpu::set_state} (TSC kHz, MSRs with
 * {@code MSR_IA32_TSC}); then {@code Vm::resume}: {@code restore_guest_clock}
 * ({@code KVM_SET_CLOCK} with the saved flags and realtime, PR #8256, May 2026: the kernel adds
 * the real time elapsed), devices, and last {@code cpu_manager.resume()} (PR #7932, the fix for
 * #7930). Read at HEAD ae44c297 (August 2026).
 *
 * <p>The variant {@code cloud-hypervisor-restore-late-clock} is {@code Vm::resume} before PR
 * #7932: {@code cpu_manager.resume()} first, {@code KVM_SET_CLOCK} after, with the flags reset to
 * 0 as CH did then. The vCPUs run on the fresh VM's own clock (counting from that VM's creation)
 * until the set moves it: the guest sees its clock jump twice. Windows guests hung for about
 * 4 minutes after a restore because of it.
 */
public final class CloudHypervisorRestore extends BaseRecipe {
    /** In the buggy order, how long the vCPUs run before {@code KVM_SET_CLOCK} catches up (the device resume in between). */
    static final Duration LATE_BY = Duration.ofMillis(50);

    private final boolean lateClock;

    public CloudHypervisorRestore(boolean lateClock) {
        super(lateClock ? "cloud-hypervisor-restore-late-clock" : "cloud-hypervisor-restore", "Cloud Hypervisor",
                lateClock ? Intent.FROZEN : Intent.REAL_TIME,
                "cloud-hypervisor vmm/src/vm.rs Vm::pause, Vm::resume; hypervisor/src/kvm/mod.rs snapshot_clock, restore_clock, "
                        + "KvmVcpu::set_state" + (lateClock ? " (before PR #7932 and #8256)" : ""));
        this.lateClock = lateClock;
    }

    public boolean knownBad() {
        return lateClock;
    }

    public SamplerSession run(RestoreContext ctx) {
        Machine source = ctx.pause();
        ctx.kvmclockCtrl(source);                               // CpuManager::pause: notify_guest_clock_paused
        ClockData c = ctx.getClock(source);                     // capture_guest_clock
        int flags;
        long realtime;
        if (lateClock) {
            flags = 0;                                          // reset_flags(), before PR #8256
            realtime = 0;
        } else if (c.hasRealtime()) {
            flags = c.flags();                                  // passed through as the kernel gave them
            realtime = c.realtimeNs();
        } else {
            flags = c.flags() | kvm_h.KVM_CLOCK_REALTIME;       // with_realtime_filled()
            realtime = Libc.realtimeNs();
            ctx.note("the kernel gave no realtime with the clock; filled from CLOCK_REALTIME, as CH does");
        }
        Snapshot.GuestState state = ctx.saveGuest(source);
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.restoreGuest(state);                 // KvmVcpu::set_state
        if (lateClock) {
            SamplerSession s = ctx.resume(dest);                // cpu_manager.resume() first
            ctx.runFor(LATE_BY);
            ctx.setClock(dest, c.clockNs(), flags, realtime);   // then restore_guest_clock
            return s;
        }
        ctx.setClock(dest, c.clockNs(), flags, realtime);       // restore_guest_clock
        return ctx.resume(dest);                                // cpu_manager.resume() last
    }
}

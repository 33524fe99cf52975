package kvmclockprobe.restore.recipes;

import java.time.Duration;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RecipeUnsupported;
import kvmclockprobe.restore.RestoreContext;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.snapshot.Snapshot;
import kvmclockprobe.sys.Libc;

/**
 * Cloud Hypervisor's snapshot and {@code vm.restore} into a fresh VM, as in v53.0 (9ed824d6d,
 * July 2026; HEAD ae44c297 the same). Pause ({@code vmm/src/vm.rs} {@code Vm::pause}):
 * {@code CpuManager::pause} signals the vCPUs and calls {@code notify_guest_clock_paused}
 * ({@code KVM_KVMCLOCK_CTRL}) on each, then {@code capture_guest_clock}
 * ({@code hypervisor/src/kvm/mod.rs} {@code snapshot_clock}: {@code KVM_GET_CLOCK}
 * {@code with_realtime_filled()}, PR #8256, commit 56e891a40). Restore: {@code vmm/src/cpu.rs}
 * {@code CpuManager::create_vcpus} creates each vCPU and at once sets its saved state
 * ({@code create_vcpu}: {@code KvmVcpu::set_state}, its own {@code MSR_IA32_TSC} among it), then
 * {@code synchronize_tsc_offsets} copies vCPU 0's {@code KVM_VCPU_TSC_OFFSET} to every vCPU
 * (PR #8437, commit 993ac5c90: KVM gave each vCPU its own offset, so no master clock and no
 * Hyper-V TSC page); {@code Vm::resume}: {@code restore_guest_clock} ({@code KVM_SET_CLOCK} with
 * the saved flags and realtime: the kernel adds the real time elapsed), devices, and last
 * {@code cpu_manager.resume()} (PR #7932, commit ff20f1836).
 *
 * <p>{@code cloud-hypervisor-restore-v52} is v52.0 (1314ac883, May 2026), known bad with several
 * vCPUs: no offset re-sync, so KVM's master clock stays off; {@code Vm::pause} reads the clock
 * before the vCPUs stop, and {@code reset_flags()} drops {@code KVM_CLOCK_REALTIME} (frozen).
 * With one vCPU, or without a master clock before the pause, it cannot differ from v53 in what
 * it is known bad for, and skips saying so.
 *
 * <p>{@code cloud-hypervisor-restore-late-clock} is {@code Vm::resume} before PR #7932:
 * {@code cpu_manager.resume()} first, {@code KVM_SET_CLOCK} after, with the flags reset to 0. The
 * vCPUs run on the fresh VM's own clock (counting from that VM's creation) until the set moves it:
 * the guest sees its clock jump twice. Windows guests hung for about 4 minutes after a restore.
 */
public final class CloudHypervisorRestore extends BaseRecipe {
    /** In the late-clock order, how long the vCPUs run before {@code KVM_SET_CLOCK} catches up (the device resume in between). */
    static final Duration LATE_BY = Duration.ofMillis(50);

    public static final Variant V53 = new Variant("cloud-hypervisor-restore", Intent.REAL_TIME, "");
    public static final Variant V52 = new Variant("cloud-hypervisor-restore-v52", Intent.FROZEN, " (v52.0: before PR #8437 and #8256)");
    public static final Variant LATE_CLOCK = new Variant("cloud-hypervisor-restore-late-clock", Intent.FROZEN,
            " (before PR #7932 and #8256)");

    private final Variant variant;

    public CloudHypervisorRestore(Variant variant) {
        super(variant.recipeName(), "Cloud Hypervisor", variant.intent(),
                "cloud-hypervisor vmm/src/vm.rs Vm::pause, Vm::resume; vmm/src/cpu.rs CpuManager::create_vcpus, synchronize_tsc_offsets; "
                        + "hypervisor/src/kvm/mod.rs snapshot_clock, restore_clock, KvmVcpu::set_state" + variant.source());
        this.variant = variant;
    }

    public boolean knownBad() {
        return variant != V53;
    }

    public SamplerSession run(RestoreContext ctx) {
        if (variant == V52) requireWhatV52IsKnownBadFor(ctx);
        ClockData early = variant == V52 ? ctx.getClockBeforePause() : null;   // v52 Vm::pause: get_clock first
        Machine source = ctx.pause();
        ctx.kvmclockCtrl(source);                               // CpuManager::pause: notify_guest_clock_paused
        ClockData c = early != null ? early : ctx.getClock(source);   // capture_guest_clock (v53)
        ClockData saved = variant == V53 ? withRealtime(ctx, c) : new ClockData(c.clockNs(), 0, 0, 0);   // reset_flags() before #8256
        Snapshot.GuestState state = ctx.saveGuest(source);
        ctx.discard(source);
        ctx.downtime();
        Machine dest = ctx.restoreGuestVcpuByVcpu(state);       // create_vcpus: create_vcpu + set_state, one by one
        if (variant == V53) ctx.unifyTscOffsets(dest);  // synchronize_tsc_offsets (PR #8437)
        if (variant == LATE_CLOCK) {
            SamplerSession s = ctx.resume(dest);                // cpu_manager.resume() first
            ctx.runFor(LATE_BY);
            ctx.setClock(dest, saved.clockNs(), saved.flags(), saved.realtimeNs());   // then restore_guest_clock
            return s;
        }
        ctx.setClock(dest, saved.clockNs(), saved.flags(), saved.realtimeNs());       // restore_guest_clock
        return ctx.resume(dest);                                // cpu_manager.resume() last
    }

    /** {@code with_realtime_filled()}: the kernel's realtime as it gave it, else CLOCK_REALTIME now, with {@code KVM_CLOCK_REALTIME}. */
    private static ClockData withRealtime(RestoreContext ctx, ClockData c) {
        if (c.hasRealtime()) return c;
        ctx.note("the kernel gave no realtime with the clock; filled from CLOCK_REALTIME, as CH does");
        return new ClockData(c.clockNs(), c.flags() | kvm_h.KVM_CLOCK_REALTIME, Libc.realtimeNs(), c.hostTsc());
    }

    private static void requireWhatV52IsKnownBadFor(RestoreContext ctx) {
        if (ctx.vcpuCount() < 2) {
            throw new RecipeUnsupported("v52's known problem (each vCPU restored with its own TSC offset, no master clock) needs "
                    + "--vcpus 2 or more: with one vCPU there is one offset");
        }
        if (!ctx.masterClockNow()) {
            throw new RecipeUnsupported("KVM has no master clock on this host before the pause (KVM_CLOCK_TSC_STABLE clear): "
                    + "v52's known problem, a master clock that stays off, cannot show");
        }
    }
}

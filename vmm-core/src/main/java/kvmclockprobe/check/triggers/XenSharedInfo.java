package kvmclockprobe.check.triggers;

import java.util.Optional;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.bindings.shared_info;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.verdict.UpstreamChange;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.measurement.Observation;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.xen.XenWallclock;

/**
 * {@code KVM_XEN_HVM_SET_ATTR(KVM_XEN_ATTR_TYPE_SHARED_INFO)}: a Xen guest (re)maps its
 * shared_info page. The seed patch removed the master-clock update this used to make.
 * Prepared the way the kernel's xen_shinfo_test does it: {@code KVM_XEN_HVM_CONFIG} with
 * {@code INTERCEPT_HCALL} and the hypercall MSR, long mode, and a first mapping; the trigger is
 * the remapping. The wallclock KVM writes there is checked as xen_shinfo_test checks it: wallclock
 * + KVM clock within [realtime before, realtime after]; that check is part of the verdict.
 */
public final class XenSharedInfo extends XenTrigger {
    public XenSharedInfo() {
        super("xen-shared-info", Expectation.NO_JUMP, "this kernel lacks 633d7652f80f \"KVM: x86/xen: Do not corrupt KVM clock in kvm_xen_shared_info_init()\" (Linux 7.3)");
    }

    @Override
    public Optional<UpstreamChange> changedIn() {
        return Optional.of(new UpstreamChange("633d7652f80f", "7.3"));
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        XenWallclock wallBefore = wallclock(ctx);
        long realtimeBefore = Libc.realtimeNs();
        long before = Libc.monotonicRawNs();
        XenSetup.mapSharedInfo(ctx);
        long after = Libc.monotonicRawNs();
        XenWallclock wallAfter = wallclock(ctx);
        long kvmclockNs = ctx.reader().read().bAtRawNs();
        long realtimeAfter = Libc.realtimeNs();

        long stepNs = wallAfter.epochNs() - wallBefore.epochNs();
        boolean inRange = wallAfter.written() && wallAfter.inRange(kvmclockNs, realtimeBefore, realtimeAfter);
        return new TriggerEffect(before, after, null, List.of(
                Observation.fact("wallclock_step_ns", stepNs, String.format(Locale.ROOT,
                        "shared_info wallclock: before wc_version %d wc_sec %d wc_nsec %d wc_sec_hi %d; after wc_version %d wc_sec %d wc_nsec %d wc_sec_hi %d; step %d ns",
                        wallBefore.version(), Integer.toUnsignedLong(wallBefore.sec()), wallBefore.nsec(), wallBefore.secHi(),
                        wallAfter.version(), Integer.toUnsignedLong(wallAfter.sec()), wallAfter.nsec(), wallAfter.secHi(), stepNs)),
                Observation.check("wallclock_in_range", inRange, "wallclock check (xen_shinfo_test): shared_info wallclock + kvmclock "
                        + (inRange ? "within" : "OUTSIDE") + " [realtime before, realtime after]")),
                List.of(String.format(Locale.ROOT, "KVM_XEN_HVM_SET_ATTR(SHARED_INFO, gfn 0x%x) again, the guest's shared_info remapped",
                        GuestAbi.XEN_SHARED_INFO_GPA >>> 12)));
    }

    private static XenWallclock wallclock(TriggerContext ctx) {
        return XenWallclock.read(ctx.ram().slice(GuestAbi.XEN_SHARED_INFO_GPA, shared_info.sizeof()));
    }
}

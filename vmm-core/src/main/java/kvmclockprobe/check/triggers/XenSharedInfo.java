package kvmclockprobe.check.triggers;

import java.util.Optional;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.bindings.shared_info;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.verdict.UpstreamChange;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.xen.WallclockReading;
import kvmclockprobe.xen.XenWallclock;

/**
 * {@code KVM_XEN_HVM_SET_ATTR(KVM_XEN_ATTR_TYPE_SHARED_INFO)}: a Xen guest (re)maps its
 * shared_info page. The seed patch removed the master-clock update this used to make.
 * Prepared the way the kernel's xen_shinfo_test does it: {@code KVM_XEN_HVM_CONFIG} with
 * {@code INTERCEPT_HCALL} and the hypercall MSR, long mode, and a first mapping; the trigger is
 * the remapping. The wallclock KVM writes there is checked as xen_shinfo_test checks it: wallclock
 * + KVM clock within [realtime before, realtime after]; the judge makes that check part of the verdict.
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

        return new TriggerEffect(before, after, null, new WallclockReading(wallBefore, wallAfter, kvmclockNs, realtimeBefore, realtimeAfter),
                List.of(String.format(Locale.ROOT, "KVM_XEN_HVM_SET_ATTR(SHARED_INFO, gfn 0x%x) again, the guest's shared_info remapped",
                        GuestAbi.XEN_SHARED_INFO_GPA >>> 12)));
    }

    private static XenWallclock wallclock(TriggerContext ctx) {
        return XenWallclock.read(ctx.ram().slice(GuestAbi.XEN_SHARED_INFO_GPA, shared_info.sizeof()));
    }
}

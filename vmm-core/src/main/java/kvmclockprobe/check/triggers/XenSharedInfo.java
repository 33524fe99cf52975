package kvmclockprobe.check.triggers;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.check.TriggerEffect;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sys.Libc;

/**
 * {@code KVM_XEN_HVM_SET_ATTR(KVM_XEN_ATTR_TYPE_SHARED_INFO)}: a Xen guest (re)maps its
 * shared_info page. The seed patch removed the master-clock update this used to make.
 * Prepared the way the kernel's xen_shinfo_test does it: {@code KVM_XEN_HVM_CONFIG} with
 * {@code INTERCEPT_HCALL} and the hypercall MSR, long mode, and a first mapping; the trigger is
 * the remapping, so the wallclock KVM wrote can be compared before and after.
 */
public final class XenSharedInfo extends XenTrigger {
    public XenSharedInfo() {
        super("xen-shared-info", Expectation.NO_JUMP, "this kernel lacks 633d7652f80f \"KVM: x86/xen: Do not corrupt KVM clock in kvm_xen_shared_info_init()\" (Linux 7.3)");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        XenSetup.mapSharedInfo(ctx);
        long after = Libc.monotonicRawNs();
        return TriggerEffect.of(before, after, String.format(
                "KVM_XEN_HVM_SET_ATTR(SHARED_INFO, gfn 0x%x) again, the guest's shared_info remapped",
                GuestAbi.XEN_SHARED_INFO_GPA >>> 12));
    }
}

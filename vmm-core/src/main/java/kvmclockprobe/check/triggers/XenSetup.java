package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;

/** The Xen HVM configuration both Xen triggers build on, and what the host must support for it. */
final class XenSetup {
    private XenSetup() {}

    /** The hypercall page MSR Xen guests use (and the kernel's xen_shinfo_test). */
    static final int XEN_HYPERCALL_MSR = 0x40000000;

    static Optional<String> missing(HostFacts host) {
        int xen = host.cap(Capability.XEN_HVM);
        if (xen == 0) {
            return Optional.of("KVM_CAP_XEN_HVM is 0: this kernel has no Xen emulation (CONFIG_KVM_XEN)");
        }
        if ((xen & kvm_h.KVM_XEN_HVM_CONFIG_SHARED_INFO) == 0) {
            return Optional.of("KVM_CAP_XEN_HVM lacks KVM_XEN_HVM_CONFIG_SHARED_INFO");
        }
        return Optional.empty();
    }

    /**
     * {@code KVM_XEN_HVM_CONFIG} with {@code INTERCEPT_HCALL} and the MSR (the SHARED_INFO bit is
     * a capability, not a config flag: passing it gives EINVAL), then long mode, or KVM writes the
     * wallclock at the 32-bit compat offsets.
     */
    static void configure(TriggerContext ctx) {
        ctx.vm().xenHvmConfig(kvm_h.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, XEN_HYPERCALL_MSR);
        ctx.vm().xenSetLongMode(true);
    }

    /** {@link #configure} and the first mapping of the guest's shared_info page. */
    static void configureAndMapSharedInfo(TriggerContext ctx) {
        configure(ctx);
        mapSharedInfo(ctx);
    }

    /** {@code KVM_XEN_HVM_SET_ATTR(KVM_XEN_ATTR_TYPE_SHARED_INFO)} with the ABI's shared_info gfn. */
    static void mapSharedInfo(TriggerContext ctx) {
        ctx.vm().xenSetSharedInfo(GuestAbi.XEN_SHARED_INFO_GPA >>> 12);
    }
}

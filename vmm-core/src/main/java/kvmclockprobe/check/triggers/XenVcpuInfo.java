package kvmclockprobe.check.triggers;

import kvmclockprobe.bindings.shared_info;
import kvmclockprobe.bindings.vcpu_info;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sys.Libc;

/** {@code KVM_XEN_VCPU_SET_ATTR(VCPU_INFO)} on each vCPU, at its default slot in shared_info: only a clock update. */
public final class XenVcpuInfo extends XenTrigger {
    public XenVcpuInfo() {
        super("xen-vcpu-info", Expectation.NO_JUMP, "setting a Xen vcpu_info should raise only KVM_REQ_CLOCK_UPDATE, never a master-clock update");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        for (int i = 0; i < ctx.vcpus(); i++) {
            long gpa = GuestAbi.XEN_SHARED_INFO_GPA + shared_info.vcpu_info$offset + (long) i * vcpu_info.sizeof();
            ctx.onVcpu(i, v -> {
                v.xenSetVcpuInfo(gpa);
                return null;
            });
        }
        long after = Libc.monotonicRawNs();
        return TriggerEffect.of(before, after, "KVM_XEN_VCPU_SET_ATTR(VCPU_INFO) at shared_info.vcpu_info[i] on each vCPU");
    }
}

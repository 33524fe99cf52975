package kvmclockprobe.sampler;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.clock.ClockReader.GuestTsc;
import kvmclockprobe.kvm.Vcpu;

/**
 * How a vCPU's guest TSC relates to the host TSC: the offset from {@code KVM_VCPU_TSC_OFFSET}
 * where the vCPU has that attribute (else assumed 0, and said so). Unscaled: the probe never
 * changes a vCPU's TSC frequency away from KVM's default (the host's), so guest TSC = host TSC +
 * offset.
 *
 * @param guestTsc        the conversion
 * @param offsetKnown     the offset was read from KVM (not assumed)
 * @param vcpuTscKhz      {@code KVM_GET_TSC_KHZ} of the vCPU
 */
public record GuestTscProbe(GuestTsc guestTsc, boolean offsetKnown, long vcpuTscKhz) {

    /** Run on the vCPU's own thread (a vCPU ioctl). */
    public static GuestTscProbe of(Vcpu vcpu) {
        long khz = vcpu.getTscKhz();
        if (vcpu.hasDeviceAttr(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET)) {
            return new GuestTscProbe(new GuestTsc(readOffset(vcpu)), true, khz);
        }
        return new GuestTscProbe(new GuestTsc(0), false, khz);
    }

    /** {@code KVM_GET_DEVICE_ATTR(KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET)}. */
    public static long readOffset(Vcpu vcpu) {
        return vcpu.getDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, "KVM_VCPU_TSC_OFFSET");
    }
}

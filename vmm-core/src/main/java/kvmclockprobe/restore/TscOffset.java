package kvmclockprobe.restore;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sys.Tsc;

/**
 * A paused vCPU's guest TSC minus the host TSC: {@code KVM_VCPU_TSC_OFFSET} where the vCPU has
 * it (exact), else its {@code MSR_IA32_TSC} read between two host {@code rdtsc}s (uncertain by
 * their distance). Unknown (null) where the host TSC cannot be read.
 *
 * @param cycles          the offset
 * @param uncertaintyCycles 0 when read from KVM
 */
record TscOffset(long cycles, long uncertaintyCycles, String how) {
    static TscOffset of(Vcpu vcpu) {
        if (!Tsc.available()) return null;
        if (vcpu.hasDeviceAttr(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET)) {
            return new TscOffset(GuestTscProbe.readOffset(vcpu), 0, "KVM_VCPU_TSC_OFFSET");
        }
        long t1 = Tsc.read();
        long guest = vcpu.getMsr(x86_h.MSR_IA32_TSC);
        long t2 = Tsc.read();
        return new TscOffset(guest - (t1 + (t2 - t1) / 2), t2 - t1, "MSR_IA32_TSC between two rdtsc");
    }
}

package kvmclockprobe.kvm;

import java.util.Locale;

import kvmclockprobe.bindings.kvm_h;

/**
 * The {@code KVM_CAP_*} capabilities the probe asks {@link Kvm#checkExtension} about, in the order
 * it reports them.
 */
public enum Capability {
    XEN_HVM(kvm_h.KVM_CAP_XEN_HVM),
    ADJUST_CLOCK(kvm_h.KVM_CAP_ADJUST_CLOCK),
    TSC_CONTROL(kvm_h.KVM_CAP_TSC_CONTROL),
    VM_TSC_CONTROL(kvm_h.KVM_CAP_VM_TSC_CONTROL),
    HYPERV(kvm_h.KVM_CAP_HYPERV),
    HYPERV_TIME(kvm_h.KVM_CAP_HYPERV_TIME),
    KVMCLOCK_CTRL(kvm_h.KVM_CAP_KVMCLOCK_CTRL),
    GET_TSC_KHZ(kvm_h.KVM_CAP_GET_TSC_KHZ),
    VCPU_ATTRIBUTES(kvm_h.KVM_CAP_VCPU_ATTRIBUTES),
    IMMEDIATE_EXIT(kvm_h.KVM_CAP_IMMEDIATE_EXIT),
    MAX_VCPUS(kvm_h.KVM_CAP_MAX_VCPUS);

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** The {@code KVM_CHECK_EXTENSION} argument. */
    int number() {
        return number;
    }

    /** The JSON key: the name in lower case without {@code KVM_CAP_} ({@code xen_hvm}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kernel's name, for messages ({@code KVM_CAP_XEN_HVM}). */
    public String kernelName() {
        return "KVM_CAP_" + name();
    }
}

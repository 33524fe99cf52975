package kvmclockprobe.kvm;

import kvmclockprobe.bindings.kvm_h;

/**
 * {@code struct kvm_clock_data} as {@code KVM_GET_CLOCK} returns it.
 *
 * @param clockNs    the KVM clock in ns (definition C in master-clock mode, else A)
 * @param flags      {@code KVM_CLOCK_*} flags telling which fields are valid
 * @param realtimeNs host {@code CLOCK_REALTIME} at the same instant, when {@link #hasRealtime()}
 * @param hostTsc    host TSC at the same instant, when {@link #hasHostTsc()}
 */
public record ClockData(long clockNs, int flags, long realtimeNs, long hostTsc) {
    /** {@code KVM_CLOCK_TSC_STABLE}: the VM is in master-clock mode. */
    public boolean tscStable() {
        return (flags & kvm_h.KVM_CLOCK_TSC_STABLE) != 0;
    }

    public boolean hasRealtime() {
        return (flags & kvm_h.KVM_CLOCK_REALTIME) != 0;
    }

    public boolean hasHostTsc() {
        return (flags & kvm_h.KVM_CLOCK_HOST_TSC) != 0;
    }
}

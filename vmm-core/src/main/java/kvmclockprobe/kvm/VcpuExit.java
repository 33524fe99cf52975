package kvmclockprobe.kvm;

import kvmclockprobe.bindings.kvm_h;

/**
 * Why {@code KVM_RUN} returned, decoded from {@code kvm_run}.
 */
public sealed interface VcpuExit {

    /** {@code KVM_EXIT_IO}: a port access; {@code value} is the data of an OUT (count 1). */
    record Io(boolean out, int port, int size, int count, long value) implements VcpuExit {}

    /** {@code KVM_EXIT_MMIO}. */
    record Mmio(long physAddr, boolean write, int length, long data) implements VcpuExit {}

    /** {@code KVM_EXIT_HLT}. */
    record Hlt() implements VcpuExit {}

    /** {@code KVM_EXIT_SHUTDOWN}: a triple fault, usually. */
    record Shutdown() implements VcpuExit {}

    /** {@code KVM_EXIT_FAIL_ENTRY}: the hardware refused to enter the guest. */
    record FailEntry(long hardwareEntryFailureReason, int cpu) implements VcpuExit {}

    /** {@code KVM_EXIT_INTERNAL_ERROR} with its suberror ({@code KVM_INTERNAL_ERROR_*}). */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        public String suberrorName() {
            return switch (suberror) {
                case kvm_h.KVM_INTERNAL_ERROR_EMULATION -> "KVM_INTERNAL_ERROR_EMULATION";
                case kvm_h.KVM_INTERNAL_ERROR_SIMUL_EX -> "KVM_INTERNAL_ERROR_SIMUL_EX";
                case kvm_h.KVM_INTERNAL_ERROR_DELIVERY_EV -> "KVM_INTERNAL_ERROR_DELIVERY_EV";
                case kvm_h.KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON -> "KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON";
                default -> "suberror " + suberror;
            };
        }
    }

    /** {@code KVM_EXIT_SYSTEM_EVENT} ({@code KVM_SYSTEM_EVENT_*}). */
    record SystemEvent(int type, long[] data) implements VcpuExit {}

    /** {@code KVM_RUN} returned {@code EINTR}: another thread kicked this vCPU. */
    record Interrupted() implements VcpuExit {}

    /** Any other {@code KVM_EXIT_*} reason. */
    record Other(int reason) implements VcpuExit {}
}

package kvmclockprobe.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.kvm_run;

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

    /**
     * {@code KVM_EXIT_FAIL_ENTRY}: the hardware refused to enter the guest. On AMD (SVM) the reason
     * is the VMCB exit code {@code SVM_EXIT_ERR} (-1, {@code VMEXIT_INVALID}: a VMRUN consistency
     * check failed); on Intel (VMX) the VM-exit reason with bit 31 set (e.g. 0x80000021, invalid
     * guest state).
     */
    record FailEntry(long hardwareEntryFailureReason, int cpu) implements VcpuExit {
        /** {@code SVM_EXIT_ERR} ({@code asm/svm.h}), as the 64-bit exit code and cut to 32 bits. */
        static final long SVM_EXIT_ERR = -1L, SVM_EXIT_ERR_32 = 0xffff_ffffL;
        /** {@code VMX_EXIT_REASONS_FAILED_VMENTRY} ({@code asm/vmx.h}): the exit reason's bit 31. */
        static final long VMX_EXIT_REASONS_FAILED_VMENTRY = 0x8000_0000L;
        /** The basic exit reason: the exit reason's low 16 bits. */
        static final long VMX_BASIC_EXIT_REASON = 0xffff;
        /** The basic exit reasons a failed VM entry reports ({@code asm/vmx.h} {@code EXIT_REASON_*}). */
        static final int EXIT_REASON_INVALID_STATE = 33, EXIT_REASON_MSR_LOAD_FAIL = 34, EXIT_REASON_MCE_DURING_VMENTRY = 41;

        /** What the reason means, as far as the value tells. */
        public String reasonName() {
            if (hardwareEntryFailureReason == SVM_EXIT_ERR || hardwareEntryFailureReason == SVM_EXIT_ERR_32) {
                return "SVM_EXIT_ERR: VMRUN failed its consistency checks";
            }
            if ((hardwareEntryFailureReason & VMX_EXIT_REASONS_FAILED_VMENTRY) != 0) {
                long basic = hardwareEntryFailureReason & VMX_BASIC_EXIT_REASON;
                return "VMX VM-entry failure, basic exit reason " + basic + switch ((int) basic) {
                    case EXIT_REASON_INVALID_STATE -> " (invalid guest state)";
                    case EXIT_REASON_MSR_LOAD_FAIL -> " (MSR loading)";
                    case EXIT_REASON_MCE_DURING_VMENTRY -> " (machine-check event)";
                    default -> "";
                };
            }
            return "hardware reason";
        }
    }

    /** {@code KVM_EXIT_INTERNAL_ERROR} with its suberror ({@code KVM_INTERNAL_ERROR_*}). */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        /** {@code emulation_failure.insn_bytes}: as many as the longest x86 instruction. */
        static final int INSN_BYTES = (int) kvm_run.emulation_failure_insn_bytes$count;
        /** The {@code data} word where {@code emulation_failure.insn_size} starts: after {@code flags}. */
        static final int INSN_WORD = (int) ((kvm_run.emulation_failure_insn_size$offset - kvm_run.internal_data$offset) / Long.BYTES);
        /** The {@code data} words {@code insn_size} and {@code insn_bytes} fill. */
        static final int INSN_WORDS = (1 + INSN_BYTES) / Long.BYTES;

        public String suberrorName() {
            return switch (suberror) {
                case kvm_h.KVM_INTERNAL_ERROR_EMULATION -> "KVM_INTERNAL_ERROR_EMULATION";
                case kvm_h.KVM_INTERNAL_ERROR_SIMUL_EX -> "KVM_INTERNAL_ERROR_SIMUL_EX";
                case kvm_h.KVM_INTERNAL_ERROR_DELIVERY_EV -> "KVM_INTERNAL_ERROR_DELIVERY_EV";
                case kvm_h.KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON -> "KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON";
                default -> "suberror " + suberror;
            };
        }

        /**
         * For {@code KVM_INTERNAL_ERROR_EMULATION} with
         * {@code KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES} in {@code data[0]} (the
         * {@code emulation_failure} view of {@code kvm_run}: flags, then {@code insn_size} and 15
         * instruction bytes in {@code data[1..2]}): the bytes KVM fetched; otherwise empty.
         */
        public byte[] instructionBytes() {
            if (suberror != kvm_h.KVM_INTERNAL_ERROR_EMULATION || data.length < INSN_WORD + INSN_WORDS
                    || (data[0] & kvm_h.KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) == 0) {
                return new byte[0];
            }
            ByteBuffer raw = ByteBuffer.allocate(INSN_WORDS * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int w = 0; w < INSN_WORDS; w++) raw.putLong(data[INSN_WORD + w]);
            int size = Math.min(Byte.toUnsignedInt(raw.get(0)), INSN_BYTES);
            return Arrays.copyOfRange(raw.array(), 1, 1 + size);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("KVM_EXIT_INTERNAL_ERROR ").append(suberrorName());
            if (suberror == kvm_h.KVM_INTERNAL_ERROR_EMULATION) b.append(" (KVM could not emulate the instruction)");
            byte[] insn = instructionBytes();
            if (insn.length > 0) b.append(", instruction bytes ").append(HexFormat.ofDelimiter(" ").formatHex(insn));
            b.append(", data [");
            for (int i = 0; i < data.length; i++) b.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(data[i]));
            return b.append(']').toString();
        }
    }

    /** {@code KVM_EXIT_SYSTEM_EVENT} ({@code KVM_SYSTEM_EVENT_*}). */
    record SystemEvent(int type, long[] data) implements VcpuExit {}

    /** {@code KVM_RUN} returned {@code EINTR}: another thread kicked this vCPU. */
    record Interrupted() implements VcpuExit {}

    /** Any other {@code KVM_EXIT_*} reason. */
    record Other(int reason) implements VcpuExit {}

    /** A one-phrase description of {@code exit} for error reports, named by its {@code KVM_EXIT_*}. */
    static String describe(VcpuExit exit) {
        return switch (exit) {
            case Shutdown s -> "KVM_EXIT_SHUTDOWN (triple fault)";
            case Hlt h -> "KVM_EXIT_HLT (the guest halted)";
            case InternalError e -> e.toString();
            case FailEntry f -> String.format("KVM_EXIT_FAIL_ENTRY (the hardware refused to enter the guest): "
                    + "hardware_entry_failure_reason 0x%x (%s), on host cpu %d", f.hardwareEntryFailureReason(), f.reasonName(), f.cpu());
            case Io io -> String.format("KVM_EXIT_IO (%s port 0x%x, size %d, count %d%s)", io.out() ? "out to" : "in from",
                    io.port(), io.size(), io.count(), io.out() ? String.format(", value 0x%x", io.value()) : "");
            case Mmio m -> String.format("KVM_EXIT_MMIO (%s 0x%x, %d bytes%s)", m.write() ? "write to" : "read from",
                    m.physAddr(), m.length(), m.write() ? String.format(", data 0x%x", m.data()) : "");
            case SystemEvent e -> "KVM_EXIT_SYSTEM_EVENT type " + e.type() + " data " + Arrays.toString(e.data());
            case Interrupted i -> "KVM_RUN interrupted (EINTR)";
            case Other o -> "exit reason " + o.reason();
        };
    }
}

package kvmclockprobe.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;

/** How exits are decoded and described for error reports, without KVM. */
class VcpuExitTest {
    static final byte[] FLDS_RAX = {(byte) 0xd9, 0x00};

    @Test
    void anEmulationFailureNamesItsSuberrorAndTheInstructionBytes() {
        // kvm_run.emulation_failure: flags = INSTRUCTION_BYTES; insn_size 2, bytes d9 00, then 0x90
        // padding; then the exit info (SVM: exit code 0x400 NPF, info1, info2 = the GPA)
        long[] data = {1, 0x9090_9090_9000_d902L, 0x9090_9090_9090_9090L, 0x400, 0x4, 0x2000_0000L};
        var e = new VcpuExit.InternalError(kvm_h.KVM_INTERNAL_ERROR_EMULATION, data);
        assertThat(e.instructionBytes()).containsExactly(FLDS_RAX);
        assertThat(VcpuExit.describe(e)).isEqualTo("KVM_EXIT_INTERNAL_ERROR KVM_INTERNAL_ERROR_EMULATION (KVM could not emulate"
                + " the instruction), instruction bytes d9 00, data [0x1, 0x909090909000d902, 0x9090909090909090, 0x400, 0x4, 0x20000000]");
    }

    @Test
    void withoutTheInstructionBytesFlagThereAreNone() {
        assertThat(new VcpuExit.InternalError(kvm_h.KVM_INTERNAL_ERROR_EMULATION, new long[0]).instructionBytes()).isEmpty();
        assertThat(new VcpuExit.InternalError(kvm_h.KVM_INTERNAL_ERROR_EMULATION, new long[] {0, 0x2d902, 0}).instructionBytes()).isEmpty();
        assertThat(new VcpuExit.InternalError(kvm_h.KVM_INTERNAL_ERROR_DELIVERY_EV, new long[] {1, 0x2d902, 0}).instructionBytes()).isEmpty();
        assertThat(VcpuExit.describe(new VcpuExit.InternalError(kvm_h.KVM_INTERNAL_ERROR_DELIVERY_EV, new long[] {0x80000b0eL, 0x7c})))
                .isEqualTo("KVM_EXIT_INTERNAL_ERROR KVM_INTERNAL_ERROR_DELIVERY_EV, data [0x80000b0e, 0x7c]");
    }

    @Test
    void anEntryFailureSaysWhichHardwareRefused() {
        assertThat(VcpuExit.describe(new VcpuExit.FailEntry(-1L, 0))).isEqualTo("KVM_EXIT_FAIL_ENTRY (the hardware refused to enter"
                + " the guest): hardware_entry_failure_reason 0xffffffffffffffff (SVM_EXIT_ERR: VMRUN failed its consistency checks), on host cpu 0");
        assertThat(VcpuExit.describe(new VcpuExit.FailEntry(0xffff_ffffL, 0))).contains("SVM_EXIT_ERR");
        assertThat(VcpuExit.describe(new VcpuExit.FailEntry(0x8000_0021L, 1)))
                .contains("0x80000021 (VMX VM-entry failure, basic exit reason 33 (invalid guest state)), on host cpu 1");
    }

    @Test
    void theOtherExitsByTheirKvmNames() {
        assertThat(VcpuExit.describe(new VcpuExit.Shutdown())).isEqualTo("KVM_EXIT_SHUTDOWN (triple fault)");
        assertThat(VcpuExit.describe(new VcpuExit.Hlt())).isEqualTo("KVM_EXIT_HLT (the guest halted)");
        assertThat(VcpuExit.describe(new VcpuExit.Io(true, 0x710, 4, 1, 3))).isEqualTo("KVM_EXIT_IO (out to port 0x710, size 4, count 1, value 0x3)");
        assertThat(VcpuExit.describe(new VcpuExit.Mmio(0x2000_0000L, false, 4, 0))).isEqualTo("KVM_EXIT_MMIO (read from 0x20000000, 4 bytes)");
    }
}

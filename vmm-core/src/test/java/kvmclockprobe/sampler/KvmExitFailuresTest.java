package kvmclockprobe.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.RunWatchdog;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.VcpuExit;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.testing.RequiresKvm;

/**
 * The two exits where KVM itself gives up on a guest, on the real KVM: {@code KVM_EXIT_INTERNAL_ERROR}
 * (an instruction KVM must emulate and cannot) and {@code KVM_EXIT_FAIL_ENTRY} (a guest state the
 * hardware refuses to enter). Each is a {@link GuestFailure} naming the exit, the vCPU and its
 * registers, leaves nothing behind, and the next VM runs normally.
 *
 * <p><b>Emulation failure.</b> {@link GuestImage#EMULATION_FAILURE} executes {@code flds} from a GPA
 * its page tables map but no memslot backs (the approach of the kernel's KVM selftests for
 * {@code KVM_CAP_EXIT_ON_EMULATION_FAILURE}, {@code tools/testing/selftests/kvm/include/x86/flds_emulation.h}).
 * The nested page fault on an address without a memslot is MMIO, so KVM emulates; the decoder
 * has no {@code flds} ({@code arch/x86/kvm/emulate.c}: escape opcode D9 /0 is not implemented), the
 * GPA has no memslot so {@code reexecute_instruction()} declines to retry, and
 * {@code handle_emulation_failure()} ({@code arch/x86/kvm/x86.c}) exits to userspace at CPL 0 (even
 * without that capability) through {@code prepare_emulation_ctxt_failure_exit()}, which reports
 * the fetched instruction bytes. A plain {@code mov} there would be emulated and come back as
 * {@code KVM_EXIT_MMIO} instead.
 *
 * <p><b>Entry failure.</b> KVM validates {@code KVM_SET_SREGS} in {@code kvm_is_valid_sregs()}
 * ({@code arch/x86/kvm/x86.c}; {@code regs.c} in newer kernels): CR0 ({@code kvm_is_valid_cr0}), CR4
 * ({@code kvm_is_valid_cr4}), CR3 and CR4.PAE/EFER.LMA in long mode, and {@code cs.l} only
 * outside long mode. It does not check the code segment's D bit against its L bit in long mode,
 * which both SVM (APM vol. 2, 15.5.1 "VMRUN consistency checks": EFER.LME, CR0.PG, CR4.PAE, CS.L
 * and CS.D all non-zero is illegal) and VMX (SDM 26.3.1.2: in an IA-32e mode guest, CS.L = 1
 * requires CS.D = 0) check at entry. So userspace can provoke it: CS.L = 1 with CS.D = 1. On
 * {@code kvm_amd}, VMRUN then exits with {@code SVM_EXIT_ERR} and {@code svm_handle_exit()}
 * ({@code arch/x86/kvm/svm/svm.c}) returns {@code KVM_EXIT_FAIL_ENTRY} with
 * {@code hardware_entry_failure_reason = SVM_EXIT_ERR}; QEMU's TCG SVM, the lab's, makes the same
 * check ({@code target/i386/tcg/system/svm_helper.c is_efer_invalid_state()}). On {@code kvm_intel}
 * the failed VM entry gives exit reason 0x80000021 (invalid guest state) as FAIL_ENTRY.
 */
@RequiresKvm
class KvmExitFailuresTest {
    /** {@code flds (%rax)}. */
    static final byte[] FLDS_RAX = {(byte) 0xd9, 0x00};

    /** The GPA of the {@code flds} in {@link GuestImage#EMULATION_FAILURE}: after its {@code mov $0x20000000, %eax}. */
    static long fldsGpa() {
        byte[] image = GuestImage.EMULATION_FAILURE.bytes();
        byte[] pattern = {(byte) 0xb8, 0x00, 0x00, 0x00, 0x20, (byte) 0xd9, 0x00};
        outer:
        for (int i = 0; i + pattern.length <= image.length; i++) {
            for (int k = 0; k < pattern.length; k++) if (image[i + k] != pattern[k]) continue outer;
            return GuestAbi.IMAGE_GPA + i + 5;
        }
        throw new AssertionError("no mov $0x20000000, %eax; flds (%rax) in the EMULATION_FAILURE image");
    }

    @Test
    void anInstructionKvmCannotEmulateExitsWithInternalErrorAtThatInstruction(Kvm kvm) {
        long flds = fldsGpa();
        try (Machine m = Machine.boot(kvm, GuestImage.EMULATION_FAILURE, 1)) {
            Vcpu vcpu = m.vcpus().getFirst();
            VcpuExit exit;
            try (RunWatchdog watchdog = RunWatchdog.watch(vcpu, Duration.ofSeconds(5))) {
                exit = Machine.runWatched(vcpu, watchdog, "emulation-failure guest");
            } finally {
                vcpu.releaseThread();
            }
            System.out.println("EMULATION_FAILURE: the first exit: " + VcpuExit.describe(exit));
            assertThat(exit).isInstanceOf(VcpuExit.InternalError.class);
            VcpuExit.InternalError e = (VcpuExit.InternalError) exit;
            assertThat(e.suberror()).isEqualTo(kvm_h.KVM_INTERNAL_ERROR_EMULATION);
            assertThat(e.suberrorName()).isEqualTo("KVM_INTERNAL_ERROR_EMULATION");
            if (e.instructionBytes().length > 0) { // kernels since 5.17 report them
                assertThat(e.instructionBytes()).startsWith(FLDS_RAX);
            }
            assertThat(vcpu.getRegs().rip()).as("RIP at the flds").isEqualTo(flds);
        }
        String message = failureOf(kvm, GuestImage.EMULATION_FAILURE, m -> { });
        System.out.println("EMULATION_FAILURE through the sampler's runner: " + message);
        assertThat(message).contains("vCPU 0", "KVM_EXIT_INTERNAL_ERROR KVM_INTERNAL_ERROR_EMULATION",
                String.format("rip=0x%x", flds), "rsp=", "cr0=");
    }

    @Test
    void aCodeSegmentWithLAndDBothSetFailsTheEntry(Kvm kvm) {
        Consumer<Machine> lAndD = m -> {
            Vcpu vcpu = m.vcpus().getFirst();
            var sregs = vcpu.getSregs();
            assertThat(sregs.cs().l()).isTrue();
            vcpu.setSregs(sregs.withCs(sregs.cs().withDb(true))); // accepted: kvm_is_valid_sregs() does not look at CS.D
        };
        String message = failureOf(kvm, GuestImage.SAMPLER, lAndD);
        System.out.println("CS.L = CS.D = 1 through the sampler's runner: " + message);
        // The registers are what the failed VMRUN left in the VMCB. RSP is still the stack top:
        // the guest never ran. RIP is not asserted: QEMU's TCG SVM writes back a RIP of its own
        // (0x100c4d in the lab, not IMAGE_GPA) when it fails the VMRUN; real AMD hardware saves no
        // guest state on VMEXIT_INVALID.
        assertThat(message).contains("vCPU 0", "KVM_EXIT_FAIL_ENTRY", "hardware_entry_failure_reason 0x",
                "rip=", String.format("rsp=0x%x", GuestAbi.stackTop(0)), "cr0=");
    }

    /**
     * Runs {@code image} on one vCPU under the sampler's runner after {@code patch}, expects a
     * {@link GuestFailure}, checks nothing was left behind and a fresh VM still runs; its message.
     */
    static String failureOf(Kvm kvm, GuestImage image, Consumer<Machine> patch) {
        // The runner's first HostInstant maps the process's rdtsc stub for good (Tsc's class
        // initializer): map it before counting, or the first test in a JVM sees it as a leak.
        kvmclockprobe.sys.Tsc.available();
        ReliabilityTest.Held before = ReliabilityTest.Held.now();
        String message = null;
        try (SamplerSession s = SamplerSession.launchPatched(kvm, image, 1,
                SamplerSession.Options.defaults().withHangLimit(Duration.ofSeconds(3)),
                (name, r) -> Thread.ofPlatform().name(name).start(r), patch)) {
            s.sampleFor(Duration.ofSeconds(10));
            fail("%s ran without a failure", image);
        } catch (GuestFailure e) {
            message = e.getMessage();
        } catch (IllegalStateException e) {
            // start() itself may already have seen the failure
            message = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
        }
        System.out.printf(Locale.ROOT, "%s: %s%n", image, message);
        assertThat(ReliabilityTest.Held.now()).as("nothing left behind after %s", image).isEqualTo(before);
        try (Machine fresh = Machine.boot(kvm, GuestImage.HELLO, 1)) {
            HostProbe.runHelloToHlt(fresh.vcpus().getFirst());
        }
        System.out.printf(Locale.ROOT, "%s: a fresh VM ran the hello guest afterwards%n", image);
        return message;
    }
}

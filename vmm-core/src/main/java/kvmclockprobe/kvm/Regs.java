package kvmclockprobe.kvm;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_regs;

/**
 * {@code struct kvm_regs}: the general registers, RIP and RFLAGS, as {@code KVM_GET_REGS} returns
 * them and {@code KVM_SET_REGS} takes them, in the struct's order.
 */
public record Regs(long rax, long rbx, long rcx, long rdx, long rsi, long rdi, long rsp, long rbp,
                   long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15,
                   long rip, long rflags) {

    static Regs read(MemorySegment s) {
        return new Regs(kvm_regs.rax(s), kvm_regs.rbx(s), kvm_regs.rcx(s), kvm_regs.rdx(s),
                kvm_regs.rsi(s), kvm_regs.rdi(s), kvm_regs.rsp(s), kvm_regs.rbp(s),
                kvm_regs.r8(s), kvm_regs.r9(s), kvm_regs.r10(s), kvm_regs.r11(s),
                kvm_regs.r12(s), kvm_regs.r13(s), kvm_regs.r14(s), kvm_regs.r15(s),
                kvm_regs.rip(s), kvm_regs.rflags(s));
    }

    void write(MemorySegment s) {
        kvm_regs.rax(s, rax);
        kvm_regs.rbx(s, rbx);
        kvm_regs.rcx(s, rcx);
        kvm_regs.rdx(s, rdx);
        kvm_regs.rsi(s, rsi);
        kvm_regs.rdi(s, rdi);
        kvm_regs.rsp(s, rsp);
        kvm_regs.rbp(s, rbp);
        kvm_regs.r8(s, r8);
        kvm_regs.r9(s, r9);
        kvm_regs.r10(s, r10);
        kvm_regs.r11(s, r11);
        kvm_regs.r12(s, r12);
        kvm_regs.r13(s, r13);
        kvm_regs.r14(s, r14);
        kvm_regs.r15(s, r15);
        kvm_regs.rip(s, rip);
        kvm_regs.rflags(s, rflags);
    }
}

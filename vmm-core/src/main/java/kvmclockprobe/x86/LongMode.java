package kvmclockprobe.x86;

import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.kvm.DescriptorTable;
import kvmclockprobe.kvm.Regs;
import kvmclockprobe.kvm.Segment;
import kvmclockprobe.kvm.Sregs;

/**
 * The special and general registers of a vCPU that starts in 64-bit long mode with paging on.
 * Pure functions.
 */
public final class LongMode {
    private LongMode() {}

    public static final long CR0 = x86_h.X86_CR0_PE | x86_h.X86_CR0_MP
            | x86_h.X86_CR0_ET | x86_h.X86_CR0_NE | x86_h.X86_CR0_PG;
    public static final long CR4 = x86_h.X86_CR4_PAE;
    public static final long EFER = x86_h.EFER_LME | x86_h.EFER_LMA;
    /** RFLAGS with only the bit that is always set: IF stays clear. */
    public static final long RFLAGS = x86_h.X86_EFLAGS_FIXED;

    /**
     * {@code fromKvm} with the segments, GDT, control registers and EFER of long mode; TR, LDT,
     * IDT, CR2, CR8, the APIC base and any pending interrupt stay as KVM gave them.
     */
    public static Sregs sregs(Sregs fromKvm, long gdtGpa, long pml4Gpa) {
        Segment code = Gdt.segment(Gdt.CODE64, Gdt.CODE64_SELECTOR);
        Segment data = Gdt.segment(Gdt.DATA, Gdt.DATA_SELECTOR);
        return new Sregs(code, data, data, data, data, data, fromKvm.tr(), fromKvm.ldt(),
                new DescriptorTable(gdtGpa, Gdt.LIMIT), fromKvm.idt(),
                CR0, fromKvm.cr2(), pml4Gpa, CR4, fromKvm.cr8(), EFER, fromKvm.apicBase(), fromKvm.pendingInterrupt());
    }

    /** RIP, RSP, RDI, RSI and RFLAGS set; every other general register zero. */
    public static Regs regs(long rip, long rsp, long rdi, long rsi) {
        return new Regs(0, 0, 0, 0, rsi, rdi, rsp, 0, // rax rbx rcx rdx rsi rdi rsp rbp
                0, 0, 0, 0, 0, 0, 0, 0,                 // r8 to r15
                rip, RFLAGS);
    }
}

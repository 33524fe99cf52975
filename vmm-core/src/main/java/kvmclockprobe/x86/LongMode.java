package kvmclockprobe.x86;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_dtable;
import kvmclockprobe.bindings.kvm_regs;
import kvmclockprobe.bindings.kvm_sregs;
import kvmclockprobe.bindings.x86_h;

/**
 * The special and general registers of a vCPU that starts in 64-bit long mode with paging on.
 * Pure: fills {@code kvm_sregs} / {@code kvm_regs} it is given.
 */
public final class LongMode {
    private LongMode() {}

    public static final long CR0 = x86_h.X86_CR0_PE | x86_h.X86_CR0_MP
            | x86_h.X86_CR0_ET | x86_h.X86_CR0_NE | x86_h.X86_CR0_PG;
    public static final long CR4 = x86_h.X86_CR4_PAE;
    public static final long EFER = x86_h.EFER_LME | x86_h.EFER_LMA;
    /** RFLAGS bit 1 is always set; IF stays clear. */
    public static final long RFLAGS = 0x2;

    /** Sets segments, GDT, control registers and EFER for long mode; leaves everything else as KVM gave it. */
    public static void configureSregs(MemorySegment sregs, long gdtGpa, long pml4Gpa) {
        long[] gdt = Gdt.longModeTable();
        Gdt.toKvmSegment(gdt[1], Gdt.CODE64_SELECTOR, kvm_sregs.cs(sregs));
        for (MemorySegment data : new MemorySegment[] {kvm_sregs.ds(sregs), kvm_sregs.es(sregs),
                kvm_sregs.fs(sregs), kvm_sregs.gs(sregs), kvm_sregs.ss(sregs)}) {
            Gdt.toKvmSegment(gdt[2], Gdt.DATA_SELECTOR, data);
        }
        MemorySegment gdtr = kvm_sregs.gdt(sregs);
        kvm_dtable.base(gdtr, gdtGpa);
        kvm_dtable.limit(gdtr, (short) Gdt.LIMIT);
        kvm_sregs.cr0(sregs, CR0);
        kvm_sregs.cr3(sregs, pml4Gpa);
        kvm_sregs.cr4(sregs, CR4);
        kvm_sregs.efer(sregs, EFER);
    }

    /** Zeroes {@code regs} and sets RIP, RSP, RDI, RSI and RFLAGS. */
    public static void configureRegs(MemorySegment regs, long rip, long rsp, long rdi, long rsi) {
        regs.fill((byte) 0);
        kvm_regs.rip(regs, rip);
        kvm_regs.rsp(regs, rsp);
        kvm_regs.rdi(regs, rdi);
        kvm_regs.rsi(regs, rsi);
        kvm_regs.rflags(regs, RFLAGS);
    }
}

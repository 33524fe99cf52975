package kvmclockprobe.kvm;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

import kvmclockprobe.bindings.kvm_sregs;

/**
 * {@code struct kvm_sregs}: the segment, descriptor-table and control registers, EFER and the
 * APIC base, as {@code KVM_GET_SREGS} returns them and {@code KVM_SET_SREGS} takes them, in the
 * struct's order.
 *
 * @param pendingInterrupt {@code interrupt_bitmap}: the external interrupt the APIC has acknowledged
 *                         but the CPU has not yet taken. The kernel's API allows at most one bit,
 *                         so the bitmap is its vector, or empty.
 */
public record Sregs(Segment cs, Segment ds, Segment es, Segment fs, Segment gs, Segment ss,
                    Segment tr, Segment ldt, DescriptorTable gdt, DescriptorTable idt,
                    long cr0, long cr2, long cr3, long cr4, long cr8, long efer, long apicBase,
                    OptionalInt pendingInterrupt) {

    /** {@code KVM_NR_INTERRUPTS}: the vectors {@code interrupt_bitmap} has a bit for. */
    static final int INTERRUPT_VECTORS = (int) kvm_sregs.interrupt_bitmap$count * Long.SIZE;

    public Sregs {
        if (pendingInterrupt.isPresent() && (pendingInterrupt.getAsInt() < 0 || pendingInterrupt.getAsInt() >= INTERRUPT_VECTORS)) {
            throw new IllegalArgumentException("interrupt vector " + pendingInterrupt.getAsInt() + " is not in [0, " + INTERRUPT_VECTORS + ")");
        }
    }

    /** These registers with CS replaced. */
    public Sregs withCs(Segment cs) {
        return new Sregs(cs, ds, es, fs, gs, ss, tr, ldt, gdt, idt, cr0, cr2, cr3, cr4, cr8, efer, apicBase, pendingInterrupt);
    }

    static Sregs read(MemorySegment s) {
        return new Sregs(Segment.read(kvm_sregs.cs(s)), Segment.read(kvm_sregs.ds(s)), Segment.read(kvm_sregs.es(s)),
                Segment.read(kvm_sregs.fs(s)), Segment.read(kvm_sregs.gs(s)), Segment.read(kvm_sregs.ss(s)),
                Segment.read(kvm_sregs.tr(s)), Segment.read(kvm_sregs.ldt(s)),
                DescriptorTable.read(kvm_sregs.gdt(s)), DescriptorTable.read(kvm_sregs.idt(s)),
                kvm_sregs.cr0(s), kvm_sregs.cr2(s), kvm_sregs.cr3(s), kvm_sregs.cr4(s), kvm_sregs.cr8(s),
                kvm_sregs.efer(s), kvm_sregs.apic_base(s), firstSetBit(s));
    }

    /** The lowest vector set in {@code interrupt_bitmap}: the one {@code KVM_SET_SREGS} queues. */
    private static OptionalInt firstSetBit(MemorySegment s) {
        for (int word = 0; word < kvm_sregs.interrupt_bitmap$count; word++) {
            long bits = kvm_sregs.interrupt_bitmap(s, word);
            if (bits != 0) return OptionalInt.of(word * Long.SIZE + Long.numberOfTrailingZeros(bits));
        }
        return OptionalInt.empty();
    }

    void write(MemorySegment s) {
        cs.write(kvm_sregs.cs(s));
        ds.write(kvm_sregs.ds(s));
        es.write(kvm_sregs.es(s));
        fs.write(kvm_sregs.fs(s));
        gs.write(kvm_sregs.gs(s));
        ss.write(kvm_sregs.ss(s));
        tr.write(kvm_sregs.tr(s));
        ldt.write(kvm_sregs.ldt(s));
        gdt.write(kvm_sregs.gdt(s));
        idt.write(kvm_sregs.idt(s));
        kvm_sregs.cr0(s, cr0);
        kvm_sregs.cr2(s, cr2);
        kvm_sregs.cr3(s, cr3);
        kvm_sregs.cr4(s, cr4);
        kvm_sregs.cr8(s, cr8);
        kvm_sregs.efer(s, efer);
        kvm_sregs.apic_base(s, apicBase);
        kvm_sregs.interrupt_bitmap(s).fill((byte) 0);
        pendingInterrupt.ifPresent(v -> kvm_sregs.interrupt_bitmap(s, v / Long.SIZE, 1L << (v % Long.SIZE)));
    }
}

package kvmclockprobe.kvm;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_segment;

/**
 * {@code struct kvm_segment}: a segment register as the CPU holds it, the hidden part (base,
 * limit, attributes) included. One-bit attributes are booleans; KVM reports each as 0 or 1.
 *
 * @param limit    the byte-granular limit (a 4 KiB-granular descriptor's limit already expanded), unsigned 32-bit
 * @param selector unsigned 16-bit
 * @param type     the descriptor's 4-bit type field
 * @param dpl      the descriptor privilege level, 0 to 3
 * @param db       D/B: 32-bit default operand size
 * @param s        S: a code or data segment (not a system segment)
 * @param l        L: 64-bit code
 * @param g        G: the descriptor's limit counts 4 KiB pages
 * @param unusable VMX's "segment unusable" (a null selector loaded)
 */
public record Segment(long base, long limit, int selector, int type, boolean present, int dpl,
                      boolean db, boolean s, boolean l, boolean g, boolean avl, boolean unusable) {

    /** This segment with D/B set to {@code db}. */
    public Segment withDb(boolean db) {
        return new Segment(base, limit, selector, type, present, dpl, db, s, l, g, avl, unusable);
    }

    static Segment read(MemorySegment seg) {
        return new Segment(kvm_segment.base(seg), Integer.toUnsignedLong(kvm_segment.limit(seg)),
                Short.toUnsignedInt(kvm_segment.selector(seg)), kvm_segment.type(seg), kvm_segment.present(seg) != 0,
                kvm_segment.dpl(seg), kvm_segment.db(seg) != 0, kvm_segment.s(seg) != 0, kvm_segment.l(seg) != 0,
                kvm_segment.g(seg) != 0, kvm_segment.avl(seg) != 0, kvm_segment.unusable(seg) != 0);
    }

    void write(MemorySegment seg) {
        kvm_segment.base(seg, base);
        kvm_segment.limit(seg, (int) limit);
        kvm_segment.selector(seg, (short) selector);
        kvm_segment.type(seg, (byte) type);
        kvm_segment.present(seg, bit(present));
        kvm_segment.dpl(seg, (byte) dpl);
        kvm_segment.db(seg, bit(db));
        kvm_segment.s(seg, bit(s));
        kvm_segment.l(seg, bit(l));
        kvm_segment.g(seg, bit(g));
        kvm_segment.avl(seg, bit(avl));
        kvm_segment.unusable(seg, bit(unusable));
    }

    private static byte bit(boolean set) {
        return (byte) (set ? 1 : 0);
    }
}

package kvmclockprobe.x86;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.kvm.Segment;

/**
 * The global descriptor table a long-mode guest needs: a null descriptor, a 64-bit code
 * segment and a data segment; and the matching {@link Segment}s for {@code KVM_SET_SREGS}.
 * Pure functions.
 */
public final class Gdt {
    private Gdt() {}

    public static final int CODE64_SELECTOR = 0x08;
    public static final int DATA_SELECTOR = 0x10;
    public static final int ENTRIES = 3;
    /** {@code lgdt} limit of the table: size in bytes minus one. */
    public static final int LIMIT = ENTRIES * 8 - 1;

    /** Access byte: present, ring 0, code/data (S), executable, readable, accessed. */
    public static final int ACCESS_CODE = 0x9B;
    /** Access byte: present, ring 0, code/data (S), writable, accessed. */
    public static final int ACCESS_DATA = 0x93;
    /** Flags nibble: G (4 KiB granularity) and L (64-bit code). */
    public static final int FLAGS_CODE64 = 0xA;
    /** Flags nibble: G and D/B (32-bit default operand size). */
    public static final int FLAGS_DATA = 0xC;

    /** Packs a segment descriptor: base, 20-bit limit, access byte, flags nibble. */
    public static long descriptor(long base, long limit, int access, int flags) {
        return (limit & 0xFFFFL)
                | (base & 0xFF_FFFFL) << 16
                | (long) (access & 0xFF) << 40
                | (limit >>> 16 & 0xFL) << 48
                | (long) (flags & 0xF) << 52
                | (base >>> 24 & 0xFFL) << 56;
    }

    /** The three descriptors: null, 64-bit code, data (flat, 4 GiB limit). */
    public static long[] longModeTable() {
        return new long[] {
            0L,
            descriptor(0, 0xFFFFF, ACCESS_CODE, FLAGS_CODE64),
            descriptor(0, 0xFFFFF, ACCESS_DATA, FLAGS_DATA),
        };
    }

    /** Writes {@link #longModeTable()} at the start of {@code page}. */
    public static void write(MemorySegment page) {
        long[] table = longModeTable();
        for (int i = 0; i < table.length; i++) page.set(JAVA_LONG_UNALIGNED, 8L * i, table[i]);
    }

    /** What the CPU would load into a segment register from {@code descriptor} for {@code selector}. */
    public static Segment segment(long descriptor, int selector) {
        int access = (int) (descriptor >>> 40 & 0xFF);
        int flags = (int) (descriptor >>> 52 & 0xF);
        long base = (descriptor >>> 16 & 0xFF_FFFFL) | (descriptor >>> 56 & 0xFFL) << 24;
        long rawLimit = (descriptor & 0xFFFFL) | (descriptor >>> 48 & 0xFL) << 16;
        boolean granular = (flags & 0x8) != 0;
        long limit = granular ? rawLimit << 12 | 0xFFF : rawLimit;
        return new Segment(base, limit, selector, access & 0xF, (access >>> 7 & 1) != 0, access >>> 5 & 3,
                (flags >>> 2 & 1) != 0, (access >>> 4 & 1) != 0, (flags >>> 1 & 1) != 0, granular,
                (flags & 1) != 0, false);
    }
}

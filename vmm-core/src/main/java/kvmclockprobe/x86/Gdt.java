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

    /** The size of a descriptor. */
    public static final int DESCRIPTOR_BYTES = Long.BYTES;
    /** Selectors: the descriptor's index times 8, in the GDT, requested privilege level 0. */
    public static final int CODE64_SELECTOR = 0x08;
    public static final int DATA_SELECTOR = 0x10;
    public static final int ENTRIES = 3;
    /** {@code lgdt} limit of the table: size in bytes minus one. */
    public static final int LIMIT = ENTRIES * DESCRIPTOR_BYTES - 1;

    /** The type nibble of a code or data descriptor: accessed, readable (code) or writable (data), executable. */
    static final int TYPE_ACCESSED = 0x1, TYPE_READABLE = 0x2, TYPE_WRITABLE = 0x2, TYPE_EXECUTABLE = 0x8;
    static final int ACCESS_TYPE = 0xF;
    /** The access byte's S (code or data, not system), DPL (two bits) and P (present). */
    static final int ACCESS_S = 0x10, ACCESS_DPL_SHIFT = 5, DPL_MASK = 0x3, ACCESS_PRESENT = 0x80;
    /** Access byte: present, ring 0, code/data (S), executable, readable, accessed. */
    public static final int ACCESS_CODE = ACCESS_PRESENT | ACCESS_S | TYPE_EXECUTABLE | TYPE_READABLE | TYPE_ACCESSED;
    /** Access byte: present, ring 0, code/data (S), writable, accessed. */
    public static final int ACCESS_DATA = ACCESS_PRESENT | ACCESS_S | TYPE_WRITABLE | TYPE_ACCESSED;
    /** The flags nibble: AVL, L (64-bit code), D/B (32-bit default operand size), G (limit in 4 KiB pages). */
    static final int FLAG_AVL = 0x1, FLAG_L = 0x2, FLAG_DB = 0x4, FLAG_G = 0x8;
    /** Flags nibble: G (4 KiB granularity) and L (64-bit code). */
    public static final int FLAGS_CODE64 = FLAG_G | FLAG_L;
    /** Flags nibble: G and D/B (32-bit default operand size). */
    public static final int FLAGS_DATA = FLAG_G | FLAG_DB;
    /** The largest 20-bit limit: with G, the whole 4 GiB. */
    public static final long MAX_LIMIT = 0xF_FFFF;
    /** G counts the limit in pages of this many bits. */
    static final int PAGE_SHIFT = 12;

    /** Where the fields lie in a descriptor, and how wide each is (the base and the limit are split in two). */
    private static final int LIMIT_LOW_BITS = 16, BASE_LOW_SHIFT = 16, BASE_LOW_BITS = 24, ACCESS_SHIFT = 40,
            ACCESS_BITS = 8, LIMIT_HIGH_SHIFT = 48, LIMIT_HIGH_BITS = 4, FLAGS_SHIFT = 52, FLAGS_BITS = 4,
            BASE_HIGH_SHIFT = 56, BASE_HIGH_BITS = 8;

    /** Flat 64-bit code: base 0, 4 GiB limit. */
    public static final long CODE64 = descriptor(0, MAX_LIMIT, ACCESS_CODE, FLAGS_CODE64);
    /** Flat data: base 0, 4 GiB limit. */
    public static final long DATA = descriptor(0, MAX_LIMIT, ACCESS_DATA, FLAGS_DATA);

    /** Packs a segment descriptor: base, 20-bit limit, access byte, flags nibble. */
    public static long descriptor(long base, long limit, int access, int flags) {
        return bits(limit, 0, LIMIT_LOW_BITS)
                | bits(base, 0, BASE_LOW_BITS) << BASE_LOW_SHIFT
                | bits(access, 0, ACCESS_BITS) << ACCESS_SHIFT
                | bits(limit, LIMIT_LOW_BITS, LIMIT_HIGH_BITS) << LIMIT_HIGH_SHIFT
                | bits(flags, 0, FLAGS_BITS) << FLAGS_SHIFT
                | bits(base, BASE_LOW_BITS, BASE_HIGH_BITS) << BASE_HIGH_SHIFT;
    }

    /** {@code count} bits of {@code value} from bit {@code from} on. */
    private static long bits(long value, int from, int count) {
        return value >>> from & (1L << count) - 1;
    }

    /** The three descriptors: null, 64-bit code, data. */
    public static long[] longModeTable() {
        return new long[] {0L, CODE64, DATA};
    }

    /** Writes {@link #longModeTable()} at the start of {@code page}. */
    public static void write(MemorySegment page) {
        long[] table = longModeTable();
        for (int i = 0; i < table.length; i++) page.set(JAVA_LONG_UNALIGNED, (long) DESCRIPTOR_BYTES * i, table[i]);
    }

    /** What the CPU would load into a segment register from {@code descriptor} for {@code selector}. */
    public static Segment segment(long descriptor, int selector) {
        int access = (int) bits(descriptor, ACCESS_SHIFT, ACCESS_BITS);
        int flags = (int) bits(descriptor, FLAGS_SHIFT, FLAGS_BITS);
        long base = bits(descriptor, BASE_LOW_SHIFT, BASE_LOW_BITS)
                | bits(descriptor, BASE_HIGH_SHIFT, BASE_HIGH_BITS) << BASE_LOW_BITS;
        long rawLimit = bits(descriptor, 0, LIMIT_LOW_BITS)
                | bits(descriptor, LIMIT_HIGH_SHIFT, LIMIT_HIGH_BITS) << LIMIT_LOW_BITS;
        boolean granular = (flags & FLAG_G) != 0;
        long limit = granular ? rawLimit << PAGE_SHIFT | (1L << PAGE_SHIFT) - 1 : rawLimit;
        return new Segment(base, limit, selector, access & ACCESS_TYPE, (access & ACCESS_PRESENT) != 0,
                access >>> ACCESS_DPL_SHIFT & DPL_MASK, (flags & FLAG_DB) != 0, (access & ACCESS_S) != 0,
                (flags & FLAG_L) != 0, granular, (flags & FLAG_AVL) != 0, false);
    }
}

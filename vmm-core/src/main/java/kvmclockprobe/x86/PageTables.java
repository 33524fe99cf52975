package kvmclockprobe.x86;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Four-level x86-64 page tables that identity-map the first GiB with 2 MiB pages: one PML4
 * entry, one PDPT entry, 512 PD entries. Pure: fills the three 4 KiB pages it is given.
 */
public final class PageTables {
    private PageTables() {}

    public static final long PAGE_SIZE = 0x1000;
    public static final long LARGE_PAGE_SIZE = 0x20_0000;
    public static final long PRESENT = 1L << 0;
    public static final long WRITABLE = 1L << 1;
    /** PS: in a page-directory entry, maps a 2 MiB page. */
    public static final long PAGE_SIZE_BIT = 1L << 7;
    public static final int ENTRIES = 512;

    /**
     * Writes the tables. {@code pml4}, {@code pdpt} and {@code pd} are the 4 KiB pages at
     * guest-physical {@code pdptGpa}'s parent, {@code pdptGpa} and {@code pdGpa}.
     */
    public static void identityMapFirstGiB(MemorySegment pml4, MemorySegment pdpt, MemorySegment pd,
                                           long pdptGpa, long pdGpa) {
        requirePage(pml4, "PML4");
        requirePage(pdpt, "PDPT");
        requirePage(pd, "PD");
        if ((pdptGpa & (PAGE_SIZE - 1)) != 0 || (pdGpa & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("page-table pages must be 4 KiB aligned");
        }
        pml4.fill((byte) 0);
        pdpt.fill((byte) 0);
        pml4.set(JAVA_LONG_UNALIGNED, 0, pdptGpa | PRESENT | WRITABLE);
        pdpt.set(JAVA_LONG_UNALIGNED, 0, pdGpa | PRESENT | WRITABLE);
        for (int i = 0; i < ENTRIES; i++) {
            pd.set(JAVA_LONG_UNALIGNED, (long) Long.BYTES * i, i * LARGE_PAGE_SIZE | PRESENT | WRITABLE | PAGE_SIZE_BIT);
        }
    }

    private static void requirePage(MemorySegment page, String what) {
        if (page.byteSize() != PAGE_SIZE) {
            throw new IllegalArgumentException(what + " must be one 4 KiB page, got " + page.byteSize() + " bytes");
        }
    }
}

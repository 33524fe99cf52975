package kvmclockprobe.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.sys.Libc;

/**
 * One region of guest RAM: host memory mapped shared and anonymous, registered with KVM as a
 * memory slot, addressed by guest-physical address. Every access is bounds-checked against
 * the region; an address outside it throws naming the address and the region.
 */
public final class GuestMemory implements AutoCloseable {
    /** KVM maps memory slots in host pages: a slot's address and size are multiples of this. */
    static final long PAGE_SIZE = 4096;

    private final long baseGpa;
    private final long size;
    private final int slot;
    private MemorySegment mapping;

    GuestMemory(int slot, long baseGpa, long size) {
        if (size <= 0 || size % PAGE_SIZE != 0 || baseGpa % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(String.format(
                    "guest memory must be page-aligned and non-empty: gpa 0x%x size 0x%x", baseGpa, size));
        }
        this.slot = slot;
        this.baseGpa = baseGpa;
        this.size = size;
        this.mapping = Libc.mmap(size, libc_h.PROT_READ | libc_h.PROT_WRITE,
                libc_h.MAP_SHARED | libc_h.MAP_ANONYMOUS | libc_h.MAP_NORESERVE, -1, "guest memory");
    }

    public int slot() {
        return slot;
    }

    public long size() {
        return size;
    }

    /** The host virtual address KVM is given for this region. */
    long hostAddress() {
        return mapping().address();
    }

    private MemorySegment mapping() {
        MemorySegment m = mapping;
        if (m == null) throw new IllegalStateException("guest memory slot " + slot + " is unmapped");
        return m;
    }

    private boolean contains(long gpa, long length) {
        return length >= 0 && gpa >= baseGpa && gpa - baseGpa <= size - length;
    }

    /** A view of {@code [gpa, gpa + length)}; throws unless the whole range lies in this region. */
    public MemorySegment slice(long gpa, long length) {
        if (!contains(gpa, length)) {
            throw new IndexOutOfBoundsException(String.format(
                    "guest-physical range [0x%x, 0x%x) is outside slot %d [0x%x, 0x%x)",
                    gpa, gpa + length, slot, baseGpa, baseGpa + size));
        }
        return mapping().asSlice(gpa - baseGpa, length);
    }

    public long readU64(long gpa) {
        return slice(gpa, Long.BYTES).get(JAVA_LONG_UNALIGNED, 0);
    }

    public int readU32(long gpa) {
        return slice(gpa, Integer.BYTES).get(JAVA_INT_UNALIGNED, 0);
    }

    public void writeU64(long gpa, long value) {
        slice(gpa, Long.BYTES).set(JAVA_LONG_UNALIGNED, 0, value);
    }

    public void writeU32(long gpa, int value) {
        slice(gpa, Integer.BYTES).set(JAVA_INT_UNALIGNED, 0, value);
    }

    public void write(long gpa, byte[] bytes) {
        MemorySegment.copy(bytes, 0, slice(gpa, bytes.length), JAVA_BYTE, 0, bytes.length);
    }

    public byte[] read(long gpa, int length) {
        return slice(gpa, length).toArray(JAVA_BYTE);
    }

    @Override
    public void close() {
        MemorySegment m = mapping;
        if (m != null) {
            mapping = null;
            Libc.munmap(m);
        }
    }
}

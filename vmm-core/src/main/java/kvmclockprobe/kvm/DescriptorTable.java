package kvmclockprobe.kvm;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_dtable;

/**
 * {@code struct kvm_dtable}: a descriptor-table register (GDTR or IDTR).
 *
 * @param limit the table's size in bytes minus one, unsigned 16-bit (what {@code lgdt} takes)
 */
public record DescriptorTable(long base, int limit) {

    static DescriptorTable read(MemorySegment s) {
        return new DescriptorTable(kvm_dtable.base(s), Short.toUnsignedInt(kvm_dtable.limit(s)));
    }

    void write(MemorySegment s) {
        kvm_dtable.base(s, base);
        kvm_dtable.limit(s, (short) limit);
    }
}

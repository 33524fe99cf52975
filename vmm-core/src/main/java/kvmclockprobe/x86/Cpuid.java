package kvmclockprobe.x86;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_cpuid2;
import kvmclockprobe.bindings.kvm_cpuid_entry2;
import kvmclockprobe.bindings.kvm_h;

/**
 * CPUID for a vCPU, from what {@code KVM_GET_SUPPORTED_CPUID} returned: the KVM paravirt leaves
 * (0x40000000 signature, 0x40000001 features) are kept as KVM reports them, so the guest sees
 * kvmclock advertised; the APIC ID is set per vCPU. Pure functions over a {@code kvm_cpuid2}.
 */
public final class Cpuid {
    private Cpuid() {}

    /** Leaf 1: version and features; EBX[31:24] is the initial APIC ID. */
    static final int LEAF_FEATURES = 0x1;
    /** Leaves 0xB and 0x1F: extended topology; EDX is the x2APIC ID. */
    static final int LEAF_EXTENDED_TOPOLOGY = 0xB, LEAF_V2_EXTENDED_TOPOLOGY = 0x1F;
    /** Where leaf 1 EBX holds the APIC ID. */
    static final int APIC_ID_SHIFT = 24;
    static final int APIC_ID_MASK = 0xFF << APIC_ID_SHIFT;

    /** The entry for {@code function}/{@code index}, or null when absent. */
    public static MemorySegment find(MemorySegment cpuid2, int function, int index) {
        int n = kvm_cpuid2.nent(cpuid2);
        for (int i = 0; i < n; i++) {
            MemorySegment e = kvm_cpuid2.entries(cpuid2, i);
            if (kvm_cpuid_entry2.function(e) == function && kvm_cpuid_entry2.index(e) == index) return e;
        }
        return null;
    }

    /** Puts {@code apicId} in leaf 1 EBX[31:24] and, where present, leaf 0xB EDX (x2APIC ID). */
    public static void setApicId(MemorySegment cpuid2, int apicId) {
        int n = kvm_cpuid2.nent(cpuid2);
        for (int i = 0; i < n; i++) {
            MemorySegment e = kvm_cpuid2.entries(cpuid2, i);
            int function = kvm_cpuid_entry2.function(e);
            if (function == LEAF_FEATURES) {
                kvm_cpuid_entry2.ebx(e, kvm_cpuid_entry2.ebx(e) & ~APIC_ID_MASK | apicId << APIC_ID_SHIFT);
            } else if (function == LEAF_EXTENDED_TOPOLOGY || function == LEAF_V2_EXTENDED_TOPOLOGY) {
                kvm_cpuid_entry2.edx(e, apicId);
            }
        }
    }

    /** The KVM paravirt feature bits (leaf {@code KVM_CPUID_FEATURES} EAX), or 0 when the leaf is absent. */
    public static int kvmFeatures(MemorySegment cpuid2) {
        MemorySegment e = find(cpuid2, kvm_h.KVM_CPUID_FEATURES, 0);
        return e == null ? 0 : kvm_cpuid_entry2.eax(e);
    }

    /** True when the guest will see {@code KVM_FEATURE_CLOCKSOURCE2} (the new kvmclock MSRs). */
    public static boolean advertisesKvmclock(MemorySegment cpuid2) {
        return (kvmFeatures(cpuid2) & 1 << kvm_h.KVM_FEATURE_CLOCKSOURCE2) != 0;
    }

    /** True when the guest will see {@code KVM_FEATURE_CLOCKSOURCE_STABLE_BIT}. */
    public static boolean advertisesStableBit(MemorySegment cpuid2) {
        return (kvmFeatures(cpuid2) & 1 << kvm_h.KVM_FEATURE_CLOCKSOURCE_STABLE_BIT) != 0;
    }
}

package kvmclockprobe.clock;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.pvclock_vcpu_time_info;

/**
 * One set of pvclock parameters ({@code struct pvclock_vcpu_time_info}) and the arithmetic a
 * guest does with them: {@code system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32}, with
 * the full 64x32-bit product, all unsigned, exact to the nanosecond. Used for both host-side
 * readings and checking what the guest reported.
 *
 * @param version      the seqcount (odd while KVM is writing)
 * @param tscTimestamp guest TSC at the reference point (unsigned)
 * @param systemTimeNs kvmclock at the reference point, ns (unsigned)
 * @param mul          {@code tsc_to_system_mul} (unsigned 32-bit, held in an int)
 * @param shift        {@code tsc_shift} (signed)
 * @param flags        {@code PVCLOCK_*} flags (bit 0: TSC stable)
 */
public record PvclockParams(int version, long tscTimestamp, long systemTimeNs, int mul, byte shift, byte flags) {
    /** {@code PVCLOCK_TSC_STABLE_BIT}. */
    public static final int PVCLOCK_TSC_STABLE_BIT = 1;
    /** {@code PVCLOCK_GUEST_STOPPED}. */
    public static final int PVCLOCK_GUEST_STOPPED = 2;

    /** The kvmclock in ns at guest TSC {@code tsc}. */
    public long nsAt(long tsc) {
        long delta = tsc - tscTimestamp;
        if (shift < 0) delta >>>= -shift;
        else delta <<= shift;
        return systemTimeNs + scale(delta, mul);
    }

    /**
     * The same line as {@link #nsAt}, evaluated also before {@code tscTimestamp} (a negative
     * delta scaled as its magnitude, then negated), for instants the guest never read.
     */
    public long nsAtSigned(long tsc) {
        long delta = tsc - tscTimestamp;
        if (delta >= 0) return nsAt(tsc);
        long magnitude = -delta;
        if (shift < 0) magnitude >>>= -shift;
        else magnitude <<= shift;
        return systemTimeNs - scale(magnitude, mul);
    }

    /** {@code (delta * mul) >> 32} over the full 96-bit product, unsigned. */
    static long scale(long delta, int mul) {
        return mulShift(delta, Integer.toUnsignedLong(mul), 32);
    }

    /** {@code (a * b) >> shift} over the full 128-bit unsigned product, for 0 < shift < 64. */
    public static long mulShift(long a, long b, int shift) {
        long hi = Math.unsignedMultiplyHigh(a, b);
        long lo = a * b;
        return hi << (64 - shift) | lo >>> shift;
    }

    /** True when {@code other} describes the same clock: every field but the version equal. */
    public boolean sameClockAs(PvclockParams other) {
        return tscTimestamp == other.tscTimestamp && systemTimeNs == other.systemTimeNs
                && mul == other.mul && shift == other.shift && flags == other.flags;
    }

    /** {@code PVCLOCK_TSC_STABLE_BIT}: the guest may trust the TSC across vCPUs. */
    public boolean tscStable() {
        return (flags & PVCLOCK_TSC_STABLE_BIT) != 0;
    }

    /** {@code PVCLOCK_GUEST_STOPPED}: the VMM paused the guest ({@code KVM_KVMCLOCK_CTRL}). */
    public boolean guestStopped() {
        return (flags & PVCLOCK_GUEST_STOPPED) != 0;
    }

    /** The master-clock reference point this page was written from. */
    public ReferencePoint reference() {
        return ReferencePoint.of(this);
    }

    /** Decodes the 32 bytes of a {@code pvclock_vcpu_time_info} as they are, without the version protocol. */
    public static PvclockParams decode(MemorySegment pvti) {
        return new PvclockParams(
                pvclock_vcpu_time_info.version(pvti),
                pvclock_vcpu_time_info.tsc_timestamp(pvti),
                pvclock_vcpu_time_info.system_time(pvti),
                pvclock_vcpu_time_info.tsc_to_system_mul(pvti),
                pvclock_vcpu_time_info.tsc_shift(pvti),
                pvclock_vcpu_time_info.flags(pvti));
    }

    /**
     * Reads a live {@code pvclock_vcpu_time_info} with the version protocol: retries while the
     * version is odd or changes under the read. Gives up after {@code maxTries} with an exception.
     */
    public static PvclockParams readConsistent(MemorySegment pvti, int maxTries) {
        for (int i = 0; i < maxTries; i++) {
            int v1 = pvclock_vcpu_time_info.version(pvti);
            java.lang.invoke.VarHandle.acquireFence();
            PvclockParams p = decode(pvti);
            java.lang.invoke.VarHandle.acquireFence();
            int v2 = pvclock_vcpu_time_info.version(pvti);
            if ((v1 & 1) == 0 && v1 == v2 && p.version == v1) return p;
            Thread.onSpinWait();
        }
        throw new IllegalStateException("pvclock version stayed odd or kept changing over " + maxTries + " reads");
    }

    @Override
    public String toString() {
        return String.format("pvclock{version=%d tsc_timestamp=%s system_time=%s mul=%s shift=%d flags=0x%x}",
                version, Long.toUnsignedString(tscTimestamp), Long.toUnsignedString(systemTimeNs),
                Integer.toUnsignedString(mul), shift, flags);
    }
}

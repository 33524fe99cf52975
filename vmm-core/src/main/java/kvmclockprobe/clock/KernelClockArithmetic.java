package kvmclockprobe.clock;

/**
 * The kernel's own integer arithmetic for the two conversions of the TSC that definitions A and B
 * use, step for step, so the B−A drift is known before a single sample is taken.
 *
 * <ul>
 * <li>A advances like host {@code CLOCK_MONOTONIC_RAW}: {@code cycles * mult >> shift} of the
 *     clocksource. For the {@code tsc} clocksource the kernel registers it with
 *     {@code clocksource_register_khz(cs, tsc_khz)}; {@code __clocksource_update_freq_scale(cs, 1000,
 *     tsc_khz)} caps the conversion range at 600 s (the TSC's mask is 64 bits) and calls
 *     {@code clocks_calc_mult_shift(&mult, &shift, tsc_khz, NSEC_PER_SEC / 1000, 600 * 1000)}
 *     (kernel/time/clocksource.c). The raw clock keeps that {@code mult}; NTP adjusts only the
 *     other one.</li>
 * <li>B advances through the pvclock {@code tsc_to_system_mul}/{@code tsc_shift}, which KVM
 *     computes with {@code kvm_get_time_scale(NSEC_PER_SEC, tsc_khz * 1000, &shift, &mul)}
 *     (arch/x86/kvm/x86.c) and writes into the guest's page.</li>
 * </ul>
 * B−A in ns/s is then (B's ns per cycle − A's ns per cycle) × TSC Hz, exactly.
 */
public final class KernelClockArithmetic {
    private KernelClockArithmetic() {}

    /** The conversion range {@code __clocksource_update_freq_scale} caps a 64-bit clocksource at, s. */
    static final long MAX_CONVERSION_S = 600;

    /** A clocksource's {@code mult}/{@code shift}: ns = cycles * mult >> shift. */
    public record ClocksourceScale(long mult, int shift) {
        /** ns per cycle, as a real number. */
        public double nsPerCycle() {
            return mult / Math.pow(2, shift);
        }
    }

    /** A pvclock's {@code tsc_to_system_mul}/{@code tsc_shift}: ns = ((cycles shifted by shift) * mul) >> 32. */
    public record PvclockScale(long mul, int shift) {
        public static PvclockScale of(PvclockParams p) {
            return new PvclockScale(Integer.toUnsignedLong(p.mul()), p.shift());
        }

        /** ns per cycle, as a real number. */
        public double nsPerCycle() {
            return mul * Math.pow(2, shift) / 0x1p32;
        }
    }

    /**
     * {@code clocks_calc_mult_shift(&mult, &shift, from, to, maxsec)}: the most accurate pair that
     * converts {@code from} Hz units into {@code to} units for {@code maxsec} without overflowing
     * 64 bits. All arguments are the kernel's u32s.
     */
    public static ClocksourceScale clocksCalcMultShift(long from, long to, long maxsec) {
        requireU32(from, "from");
        requireU32(to, "to");
        requireU32(maxsec, "maxsec");
        if (from == 0) throw new IllegalArgumentException("from must be positive");
        // The shift factor that limits the conversion range.
        long tmp = (maxsec * from) >>> 32;
        int sftacc = 32;
        while (tmp != 0) {
            tmp >>>= 1;
            sftacc--;
        }
        // The pair with the best accuracy that fits the range.
        int sft;
        for (sft = 32; sft > 0; sft--) {
            tmp = to << sft;
            tmp += from / 2;
            tmp = Long.divideUnsigned(tmp, from);
            if ((tmp >>> sftacc) == 0) break;
        }
        return new ClocksourceScale(tmp & 0xffff_ffffL, sft);
    }

    /**
     * The {@code tsc} clocksource's {@code mult}/{@code shift} for {@code tscKhz}, as
     * {@code clocksource_register_khz} computes them (scale 1000, range capped at 600 s).
     */
    public static ClocksourceScale tscClocksource(long tscKhz) {
        long mask = -1L; // CLOCKSOURCE_MASK(64)
        long sec = Long.divideUnsigned(Long.divideUnsigned(mask, tscKhz), 1000);
        if (sec == 0) sec = 1;
        else if (Long.compareUnsigned(sec, MAX_CONVERSION_S) > 0) sec = MAX_CONVERSION_S;
        return clocksCalcMultShift(tscKhz, 1_000_000_000L / 1000, sec * 1000);
    }

    /** {@code kvm_get_time_scale(scaled_hz, base_hz, &shift, &mul)}. */
    public static PvclockScale kvmGetTimeScale(long scaledHz, long baseHz) {
        long tps64 = baseHz;
        long scaled64 = scaledHz;
        int shift = 0;
        while (Long.compareUnsigned(tps64, scaled64 * 2) > 0 || (tps64 & 0xffff_ffff_0000_0000L) != 0) {
            tps64 >>>= 1;
            shift--;
        }
        long tps32 = tps64 & 0xffff_ffffL;
        while (Long.compareUnsigned(tps32, scaled64) <= 0 || (scaled64 & 0xffff_ffff_0000_0000L) != 0) {
            if ((scaled64 & 0xffff_ffff_0000_0000L) != 0 || (tps32 & 0x8000_0000L) != 0) scaled64 >>>= 1;
            else tps32 = (tps32 << 1) & 0xffff_ffffL;
            shift++;
        }
        return new PvclockScale(divFrac(scaled64, tps32), shift);
    }

    /** {@code div_frac(dividend, divisor)}: {@code (dividend << 32) / divisor}, the x86 {@code divl}. */
    static long divFrac(long dividend, long divisor) {
        return Long.divideUnsigned((dividend & 0xffff_ffffL) << 32, divisor) & 0xffff_ffffL;
    }

    /** B−A in ns per second of TSC time: (pvclock ns/cycle − raw clock ns/cycle) × TSC Hz. */
    public static double bMinusANsPerSec(long tscKhz, PvclockScale pvclock, ClocksourceScale raw) {
        return (pvclock.nsPerCycle() - raw.nsPerCycle()) * tscKhz * 1000.0;
    }

    /**
     * What one unit of the raw clock's {@code mult} is worth in B−A, ns/s ({@code tsc_hz / 2^shift}):
     * a measured drift within half of it of the computed one confirms the kernel uses that
     * {@code mult}.
     */
    public static double rawMultUnitNsPerSec(long tscKhz, ClocksourceScale raw) {
        return tscKhz * 1000.0 / Math.pow(2, raw.shift());
    }

    private static void requireU32(long v, String name) {
        if (v < 0 || v > 0xffff_ffffL) throw new IllegalArgumentException(name + " is not a u32: " + v);
    }

    /**
     * B−A for a guest whose TSC KVM scales to {@code guestKhz} on a host TSC of {@code hostKhz}
     * ({@code KVM_SET_TSC_KHZ} with {@code KVM_CAP_TSC_CONTROL}): {@code kvm_set_tsc_khz} takes the
     * ratio {@code (1 << fracBits) * guestKhz / hostKhz}, truncated (48 fraction bits on VMX, 32 on
     * SVM), the pvclock is scaled for {@code guestKhz}, and the raw clock still counts host cycles.
     */
    public static double bMinusANsPerSecScaled(long hostKhz, long guestKhz, int fracBits, ClocksourceScale raw) {
        java.math.BigInteger ratio = java.math.BigInteger.ONE.shiftLeft(fracBits).multiply(java.math.BigInteger.valueOf(guestKhz))
                .divide(java.math.BigInteger.valueOf(hostKhz));
        PvclockScale pv = kvmGetTimeScale(1_000_000_000L, guestKhz * 1000);
        double guestCyclesPerHostCycle = ratio.doubleValue() / Math.pow(2, fracBits);
        return (pv.nsPerCycle() * guestCyclesPerHostCycle - raw.nsPerCycle()) * hostKhz * 1000.0;
    }
}

package kvmclockprobe.clock;

import java.util.Locale;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.clock.KernelClockArithmetic.PvclockScale;

/**
 * The B−A drift computed from the kernel's integer arithmetic ({@link KernelClockArithmetic})
 * for one VM, and whether its inputs are the kernel's actual ones. The raw side is the raw
 * clock's {@code mult}/{@code shift} as the host kernel publishes it in the vDSO data page; B's
 * side is the pvclock {@code mul}/{@code shift} KVM wrote into the guest's page.
 *
 * <p>The arithmetic {@linkplain #applies() applies} only where all three hold: the host
 * clocksource is {@code tsc} (KVM also runs the master clock on Hyper-V's TSC page, whose raw
 * clock is something else); the vDSO's raw {@code mult} could be read; and KVM's TSC rate is the
 * one that {@code mult} was computed for ({@code clocks_calc_mult_shift(tsc_khz)} gives the same
 * pair). Where KVM took its {@code tsc_khz} before the tsc clocksource was recalibrated (KVM built
 * in, a host without {@code constant_tsc}), the last fails and the drift is ppm, not ns/s.
 *
 * @param tscKhz              the TSC rate KVM scales the pvclock with ({@code KVM_GET_TSC_KHZ})
 * @param clocksource         the host's current clocksource
 * @param computedRaw         {@code clocks_calc_mult_shift} for {@code tscKhz}: the raw clock's pair if
 *                            the tsc clocksource had been registered with KVM's rate
 * @param vdsoRaw             the raw clock's pair read from the vDSO, null when unreadable
 * @param vdsoUnavailable     why {@code vdsoRaw} is null (null when it was read)
 * @param pvclock             the pvclock {@code mul}/{@code shift} read from the guest's page
 * @param kvmTimeScale        {@code kvm_get_time_scale} for {@code tscKhz}: equal to {@code pvclock}
 *                            when KVM scaled with that rate
 * @param bMinusANsPerSec     the drift by the arithmetic with the raw pair the kernel uses (the
 *                            vDSO's where read, else the computed one), ns/s
 * @param rawMultUnitNsPerSec what one unit of the raw {@code mult} is worth, ns/s
 */
public record AnalyticDrift(long tscKhz, String clocksource, ClocksourceScale computedRaw, ClocksourceScale vdsoRaw,
                            String vdsoUnavailable, PvclockScale pvclock, PvclockScale kvmTimeScale, double bMinusANsPerSec,
                            double rawMultUnitNsPerSec) {

    /** The B−A drift for a VM whose guest (unscaled TSC) has pvclock parameters {@code p}. */
    /** Why the arithmetic cannot be computed for a VM whose {@code KVM_GET_TSC_KHZ} is {@code tscKhz}; null when it can. */
    public static String unavailable(long tscKhz) {
        return tscKhz <= 0 ? "KVM_GET_TSC_KHZ gave no TSC rate" : null;
    }

    /** {@link #of}, or null where {@link #unavailable} says why it cannot be computed. */
    public static AnalyticDrift orNull(long tscKhz, String clocksource, ClocksourceScale vdsoRaw, String vdsoUnavailable, PvclockParams p) {
        return unavailable(tscKhz) != null ? null : of(tscKhz, clocksource, vdsoRaw, vdsoUnavailable, p);
    }

    public static AnalyticDrift of(long tscKhz, String clocksource, ClocksourceScale vdsoRaw, String vdsoUnavailable, PvclockParams p) {
        if (tscKhz <= 0) throw new IllegalArgumentException("TSC rate unknown (" + tscKhz + " kHz)");
        ClocksourceScale computed = KernelClockArithmetic.tscClocksource(tscKhz);
        ClocksourceScale raw = vdsoRaw != null ? vdsoRaw : computed;
        PvclockScale pv = PvclockScale.of(p);
        return new AnalyticDrift(tscKhz, clocksource, computed, vdsoRaw, vdsoRaw != null ? null : vdsoUnavailable, pv,
                KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, tscKhz * 1000),
                KernelClockArithmetic.bMinusANsPerSec(tscKhz, pv, raw), KernelClockArithmetic.rawMultUnitNsPerSec(tscKhz, raw));
    }

    /** True when the host clocksource is the TSC. */
    public boolean tscClocksource() {
        return "tsc".equals(clocksource);
    }

    /** The raw pair the arithmetic used: the vDSO's where read, else the computed one. */
    public ClocksourceScale raw() {
        return vdsoRaw != null ? vdsoRaw : computedRaw;
    }

    /** Whether the arithmetic's inputs are the kernel's actual ones (see the class comment). */
    public boolean applies() {
        return notApplicable() == null;
    }

    /** Why the arithmetic does not apply, one line; null when it does. */
    public String notApplicable() {
        if (!tscClocksource()) {
            return "the host clocksource is " + clocksource + ", not tsc: the raw clock is not the tsc clocksource's arithmetic";
        }
        if (vdsoRaw == null) return "the raw clock's mult could not be read from the vDSO (" + vdsoUnavailable + ")";
        if (!vdsoRaw.equals(computedRaw)) {
            return String.format(Locale.ROOT, "KVM's TSC rate (%d kHz) is not the raw clock's: clocks_calc_mult_shift gives mult %d "
                    + "shift %d for it, the vDSO's raw clock has mult %d shift %d (%s)", tscKhz, computedRaw.mult(), computedRaw.shift(),
                    vdsoRaw.mult(), vdsoRaw.shift(), rateKhzOf(vdsoRaw));
        }
        return null;
    }

    /** The TSC rate a raw clock pair was computed for, as text ({@code 2096015.3 kHz}). */
    static String rateKhzOf(ClocksourceScale raw) {
        return String.format(Locale.ROOT, "%.1f kHz", rawRateKhz(raw));
    }

    /** The TSC rate, kHz, that a raw clock {@code mult}/{@code shift} converts at: 10^6 × 2^shift / mult. */
    public static double rawRateKhz(ClocksourceScale raw) {
        return 1e6 * Math.pow(2, raw.shift()) / raw.mult();
    }

    /** The arithmetic in one line, for reports. */
    public String describe() {
        return String.format(Locale.ROOT, "%s clocksource, tsc_khz %d, raw mult %d shift %d (%s), pvclock mul %d shift %d: B-A %+.2f ns/s",
                clocksource, tscKhz, raw().mult(), raw().shift(), vdsoRaw != null ? "read from the vDSO" : "computed: " + vdsoUnavailable,
                pvclock.mul(), pvclock.shift(), bMinusANsPerSec);
    }
}

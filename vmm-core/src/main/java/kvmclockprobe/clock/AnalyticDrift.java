package kvmclockprobe.clock;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.clock.KernelClockArithmetic.PvclockScale;

/**
 * The B−A drift computed from the kernel's integer arithmetic ({@link KernelClockArithmetic})
 * for one VM: the host's TSC rate, the raw clock's {@code mult}/{@code shift} that the {@code tsc}
 * clocksource gets for that rate, and the pvclock {@code mul}/{@code shift} KVM wrote into the
 * guest's page.
 *
 * @param tscKhz              the host TSC rate ({@code KVM_GET_TSC_KHZ}, unscaled guest TSC)
 * @param clocksource         the host's current clocksource; the raw side assumes {@code tsc}
 * @param raw                 the raw clock's {@code mult}/{@code shift} computed for {@code tscKhz}
 * @param pvclock             the pvclock {@code mul}/{@code shift} read from the guest's page
 * @param kvmTimeScale        what {@code kvm_get_time_scale} gives for {@code tscKhz}: equal to
 *                            {@code pvclock} when KVM scaled with that rate
 * @param bMinusANsPerSec     the drift, ns/s
 * @param rawMultUnitNsPerSec what one unit of the raw {@code mult} is worth, ns/s
 */
public record AnalyticDrift(long tscKhz, String clocksource, ClocksourceScale raw, PvclockScale pvclock,
                            PvclockScale kvmTimeScale, double bMinusANsPerSec, double rawMultUnitNsPerSec) {

    /** The B−A drift for a VM whose guest (unscaled TSC) has pvclock parameters {@code p}. */
    public static AnalyticDrift of(long tscKhz, String clocksource, PvclockParams p) {
        if (tscKhz <= 0) throw new IllegalArgumentException("TSC rate unknown (" + tscKhz + " kHz)");
        ClocksourceScale raw = KernelClockArithmetic.tscClocksource(tscKhz);
        PvclockScale pv = PvclockScale.of(p);
        return new AnalyticDrift(tscKhz, clocksource, raw, pv, KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, tscKhz * 1000),
                KernelClockArithmetic.bMinusANsPerSec(tscKhz, pv, raw), KernelClockArithmetic.rawMultUnitNsPerSec(tscKhz, raw));
    }

    /** True when the host clocksource is the TSC, the case the raw side's arithmetic is the kernel's. */
    public boolean tscClocksource() {
        return "tsc".equals(clocksource);
    }

    /**
     * The confirmation: a measured drift within half a raw-{@code mult} unit of this one, measured
     * well enough to tell the neighbouring {@code mult}s apart (its error at most a quarter unit).
     */
    public boolean confirmedBy(double measuredNsPerSec, double measuredErrNsPerSec) {
        return Double.isFinite(measuredNsPerSec) && Math.abs(measuredNsPerSec - bMinusANsPerSec) <= rawMultUnitNsPerSec / 2
                && measuredErrNsPerSec <= rawMultUnitNsPerSec / 4;
    }
}

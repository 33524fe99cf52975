package kvmclockprobe.check;

import java.util.Locale;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.verdict.Status;

/**
 * {@code kvmclock-rate}: the rate the pvclock runs at against the host's raw clock, measured by
 * the kernel's own control re-snapshot (D = −jump / elapsed, exact to ±2 ns / elapsed). The
 * integer roundings bound |B−A| to half a unit of the raw clock's {@code mult} plus one unit of
 * the pvclock's {@code mul}; beyond that, KVM scales the pvclock with a TSC rate the raw clock
 * does not run at. That is a failure where the host has {@code constant_tsc} (KVM then takes
 * {@code tsc_khz} when the VM is created, after the clocksource's calibration), and a skip that
 * carries the numbers where it has not (KVM took {@code max_tsc_khz} when it initialised, which
 * may be before the tsc clocksource was refined). Pure.
 */
public final class RateJudge {
    private RateJudge() {}

    public static Verdict judge(Measurement m, HostClock clock) {
        if (!m.resnapshotSeen()) {
            return new Verdict(Status.INCONCLUSIVE, "the control re-snapshot did not move the reference point (this kernel does not "
                    + "re-snapshot on a TSC write): the rate cannot be measured this way", null, null, null);
        }
        ControlResnapshot c = new ControlResnapshot("", m.observedJumpNs(), m.sinceSnapshotNs(), true, null);
        double d = c.rateNsPerSec();
        AnalyticDrift a = m.drift().analytic();
        if (a == null || !Double.isFinite(d)) {
            return new Verdict(Status.INCONCLUSIVE, String.format(Locale.ROOT, "D = %+.2f ns/s, but the TSC rate is unknown, so the "
                    + "roundings' bound is too", d), null, null, null);
        }
        double boundNsPerSec = a.rawMultUnitNsPerSec() / 2 + pvclockMulUnitNsPerSec(a) + c.rateErrNsPerSec();
        String numbers = numbers(d, c, a, clock);
        if (Math.abs(d) <= boundNsPerSec) {
            return new Verdict(Status.PASS, String.format(Locale.ROOT, "the pvclock runs at the raw clock's rate to within the integer "
                    + "roundings (|D| <= %.1f ns/s): %s", boundNsPerSec, numbers), null, null, null);
        }
        String beyond = String.format(Locale.ROOT, "the pvclock runs %.2f ppm off the raw clock, beyond the integer roundings' %.1f ns/s: "
                + "KVM scales it with a TSC rate the host's raw clock does not run at; %s", d / 1000, boundNsPerSec, numbers);
        if (Boolean.TRUE.equals(clock.constantTsc())) {
            return new Verdict(Status.FAIL, beyond + "; with constant_tsc KVM takes tsc_khz when the VM is created and should match "
                    + "the clocksource", null, null, null);
        }
        return new Verdict(Status.SKIP, beyond + "; this host has no constant_tsc, so KVM scales with max_tsc_khz taken when KVM "
                + "initialised, which may precede the tsc clocksource's refined calibration (a limitation, not a regression)",
                null, null, null);
    }

    /** One unit of the pvclock's {@code mul} in ns/s: {@code kvm_get_time_scale} truncates it. */
    static double pvclockMulUnitNsPerSec(AnalyticDrift a) {
        return a.tscKhz() * 1000.0 * Math.pow(2, a.pvclock().shift()) / 0x1p32;
    }

    /** Both rates, the ppm, what a re-snapshot costs per second, and the kernel's own calibration lines. */
    static String numbers(double d, ControlResnapshot c, AnalyticDrift a, HostClock clock) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "D = %+.2f ± %.2f ns/s (%+.3f ppm) from a control re-snapshot "
                + "that jumped %d ns after %.3f s, so every re-snapshot moves the guest clock %+.1f ns per second since the last one; "
                + "KVM_GET_TSC_KHZ %d", d, c.rateErrNsPerSec(), d / 1000, c.jumpNs(), c.sinceSnapshotNs() / 1e9, -d, a.tscKhz()));
        if (a.vdsoRaw() != null) {
            double rawKhz = AnalyticDrift.rawRateKhz(a.vdsoRaw());
            s.append(String.format(Locale.ROOT, ", the raw clock's rate %.1f kHz (vDSO mult %d shift %d; clocks_calc_mult_shift(tsc_khz) "
                    + "gives mult %d shift %d): %+.2f ppm apart", rawKhz, a.vdsoRaw().mult(), a.vdsoRaw().shift(), a.computedRaw().mult(),
                    a.computedRaw().shift(), (a.tscKhz() - rawKhz) / rawKhz * 1e6));
            s.append(String.format(Locale.ROOT, "; the arithmetic with the vDSO's mult predicts %+.2f ns/s", a.bMinusANsPerSec()));
        } else {
            s.append(" (the raw clock's mult unread: ").append(a.vdsoUnavailable()).append(')');
        }
        s.append("; constant_tsc ").append(clock.constantTsc() == null ? "unknown" : clock.constantTsc() ? "yes" : "no");
        if (!clock.tscCalibration().isEmpty()) s.append("; kernel log: ").append(String.join(" / ", clock.tscCalibration()));
        else if (!clock.kernelLogReadable()) s.append("; the kernel log is not readable here");
        return s.toString();
    }
}

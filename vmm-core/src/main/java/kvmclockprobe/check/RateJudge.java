package kvmclockprobe.check;

import java.util.List;
import java.util.Locale;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.clock.KernelClockArithmetic.PvclockScale;
import kvmclockprobe.clock.ReferencePoint;
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
 * may be before the tsc clocksource was refined). Before any of that, the two reference points
 * show the guest TSC rate KVM itself assumed between them; a rate that is neither the vCPU's
 * ({@code KVM_GET_TSC_KHZ}) nor the host TSC's is a failure on any host. Beyond the roundings,
 * a pvclock whose {@code mul}/{@code shift} encode a rate that is neither {@code KVM_GET_TSC_KHZ}
 * nor one the kernel's log says it calibrated is a failure on any host too. Pure.
 */
public final class RateJudge {
    /** KVM refuses, without TSC scaling, a vCPU TSC rate further than this from the host's ({@code tsc_tolerance_ppm}). */
    static final double TSC_TOLERANCE_PPM = 250;
    /** How far the rate KVM's reference points imply may lie from the vCPU's or the host TSC's rate. */
    static final double REFERENCE_RATE_TOLERANCE = 0.01;
    /** The kernel prints its calibrations in kHz ({@code %lu.%03lu MHz}); a pvclock scale encodes its rate far finer. */
    static final double CALIBRATION_RESOLUTION_KHZ = 1;

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
        Verdict tscModel = kvmGuestTscRate(m, a, clock, numbers);
        if (tscModel != null) return tscModel;
        if (Math.abs(d) <= boundNsPerSec) {
            return new Verdict(Status.PASS, String.format(Locale.ROOT, "the pvclock runs at the raw clock's rate to within the integer "
                    + "roundings (|D| <= %.1f ns/s): %s", boundNsPerSec, numbers), null, null, null);
        }
        String beyond = String.format(Locale.ROOT, "the pvclock runs %.2f ppm off the raw clock, beyond the integer roundings' %.1f ns/s: "
                + "KVM scales it with a TSC rate the host's raw clock does not run at; %s", d / 1000, boundNsPerSec, numbers);
        Verdict unmeasured = scaledWithAnUnmeasuredRate(a, clock, beyond);
        if (unmeasured != null) return unmeasured;
        if (Boolean.TRUE.equals(clock.constantTsc())) {
            return new Verdict(Status.FAIL, beyond + "; with constant_tsc KVM takes tsc_khz when the VM is created and should match "
                    + "the clocksource", null, null, null);
        }
        return new Verdict(Status.SKIP, beyond + String.format(Locale.ROOT, "; the pvclock's mul/shift encode %.3f kHz; this host has no "
                + "constant_tsc, so KVM scales with max_tsc_khz taken when KVM initialised, which may precede the tsc clocksource's "
                + "refined calibration (a limitation, not a regression)", encodedKhz(a.pvclock())), null, null, null);
    }

    /**
     * A failure when KVM's own view of the guest TSC, from the two reference points, runs at
     * neither the vCPU's rate nor the host TSC's; null otherwise.
     */
    static Verdict kvmGuestTscRate(Measurement m, AnalyticDrift a, HostClock clock, String numbers) {
        long step = m.tscStepCycles() == null ? 0 : m.tscStepCycles();
        double seenKhz = ReferencePoint.tscKhzBetween(m.referenceBefore(), m.referenceAfter(), step);
        double hostKhz = a.vdsoRaw() != null ? AnalyticDrift.rawRateKhz(a.vdsoRaw()) : a.tscKhz();
        if (!Double.isFinite(seenKhz) || near(seenKhz, a.tscKhz()) || near(seenKhz, hostKhz)) return null;
        String reason = String.format(Locale.ROOT, "KVM's view of the guest TSC runs at %.1f kHz: vCPU 0's reference point went from %s "
                + "to %s (TSC step %d), but KVM_GET_TSC_KHZ is %d and the host TSC runs at %.1f kHz; every re-snapshot therefore moves "
                + "the guest clock by the time KVM's view lost since the last one", seenKhz, m.referenceBefore(), m.referenceAfter(), step,
                a.tscKhz(), hostKhz);
        double ppm = (a.tscKhz() - hostKhz) / hostKhz * 1e6;
        if (a.vdsoRaw() != null && ppm < -TSC_TOLERANCE_PPM && !Boolean.TRUE.equals(clock.constantTsc())) {
            reason += String.format(Locale.ROOT, ". The cause in arch/x86/kvm/x86.c: KVM_GET_TSC_KHZ is %.0f ppm below the host TSC's "
                    + "rate, beyond tsc_tolerance_ppm (%.0f), on a host that cannot scale the guest TSC; kvm_set_tsc_khz then refuses it "
                    + "at vCPU creation (\"user requested TSC rate below hardware speed\"), kvm_arch_vcpu_create ignores that, and the "
                    + "vCPU's TSC multiplier stays 0, so KVM reads the guest TSC as its offset alone", -ppm, TSC_TOLERANCE_PPM);
        }
        return new Verdict(Status.FAIL, reason + "; " + numbers, null, null, null);
    }

    /**
     * A failure when the pvclock's {@code mul}/{@code shift} encode a TSC rate that is neither
     * {@code KVM_GET_TSC_KHZ} nor any rate the kernel's log says it calibrated: KVM then scaled
     * the pvclock with a rate this host never measured, which no missing {@code constant_tsc}
     * explains. Null when they encode one of those, when the log gave no calibration, or when,
     * without {@code constant_tsc}, a cpufreq policy may be where KVM took its rate (or that is
     * unknown).
     */
    static Verdict scaledWithAnUnmeasuredRate(AnalyticDrift a, HostClock clock, String beyond) {
        List<Long> calibratedKhz = clock.tscCalibrationKhz();
        double encodedKhz = encodedKhz(a.pvclock());
        boolean ratesFromTheLog = Boolean.TRUE.equals(clock.constantTsc()) || Boolean.FALSE.equals(clock.cpufreqPolicy());
        if (!ratesFromTheLog || calibratedKhz.isEmpty() || Math.abs(encodedKhz - a.tscKhz()) <= CALIBRATION_RESOLUTION_KHZ
                || calibratedKhz.stream().anyMatch(k -> Math.abs(encodedKhz - k) <= CALIBRATION_RESOLUTION_KHZ)) {
            return null;
        }
        return new Verdict(Status.FAIL, String.format(Locale.ROOT, "the pvclock's tsc_to_system_mul %d, tsc_shift %d encode %.3f kHz, "
                + "a TSC rate that neither KVM_GET_TSC_KHZ (%d) nor the kernel's calibrations (%s kHz) give: kvm_guest_time_update "
                + "scaled the pvclock with a rate this host never measured; %s", a.pvclock().mul(), a.pvclock().shift(), encodedKhz,
                a.tscKhz(), calibratedKhz, beyond), null, null, null);
    }

    /** The TSC rate in kHz that a pvclock {@code mul}/{@code shift} encode: {@code kvm_get_time_scale} inverted. */
    static double encodedKhz(PvclockScale p) {
        return 1e6 / p.nsPerCycle();
    }

    private static String yesNo(Boolean b) {
        return b == null ? "unknown" : b ? "yes" : "no";
    }

    private static boolean near(double khz, double expectedKhz) {
        return Math.abs(khz / expectedKhz - 1) <= REFERENCE_RATE_TOLERANCE;
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
        s.append("; constant_tsc ").append(yesNo(clock.constantTsc())).append(", cpufreq policy ").append(yesNo(clock.cpufreqPolicy()));
        if (!clock.tscCalibration().isEmpty()) s.append("; kernel log: ").append(String.join(" / ", clock.tscCalibration()));
        else if (!clock.kernelLogReadable()) s.append("; the kernel log is not readable here");
        return s.toString();
    }
}

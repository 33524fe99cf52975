package kvmclockprobe.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.Verdict;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.testing.SyntheticMeasurement;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;
import kvmclockprobe.host.HostFacts;

/** Fake {@link CheckReport}s for the report tests: no KVM involved. */
final class Reports {
    private Reports() {}

    static HostFacts host() {
        Map<String, Integer> caps = new LinkedHashMap<>();
        caps.put("adjust_clock", 0x7);
        caps.put("xen_hvm", 0x0);
        caps.put("tsc_control", 1);
        caps.put("vcpu_attributes", 1);
        return new HostFacts("6.18.44", 12, "tsc", 2_400_000L, caps, List.of(),
                List.of("TSC_STABLE", "REALTIME", "HOST_TSC"), true, true, true, true, kvmclockprobe.host.HostClock.unknown("tsc"));
    }

    /** Guest − raw around a trigger: drift {@code ns/s}, a step {@code jumpNs} at 0, some noise. */
    static List<PlotPoint> steppedPlot(double fromS, double toS, int n, double driftNsPerS, double jumpNs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PlotPoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double t = fromS + (toS - fromS) * i / (n - 1);
            double v = driftNsPerS * (t - fromS) + (t >= 0 ? jumpNs : 0) + (random.nextDouble() - 0.5) * 40;
            points.add(new PlotPoint(t, v));
        }
        return points;
    }

    static TriggerResult measured(String trigger, Status status, String reason, Expectation e, SyntheticMeasurement m,
                                  Long predicted, Long tolerance) {
        return new TriggerResult.Measured(trigger, e, m.build(), new Verdict(status, reason, predicted, tolerance,
                predicted == null ? null : Math.abs(m.build().observedJumpNs() - predicted) <= tolerance));
    }

    static TriggerResult pass(String trigger, long observed, long predicted, List<PlotPoint> plot) {
        return measured(trigger, Status.PASS,
                "guest clock moved " + observed + " ns, within 200 ns of the " + predicted + " ns a re-snapshot predicts",
                Expectation.RESNAPSHOT, SyntheticMeasurement.measured().drift(SyntheticMeasurement.arithmetic(63.2)).observedNs(observed)
                        .diagnostics("samples 4000 before, 4000 after").plot(plot), predicted, 200L);
    }

    static TriggerResult fail(String trigger, String reason, List<PlotPoint> plot) {
        return measured(trigger, Status.FAIL, reason, Expectation.NO_JUMP, SyntheticMeasurement.measured()
                .drift(SyntheticMeasurement.arithmetic(63.2)).perVcpu(-1263L, -1259L).tscStep(1_234_567L).masterClock(true, true, false)
                .diagnostics("pvclock version changed 2 times", "line one\nline two").plot(plot), 0L, 5L);
    }

    static TriggerResult skip(String trigger, boolean expectedJump, String reason) {
        return new TriggerResult.Skipped(trigger, expectedJump ? Expectation.RESNAPSHOT : Expectation.NO_JUMP, 1, reason);
    }

    /** Five passes (one Xen, with a wallclock step; one without plot points), a fail with a long reason, three skips. */
    static CheckReport mixed() {
        List<TriggerResult> results = new ArrayList<>();
        results.add(pass("set-clock", 1_000_000_000L, 1_000_000_000L, steppedPlot(-2, 2, 4000, 0, 1e9, 1)));
        results.add(pass("tsc-scaling", -40L, -38L, steppedPlot(-2, 2, 800, 63.2, -40, 2)));
        results.add(fail("tsc-write",
                "guest clock jumped -1263 ns on a TSC write that keeps the guest TSC continuous; a correct kernel"
                        + " keeps kvmclock continuous here (master clock went on -> off; see upstream commit"
                        + " 0123456789ab \"KVM: x86: keep kvmclock continuous across TSC writes\") <&>",
                steppedPlot(-2, 2, 4000, 63.2, -1263, 3)));
        results.add(pass("vcpu-hotplug", 0L, 0L, steppedPlot(-1, 1, 200, 63.2, 0, 4)));
        TriggerEffect xen = new TriggerEffect(0, 1000, null, SyntheticMeasurement.wallclock(987_654L, true), List.of());
        results.add(measured("xen-shared-info", Status.PASS, "wallclock epoch followed the guest clock", Expectation.NO_JUMP,
                SyntheticMeasurement.measured().drift(SyntheticMeasurement.arithmetic(63.2)).observedNs(12L).tscStep(null)
                        .effect(xen).plot(steppedPlot(-1, 1, 100, 63.2, 12, 5)), 10L, 5L));
        results.add(pass("kvm-set-clock-realtime", 5L, 4L, List.of()));
        results.add(skip("xen-runstate", true, "KVM_CAP_XEN_HVM is 0 (CONFIG_KVM_XEN off)"));
        results.add(skip("suspend-resume", false, "needs root and a host that can suspend"));
        results.add(skip("migration", true, "needs a second host"));
        return new CheckReport(host(), 10.0, 30, false, results);
    }

    static CheckReport allSkipped() {
        return new CheckReport(host(), 0.5, 30, true, List.of(
                skip("tsc-write", false, "KVM_VCPU_TSC_OFFSET missing"),
                skip("xen-shared-info", true, "KVM_CAP_XEN_HVM is 0")));
    }
}

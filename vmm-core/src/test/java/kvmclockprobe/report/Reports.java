package kvmclockprobe.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.check.Status;
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
                List.of("TSC_STABLE", "REALTIME", "HOST_TSC"), true, true, true, true);
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

    static TriggerResult pass(String trigger, long observed, long predicted, List<PlotPoint> plot) {
        return new TriggerResult(trigger, Status.PASS,
                "guest clock moved " + observed + " ns, within 200 ns of the " + predicted + " ns a re-snapshot predicts",
                observed, predicted, true, true, true, 1, 0L, null, List.of(observed),
                List.of("samples 4000 before, 4000 after"), plot, 63.2, null);
    }

    static TriggerResult fail(String trigger, String reason, List<PlotPoint> plot) {
        return new TriggerResult(trigger, Status.FAIL, reason, -1263L, 0L, false, true, false, 2, 1_234_567L,
                null, List.of(-1263L, -1259L), List.of("pvclock version changed 2 times", "line one\nline two"),
                plot, 63.2, null);
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
        results.add(new TriggerResult("xen-shared-info", Status.PASS, "wallclock epoch followed the guest clock",
                12L, 10L, true, true, true, 1, null, 987_654L, List.of(12L), List.of(),
                steppedPlot(-1, 1, 100, 63.2, 12, 5), 63.2, null));
        results.add(pass("kvm-set-clock-realtime", 5L, 4L, List.of()));
        results.add(TriggerResult.skip("xen-runstate", true, "KVM_CAP_XEN_HVM is 0 (CONFIG_KVM_XEN off)", 1));
        results.add(TriggerResult.skip("suspend-resume", false, "needs root and a host that can suspend", 1));
        results.add(TriggerResult.skip("migration", true, "needs a second host", 1));
        return new CheckReport(host(), 10, false, results);
    }

    static CheckReport allSkipped() {
        return new CheckReport(host(), 0.5, true, List.of(
                TriggerResult.skip("tsc-write", false, "KVM_VCPU_TSC_OFFSET missing", 1),
                TriggerResult.skip("xen-shared-info", true, "KVM_CAP_XEN_HVM is 0", 1)));
    }
}

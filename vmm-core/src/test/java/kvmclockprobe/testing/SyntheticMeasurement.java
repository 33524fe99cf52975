package kvmclockprobe.testing;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.measurement.TriggerEffect;

/** Builds {@link Measurement}s by hand for tests of the verdict and the reports: no KVM involved. */
public final class SyntheticMeasurement {
    private int vcpus = 1;
    private double settleS = 10;
    private DriftEstimate drift = analytic(-30.0);
    private long sinceSnapshotNs = 10_000_000_000L;
    private long observedNs;
    private List<Long> perVcpu;
    private Long oldAtNewReferenceNs;
    private boolean masterBefore = true, masterAfter = true, masterLost;
    private Long tscStep = 0L;
    private TriggerEffect effect = TriggerEffect.of(0, 1000);
    private List<String> diagnostics = List.of();
    private List<PlotPoint> plot = List.of();

    public static SyntheticMeasurement measured() {
        return new SyntheticMeasurement();
    }

    /** A drift from the kernel's arithmetic, confirmed (exact: no error). */
    public static DriftEstimate analytic(double bMinusANsPerSec) {
        return new DriftEstimate(DriftEstimate.Source.ANALYTIC, bMinusANsPerSec, 0, null, null, "the kernel's arithmetic (synthetic)");
    }

    /** A drift from the fit alone, with its honest error. */
    public static DriftEstimate fit(double bMinusANsPerSec, double errNsPerSec) {
        return new DriftEstimate(DriftEstimate.Source.FIT, bMinusANsPerSec, errNsPerSec, null, null, "the measured fit (synthetic)");
    }

    /** No drift at all: a failed fit and no arithmetic. */
    public static DriftEstimate none() {
        return new DriftEstimate(DriftEstimate.Source.NONE, Double.NaN, Double.NaN, null, null, "no drift: the fit failed (synthetic)");
    }

    public SyntheticMeasurement drift(DriftEstimate d) { drift = d; return this; }
    public SyntheticMeasurement sinceSnapshotNs(long v) { sinceSnapshotNs = v; return this; }
    public SyntheticMeasurement observedNs(long v) { observedNs = v; return this; }
    public SyntheticMeasurement perVcpu(Long... v) { perVcpu = List.of(v); observedNs = v[0]; vcpus = v.length; return this; }
    public SyntheticMeasurement oldAtNewReferenceNs(Long v) { oldAtNewReferenceNs = v; return this; }
    public SyntheticMeasurement masterClock(boolean before, boolean lost, boolean after) {
        masterBefore = before; masterLost = lost; masterAfter = after; return this;
    }
    public SyntheticMeasurement tscStep(Long v) { tscStep = v; return this; }
    public SyntheticMeasurement effect(TriggerEffect e) { effect = e; return this; }
    public SyntheticMeasurement diagnostics(String... lines) { diagnostics = List.of(lines); return this; }
    public SyntheticMeasurement plot(List<PlotPoint> p) { plot = p; return this; }
    public SyntheticMeasurement vcpus(int n) { vcpus = n; return this; }

    public Measurement build() {
        List<Long> jumps = perVcpu != null ? perVcpu : new ArrayList<>(List.of(observedNs));
        while (jumps.size() < vcpus) jumps.add(observedNs);
        return new Measurement(vcpus, settleS, "synthetic", drift, sinceSnapshotNs, observedNs, jumps, oldAtNewReferenceNs,
                masterBefore, masterAfter, masterLost, tscStep, effect, diagnostics, plot);
    }
}

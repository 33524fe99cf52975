package kvmclockprobe.testing;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.ReferencePoint;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.measurement.TriggerWindow;
import kvmclockprobe.xen.WallclockReading;
import kvmclockprobe.xen.XenWallclock;

/** Builds {@link Measurement}s by hand for tests of the verdict and the reports: no KVM involved. */
public final class SyntheticMeasurement {
    private int vcpus = 1;
    private double settleS = 1;
    private DriftEstimate drift = arithmetic(-30.0);
    private long sinceSnapshotNs = 10_000_000_000L;
    private long observedNs;
    private List<Long> perVcpu;
    private boolean resnapshot;
    private List<Integer> guestStopped;
    private Long oldAtNewReferenceNs;
    private boolean masterBefore = true, masterAfter = true, masterLost;
    private Long tscStep = 0L;
    private long referenceTscKhz = 2_096_015;
    private TriggerEffect effect = TriggerEffect.of(0, 1000);
    private List<String> diagnostics = List.of();
    private List<PlotPoint> plot = List.of();

    /**
     * A Xen wallclock whose epoch stepped {@code stepNs}, read with the KVM clock at 1 s, and
     * realtime around it that does or does not hold wallclock + KVM clock.
     */
    public static WallclockReading wallclock(long stepNs, boolean inRange) {
        XenWallclock before = new XenWallclock(2, 1_796_665_713, 403_552_022, 0);
        long epochAfter = before.epochNs() + stepNs;
        XenWallclock after = new XenWallclock(4, (int) (epochAfter / 1_000_000_000L), (int) (epochAfter % 1_000_000_000L), 0);
        long wall = epochAfter + 1_000_000_000L;
        return new WallclockReading(before, after, 1_000_000_000L, inRange ? wall - 50_000 : wall + 50_000, wall + 100_000);
    }

    public static SyntheticMeasurement measured() {
        return new SyntheticMeasurement();
    }

    /** A drift from the kernel's arithmetic where it applies (exact: no error). */
    public static DriftEstimate arithmetic(double bMinusANsPerSec) {
        return new DriftEstimate(DriftEstimate.Source.ARITHMETIC, bMinusANsPerSec, 0, null, null, null, "the kernel's arithmetic (synthetic)");
    }

    /** A drift from a control re-snapshot that jumped {@code jumpNs} after {@code sinceNs}. */
    public static DriftEstimate control(long jumpNs, long sinceNs) {
        ControlResnapshot c = new ControlResnapshot("a control (synthetic)", jumpNs, sinceNs, true, null);
        return DriftEstimate.decide(null, "no TSC rate (synthetic)", c, null);
    }

    /** No drift rate at all. */
    public static DriftEstimate none() {
        return DriftEstimate.decide(null, "no TSC rate (synthetic)", null, null);
    }

    /** The arithmetic for {@code analytic}, applicable or not, and what decides from it. */
    public static DriftEstimate decided(AnalyticDrift analytic, ControlResnapshot control) {
        return DriftEstimate.decide(analytic, null, control, null);
    }

    public SyntheticMeasurement drift(DriftEstimate d) { drift = d; return this; }
    public SyntheticMeasurement sinceSnapshotNs(long v) { sinceSnapshotNs = v; return this; }
    public SyntheticMeasurement observedNs(long v) { observedNs = v; return this; }
    public SyntheticMeasurement perVcpu(Long... v) { perVcpu = List.of(v); observedNs = v[0]; vcpus = v.length; return this; }
    /** Whether the reference point moved (a re-snapshot). */
    public SyntheticMeasurement resnapshot(boolean v) { resnapshot = v; return this; }
    public SyntheticMeasurement guestStopped(Integer... perVcpu) { guestStopped = List.of(perVcpu); return this; }
    public SyntheticMeasurement oldAtNewReferenceNs(Long v) { oldAtNewReferenceNs = v; return this; }
    public SyntheticMeasurement masterClock(boolean before, boolean lost, boolean after) {
        masterBefore = before; masterLost = lost; masterAfter = after; return this;
    }
    public SyntheticMeasurement tscStep(Long v) { tscStep = v; return this; }
    /** The guest TSC rate the moved reference point implies (KVM's own view of the guest TSC). */
    public SyntheticMeasurement referenceTscKhz(long khz) { referenceTscKhz = khz; return this; }
    public SyntheticMeasurement effect(TriggerEffect e) { effect = e; return this; }
    public SyntheticMeasurement diagnostics(String... lines) { diagnostics = List.of(lines); return this; }
    public SyntheticMeasurement plot(List<PlotPoint> p) { plot = p; return this; }
    public SyntheticMeasurement vcpus(int n) { vcpus = n; return this; }

    public Measurement build() {
        List<Long> jumps = perVcpu != null ? perVcpu : new ArrayList<>(List.of(observedNs));
        while (jumps.size() < vcpus) jumps.add(observedNs);
        List<Integer> stopped = guestStopped != null ? guestStopped : new ArrayList<>();
        while (stopped.size() < vcpus) stopped.add(0);
        ReferencePoint before = new ReferencePoint(1_000_000, 5_000_000);
        long step = tscStep == null ? 0 : tscStep;
        ReferencePoint after = resnapshot ? new ReferencePoint(before.tscTimestamp() + step
                + Math.round(sinceSnapshotNs * (referenceTscKhz / 1e6)), before.systemTimeNs() + sinceSnapshotNs) : before;
        TriggerWindow w = new TriggerWindow(jumps, null, resnapshot,
                resnapshot ? List.of("vCPU 0's guest saw " + before + " -> " + after + " (synthetic)") : List.of(), stopped, false, 0);
        return new Measurement(vcpus, settleS, "synthetic", drift, sinceSnapshotNs, w, oldAtNewReferenceNs, before, after,
                masterBefore, masterAfter, masterLost, tscStep, effect, diagnostics, plot);
    }
}

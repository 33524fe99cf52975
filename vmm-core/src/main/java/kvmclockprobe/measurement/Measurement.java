package kvmclockprobe.measurement;

import java.util.List;

import kvmclockprobe.clock.DriftEstimate;

/**
 * What the probe measured around one action on a running sampler guest, immutable. Nothing here
 * is a verdict: {@code kvmclockprobe.check.Judge} turns it into one.
 *
 * @param vcpus                   vCPUs sampling across the action
 * @param settleS                 how long the drift was measured before the action, s
 * @param settleWhy               why that long (one line)
 * @param drift                   the B−A drift the prediction uses, and its source
 * @param sinceSnapshotNs         guest time from the last master-clock snapshot to the action
 * @param observedJumpNs          the step in vCPU 0's clock at the action, net of any guest TSC step
 * @param observedJumpNsPerVcpu   the same on each vCPU
 * @param oldClockAtNewReferenceNs vCPU 0's old pvclock evaluated at the first new pvclock reference
 *                                point after the action (null when its pvclock did not change)
 * @param masterClockBefore       {@code KVM_CLOCK_TSC_STABLE} just before the action
 * @param masterClockAfter        {@code KVM_CLOCK_TSC_STABLE} at the end of the sampling after it
 * @param masterClockLost         the master clock was off at some point after the action (a
 *                                reading without it, or a guest pvclock without {@code PVCLOCK_TSC_STABLE_BIT})
 * @param tscStepCycles           change of vCPU 0's TSC offset across the action (null when unknown)
 * @param effect                  what the action did
 * @param diagnostics             lines for a reader
 * @param plot                    guest clock minus host raw time around the action
 */
public record Measurement(int vcpus, double settleS, String settleWhy, DriftEstimate drift, long sinceSnapshotNs,
                          long observedJumpNs, List<Long> observedJumpNsPerVcpu, Long oldClockAtNewReferenceNs,
                          boolean masterClockBefore, boolean masterClockAfter, boolean masterClockLost,
                          Long tscStepCycles, TriggerEffect effect, List<String> diagnostics, List<PlotPoint> plot) {

    public Measurement {
        observedJumpNsPerVcpu = List.copyOf(observedJumpNsPerVcpu);
        diagnostics = List.copyOf(diagnostics);
        plot = List.copyOf(plot);
    }

    /** The jump a master-clock re-snapshot gives at the action; null without a usable drift. */
    public Long resnapshotJumpNs() {
        return drift.usable() ? drift.predictJumpNs(sinceSnapshotNs) : null;
    }

    /** The jump the kernel's arithmetic alone predicts at the action; null without it. */
    public Long analyticResnapshotJumpNs() {
        return drift.analytic() == null ? null : DriftEstimate.resnapshotJumpNs(drift.analytic().bMinusANsPerSec(), sinceSnapshotNs);
    }

    /** The uncertainty of {@link #resnapshotJumpNs()}, ns (0 from the kernel's arithmetic). */
    public double resnapshotErrNs() {
        return drift.predictionErrNs(sinceSnapshotNs);
    }
}

package kvmclockprobe.measurement;

import java.util.List;

import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.ReferencePoint;

/**
 * What the probe measured around one action on a running sampler guest, immutable. Nothing here
 * is a verdict: {@code kvmclockprobe.check.Judge} turns it into one.
 *
 * @param vcpus                   vCPUs sampling across the action
 * @param settleS                 how long the guest ran between reaching master-clock mode and the action, s
 * @param settleWhy               why that long (one line)
 * @param drift                   the B−A drift a jump's size is judged by, and its source
 * @param sinceSnapshotNs         guest time from the last master-clock snapshot to the action
 * @param window                  what every vCPU's pvclock did across the action (jumps, reference point moves)
 * @param oldClockAtNewReferenceNs vCPU 0's old pvclock evaluated at the first new pvclock reference
 *                                point after the action (null when its pvclock did not change)
 * @param referenceBefore         vCPU 0's master-clock reference point just before the action
 * @param referenceAfter          the same at the end of the window after it
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
                          TriggerWindow window, Long oldClockAtNewReferenceNs, ReferencePoint referenceBefore,
                          ReferencePoint referenceAfter, boolean masterClockBefore, boolean masterClockAfter,
                          boolean masterClockLost, Long tscStepCycles, TriggerEffect effect, List<String> diagnostics,
                          List<PlotPoint> plot) {

    public Measurement {
        diagnostics = List.copyOf(diagnostics);
        plot = List.copyOf(plot);
    }

    /** The step in vCPU 0's clock at the action, net of any guest TSC step. */
    public long observedJumpNs() {
        return window.jumpsNs().getFirst();
    }

    /** The same on each vCPU. */
    public List<Long> observedJumpNsPerVcpu() {
        return window.jumpsNs();
    }

    /** Some vCPU's master-clock reference point moved at the action: the kernel re-snapshotted. */
    public boolean resnapshotSeen() {
        return window.resnapshotSeen();
    }

    /** The jump a master-clock re-snapshot gives at the action; null without a drift rate. */
    public Long resnapshotJumpNs() {
        return drift.usable() ? drift.predictJumpNs(sinceSnapshotNs) : null;
    }

    /** The bound on {@link #resnapshotJumpNs()}'s error, ns (0 from the kernel's arithmetic). */
    public double resnapshotErrNs() {
        return drift.predictionErrNs(sinceSnapshotNs);
    }
}

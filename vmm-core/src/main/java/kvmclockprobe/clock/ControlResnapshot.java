package kvmclockprobe.clock;

import java.util.Locale;

/**
 * A deliberate re-snapshot of the same VM (a TSC write of the current value on every vCPU) used
 * as a measuring instrument: its jump is −(B−A) × the guest time since the last snapshot, so the
 * kernel itself gives the drift rate, D = −jump / elapsed, with no statistics. The jump is exact
 * to the pvclock's rounding (±{@link #JUMP_ROUNDING_NS} ns), so D is known to ±2 ns / elapsed s.
 *
 * @param how              what was written (one line)
 * @param jumpNs           the jump vCPU 0 saw, net of its TSC step
 * @param sinceSnapshotNs  guest time from the last snapshot before the control to the control
 * @param resnapshotSeen   the master-clock reference point moved: the control did re-snapshot
 * @param predictedJumpNs  the jump the kernel's arithmetic predicts for it, null where it does not apply
 */
public record ControlResnapshot(String how, long jumpNs, long sinceSnapshotNs, boolean resnapshotSeen, Long predictedJumpNs) {
    /** How far an exact jump may lie from the true −(B−A) × t: two truncations of the pvclock arithmetic. */
    public static final long JUMP_ROUNDING_NS = 2;

    /** D = −jump / elapsed, ns/s; NaN when the control did not re-snapshot or no time had passed. */
    public double rateNsPerSec() {
        if (!resnapshotSeen || sinceSnapshotNs <= 0) return Double.NaN;
        return -jumpNs * 1e9 / sinceSnapshotNs;
    }

    /** The bound on {@link #rateNsPerSec()}'s error from the jump's rounding, ns/s. */
    public double rateErrNsPerSec() {
        return sinceSnapshotNs <= 0 ? Double.NaN : JUMP_ROUNDING_NS * 1e9 / sinceSnapshotNs;
    }

    public String describe() {
        if (!resnapshotSeen) return how + ": the reference point did not move (no re-snapshot), jump " + jumpNs + " ns";
        return String.format(Locale.ROOT, "%s: jumped %d ns after %.3f s since the last snapshot: D = %+.2f ± %.2f ns/s%s", how, jumpNs,
                sinceSnapshotNs / 1e9, rateNsPerSec(), rateErrNsPerSec(),
                predictedJumpNs == null ? "" : " (the arithmetic predicts " + predictedJumpNs + " ns)");
    }
}

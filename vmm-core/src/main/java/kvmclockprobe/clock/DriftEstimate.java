package kvmclockprobe.clock;

import java.util.Locale;

/**
 * The B−A drift rate a jump's size is judged by, and where it came from: the kernel's arithmetic
 * where its inputs are the kernel's actual ones ({@link AnalyticDrift#applies()}), else the rate
 * a control re-snapshot of the same VM showed ({@link ControlResnapshot}), else nothing. The
 * rdtsc-pair fit is kept as a diagnostic only: no source rests on it.
 *
 * @param source          which one is used
 * @param bMinusANsPerSec the drift used; NaN when {@code source} is {@link Source#NONE}
 * @param errNsPerSec     its uncertainty bound: 0 for the arithmetic (exact), the control's rounding otherwise
 * @param analytic        the arithmetic's result (applicable or not), or null where it cannot be computed
 * @param control         the control re-snapshot, or null where none was made
 * @param fit             the measured fit (a diagnostic), or null where none was taken
 * @param why             one line: why this source
 */
public record DriftEstimate(Source source, double bMinusANsPerSec, double errNsPerSec, AnalyticDrift analytic,
                            ControlResnapshot control, DriftResult fit, String why) {

    public enum Source {
        ARITHMETIC, CONTROL, NONE;

        /** {@code arithmetic}, {@code control}, {@code none}: the JSON spelling. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The arithmetic where it applies; else the control where it re-snapshotted; else none, saying why. */
    public static DriftEstimate decide(AnalyticDrift analytic, String analyticUnavailable, ControlResnapshot control, DriftResult fit) {
        if (analytic != null && analytic.applies()) {
            return new DriftEstimate(Source.ARITHMETIC, analytic.bMinusANsPerSec(), 0, analytic, control, fit,
                    "the kernel's arithmetic (" + analytic.describe() + ")");
        }
        String noArithmetic = analytic == null ? "no arithmetic (" + analyticUnavailable + ")"
                : "the arithmetic does not apply: " + analytic.notApplicable();
        if (control != null && Double.isFinite(control.rateNsPerSec())) {
            return new DriftEstimate(Source.CONTROL, control.rateNsPerSec(), control.rateErrNsPerSec(), analytic, control, fit,
                    "the kernel's own control re-snapshot (" + control.describe() + "); " + noArithmetic);
        }
        String noControl = control == null ? "no control re-snapshot was made"
                : "the control re-snapshot did not move the reference point (" + control.how() + ")";
        return new DriftEstimate(Source.NONE, Double.NaN, Double.NaN, analytic, control, fit, noArithmetic + "; " + noControl);
    }

    /** The jump a master-clock re-snapshot gives after {@code sinceSnapshotNs} of guest time: −drift × elapsed. */
    public long predictJumpNs(long sinceSnapshotNs) {
        return resnapshotJumpNs(bMinusANsPerSec, sinceSnapshotNs);
    }

    /**
     * The jump a master-clock re-snapshot gives a guest whose clock B has drifted from A at
     * {@code bMinusANsPerSec} for {@code sinceSnapshotNs}: it is reset to A, so it moves by
     * -(B-A) x the time since the last snapshot.
     */
    public static long resnapshotJumpNs(double bMinusANsPerSec, long sinceSnapshotNs) {
        return Math.round(-bMinusANsPerSec * sinceSnapshotNs / 1e9);
    }

    /** The uncertainty bound of that prediction, ns (0 for the arithmetic). */
    public double predictionErrNs(long sinceSnapshotNs) {
        return errNsPerSec * sinceSnapshotNs / 1e9;
    }

    public boolean usable() {
        return source != Source.NONE;
    }

    /** The pvclock and raw scales agree exactly by the applicable arithmetic: a re-snapshot moves the clock 0 ns. */
    public boolean zeroByArithmetic() {
        return source == Source.ARITHMETIC && bMinusANsPerSec == 0;
    }
}

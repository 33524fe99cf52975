package kvmclockprobe.clock;

import java.util.Locale;

/**
 * The B−A drift a prediction uses, and where it came from: the kernel's arithmetic when a
 * measured fit confirms it (the fit lies within half a raw-{@code mult} unit of it, with an error
 * of at most a quarter unit), else the fit
 * alone with its honest error, else nothing.
 *
 * @param source          which one is used
 * @param bMinusANsPerSec the drift used; NaN when {@code source} is {@link Source#NONE}
 * @param errNsPerSec     its uncertainty: 0 for the arithmetic (exact), the fit's honest error otherwise
 * @param analytic        the arithmetic's result, or null where it cannot be computed
 * @param fit             the measured fit, or null where none was taken
 * @param why             one line: why this source
 */
public record DriftEstimate(Source source, double bMinusANsPerSec, double errNsPerSec, AnalyticDrift analytic,
                            DriftResult fit, String why) {

    public enum Source {
        ANALYTIC, FIT, NONE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Decides the source. {@code analyticUnavailable} says why {@code analytic} is null (a scaled
     * guest TSC, an unknown TSC rate); ignored otherwise.
     */
    public static DriftEstimate decide(AnalyticDrift analytic, String analyticUnavailable, DriftResult fit) {
        boolean fitOk = fit != null && Double.isFinite(fit.bMinusANsPerSec()) && Double.isFinite(fit.bMinusAErrNsPerSec());
        if (analytic != null && fitOk && analytic.confirmedBy(fit.bMinusANsPerSec(), fit.bMinusAErrNsPerSec())) {
            return new DriftEstimate(Source.ANALYTIC, analytic.bMinusANsPerSec(), 0, analytic, fit, String.format(Locale.ROOT,
                    "the kernel's arithmetic (%s clocksource, tsc_khz %d, raw mult %d shift %d, pvclock mul %d shift %d): %+.2f ns/s, "
                            + "confirmed by the fit %+.2f ± %.2f ns/s (within half a raw mult unit, %.1f ns/s)",
                    analytic.clocksource(), analytic.tscKhz(), analytic.raw().mult(), analytic.raw().shift(),
                    analytic.pvclock().mul(), analytic.pvclock().shift(), analytic.bMinusANsPerSec(),
                    fit.bMinusANsPerSec(), fit.bMinusAErrNsPerSec(), analytic.rawMultUnitNsPerSec() / 2));
        }
        String noArithmetic = analytic == null ? "no arithmetic (" + analyticUnavailable + ")"
                : !fitOk ? String.format(Locale.ROOT, "the arithmetic's %+.2f ns/s is unconfirmed", analytic.bMinusANsPerSec())
                : fit.bMinusAErrNsPerSec() > analytic.rawMultUnitNsPerSec() / 4
                ? String.format(Locale.ROOT, "the arithmetic's %+.2f ns/s is unconfirmed: the fit's error ± %.1f ns/s is over a quarter "
                        + "raw mult unit (%.1f ns/s), too coarse to confirm it (settle longer)", analytic.bMinusANsPerSec(),
                        fit.bMinusAErrNsPerSec(), analytic.rawMultUnitNsPerSec() / 4)
                : String.format(Locale.ROOT, "the arithmetic's %+.2f ns/s (%s clocksource) is NOT confirmed: the fit differs by %.1f ns/s, "
                        + "more than half a raw mult unit (%.1f ns/s)", analytic.bMinusANsPerSec(), analytic.clocksource(),
                        Math.abs(fit.bMinusANsPerSec() - analytic.bMinusANsPerSec()), analytic.rawMultUnitNsPerSec() / 2);
        if (fitOk) {
            return new DriftEstimate(Source.FIT, fit.bMinusANsPerSec(), fit.bMinusAErrNsPerSec(), analytic, fit, String.format(Locale.ROOT,
                    "the measured fit %+.2f ± %.2f ns/s; %s", fit.bMinusANsPerSec(), fit.bMinusAErrNsPerSec(), noArithmetic));
        }
        return new DriftEstimate(Source.NONE, Double.NaN, Double.NaN, analytic, fit,
                "no drift: the fit failed" + (fit == null ? "" : " (" + fit.readingsUsed() + " usable readings)") + "; " + noArithmetic);
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

    /** The uncertainty of that prediction, ns (0 for the arithmetic). */
    public double predictionErrNs(long sinceSnapshotNs) {
        return errNsPerSec * sinceSnapshotNs / 1e9;
    }

    public boolean usable() {
        return source != Source.NONE;
    }

    /**
     * The fit is used although the kernel's arithmetic for a {@code tsc} clocksource says
     * otherwise: one of the two is wrong, and on such a host it is the measurement (a loaded
     * host, QEMU TCG with two probes at once). A verdict must not rest on it.
     */
    public boolean fitContradictsArithmetic() {
        return source == Source.FIT && analytic != null && analytic.tscClocksource();
    }
}

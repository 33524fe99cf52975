package kvmclockprobe.measurement;

import java.time.Duration;
import java.util.Locale;

/**
 * How long the guest runs between reaching master-clock mode and a re-snapshot trigger, so that
 * the re-snapshot's jump is large enough to size: until the predicted jump reaches
 * {@code marginNs} × {@link #MARGIN_FACTOR} (from the drift rate known in advance, counting the
 * guest time already passed since the last snapshot), at most {@code max}. Triggers that must not
 * re-snapshot need no settle: the reference point shows a re-snapshot of any size.
 * {@code fixed}, when set, overrides all that.
 *
 * @param fixed    an explicit settle time ({@code --settle-seconds}), or null
 * @param max      the longest adaptive settle ({@code --max-settle-seconds})
 * @param marginNs the jump a re-snapshot should reach: ten times the 2 ns a jump must exceed to be seen
 */
public record SettlePolicy(Duration fixed, Duration max, long marginNs) {
    /** The jump a re-snapshot should reach by default, ns. */
    public static final long DEFAULT_MARGIN_NS = 20;
    /** Aim this much past the margin, so that rounding and timing never land it short. */
    public static final double MARGIN_FACTOR = 1.25;
    /** The longest adaptive settle by default. */
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);
    /**
     * The settle when no drift rate is known in advance (the control re-snapshot measures it
     * after the trigger): at 2 s a control sizes D to ±1 ns/s.
     */
    public static final Duration WITHOUT_RATE = Duration.ofSeconds(2);

    public static SettlePolicy adaptive(Duration max) {
        return new SettlePolicy(null, max, DEFAULT_MARGIN_NS);
    }

    public static SettlePolicy fixed(Duration settle) {
        return new SettlePolicy(settle, settle, DEFAULT_MARGIN_NS);
    }

    /** The settle time and one line saying why. */
    public record Choice(Duration settle, String why) {}

    /** No settle: for an action whose verdict needs no drift. */
    public Choice none(String why) {
        return fixed != null ? new Choice(fixed, "fixed by --settle-seconds") : new Choice(Duration.ZERO, why);
    }

    /**
     * For a re-snapshot.
     *
     * @param bMinusANsPerSec the drift rate known in advance, NaN when none is
     * @param sinceSnapshotNs guest time already passed since the last snapshot
     */
    public Choice forResnapshot(double bMinusANsPerSec, long sinceSnapshotNs) {
        if (fixed != null) return new Choice(fixed, "fixed by --settle-seconds");
        if (!Double.isFinite(bMinusANsPerSec)) {
            Duration d = WITHOUT_RATE.compareTo(max) > 0 ? max : WITHOUT_RATE;
            return new Choice(d, String.format(Locale.ROOT, "%.1f s: no drift rate is known in advance (a control re-snapshot "
                    + "measures it after the trigger)", d.toMillis() / 1e3));
        }
        if (bMinusANsPerSec == 0) {
            return new Choice(Duration.ZERO, "none: B-A is 0, a re-snapshot moves the clock by 0 ns however long the guest runs");
        }
        double rate = Math.abs(bMinusANsPerSec);
        double wantNs = marginNs * MARGIN_FACTOR;
        double neededS = wantNs / rate - sinceSnapshotNs / 1e9;
        Duration wanted = Duration.ofMillis(Math.max(0, (long) Math.ceil(neededS * 1000)));
        Duration d = wanted.compareTo(max) > 0 ? max : wanted;
        double reachesNs = rate * (sinceSnapshotNs / 1e9 + d.toMillis() / 1e3);
        return new Choice(d, String.format(Locale.ROOT, "%.1f s: |B-A| %.2f ns/s reaches %.0f ns at the trigger%s", d.toMillis() / 1e3,
                rate, reachesNs, wanted.compareTo(max) > 0 ? String.format(Locale.ROOT,
                        " (the %d s maximum, --max-settle-seconds, is short of %.0f ns)", max.toSeconds(), wantNs) : ""));
    }
}

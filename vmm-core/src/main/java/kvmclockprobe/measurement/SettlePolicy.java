package kvmclockprobe.measurement;

import java.time.Duration;
import java.util.Locale;

/**
 * How long to measure the drift before an action. By default until a re-snapshot would move the
 * guest clock by at least {@code marginNs} (computed from the kernel's arithmetic, counting the
 * guest time already passed since the last snapshot), but at least {@code min} so the fit can
 * confirm the arithmetic, and at most {@code max}. {@code fixed}, when set, overrides all that.
 *
 * @param fixed    an explicit settle time ({@code --settle-seconds}), or null
 * @param min      the shortest adaptive settle
 * @param max      the longest adaptive settle ({@code --max-settle-seconds})
 * @param marginNs the visibility margin: ten times the 2 ns a jump must exceed to be seen
 */
public record SettlePolicy(Duration fixed, Duration min, Duration max, long marginNs) {
    /** The visibility margin by default, ns. */
    public static final long DEFAULT_MARGIN_NS = 20;
    /** Long enough for the rdtsc-pair fit to land within half a raw mult unit (~62 ns/s) even under TCG. */
    public static final Duration DEFAULT_MIN = Duration.ofSeconds(5);
    /**
     * 30 s: covers |B−A| down to 0.67 ns/s (margin / max), while B−A is spread over about ±62 ns/s
     * (half a raw mult unit), so about one boot in a hundred needs more; eleven triggers stay
     * under six minutes of settling.
     */
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);
    /** The settle when no arithmetic gives the drift in advance. */
    public static final Duration WITHOUT_ARITHMETIC = Duration.ofSeconds(10);

    public static SettlePolicy adaptive(Duration max) {
        return new SettlePolicy(null, DEFAULT_MIN.compareTo(max) < 0 ? DEFAULT_MIN : max, max, DEFAULT_MARGIN_NS);
    }

    public static SettlePolicy fixed(Duration settle) {
        return new SettlePolicy(settle, settle, settle, DEFAULT_MARGIN_NS);
    }

    /** The settle time and one line saying why. */
    public record Choice(Duration settle, String why) {}

    /**
     * @param bMinusANsPerSec the drift from the arithmetic, NaN when unknown
     * @param sinceSnapshotNs guest time already passed since the last snapshot
     */
    public Choice choose(double bMinusANsPerSec, long sinceSnapshotNs) {
        if (fixed != null) return new Choice(fixed, "fixed by --settle-seconds");
        if (!Double.isFinite(bMinusANsPerSec)) {
            Duration d = clamp(WITHOUT_ARITHMETIC);
            return new Choice(d, String.format(Locale.ROOT, "%.1f s: the drift is not known in advance", d.toMillis() / 1e3));
        }
        double rate = Math.abs(bMinusANsPerSec);
        double neededS = rate == 0 ? Double.POSITIVE_INFINITY : marginNs / rate - sinceSnapshotNs / 1e9;
        Duration wanted = Double.isInfinite(neededS) || neededS > max.toSeconds() + 1 ? max.plusSeconds(1)
                : Duration.ofMillis(Math.max(0, Math.round(neededS * 1000)));
        Duration d = clamp(wanted);
        double reachesNs = rate * (sinceSnapshotNs / 1e9 + d.toMillis() / 1e3);
        String base = String.format(Locale.ROOT, "%.1f s: |B-A| %.2f ns/s reaches the %d ns visibility margin %s",
                d.toMillis() / 1e3, rate, marginNs,
                wanted.compareTo(max) > 0 ? String.format(Locale.ROOT, "only after the %d s maximum (--max-settle-seconds): a re-snapshot would move the clock about %.0f ns", max.toSeconds(), reachesNs)
                        : wanted.compareTo(min) < 0 ? String.format(Locale.ROOT, "sooner; the minimum %d s lets the fit confirm the arithmetic", min.toSeconds())
                        : String.format(Locale.ROOT, "(%.0f ns at the trigger)", reachesNs));
        return new Choice(d, base);
    }

    private Duration clamp(Duration d) {
        if (d.compareTo(min) < 0) return min;
        if (d.compareTo(max) > 0) return max;
        return d;
    }
}

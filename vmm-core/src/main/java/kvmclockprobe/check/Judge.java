package kvmclockprobe.check;

import java.util.Locale;
import java.util.stream.Collectors;

import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.Observation;
import kvmclockprobe.measurement.TriggerEffect.SetClock;

/**
 * The verdict, as a pure function of a {@link Measurement} and what a correct kernel does. No
 * I/O, no clock: every branch is tested on synthetic measurements.
 */
public final class Judge {
    private Judge() {}

    /** A jump is "seen" when larger than this. */
    public static final long SEEN_NS = ClockProbe.SEEN_NS;
    /** Re-snapshot tolerance with the kernel's arithmetic: max(this, {@link #TOLERANCE_FRACTION} of the prediction). */
    public static final long TOLERANCE_NS = 5;
    public static final double TOLERANCE_FRACTION = 0.03;
    /** With a fit-only prediction the tolerance also covers this many times its honest error. */
    public static final double FIT_SIGMAS = 3;

    /**
     * @param expectation what a correct kernel does
     * @param reference   the upstream reference a failure cites (may be empty)
     * @param strict      fail every seen jump
     * @param marginNs    a no-jump pass needs a re-snapshot to be at least this visible
     */
    public static Verdict judge(Expectation expectation, String reference, boolean strict, long marginNs, Measurement m) {
        Long predicted = m.resnapshotJumpNs();
        Long tolerance = predicted == null ? null : resnapshotTolerance(predicted, m.resnapshotErrNs());
        Boolean match = predicted == null ? null : matches(m.observedJumpNs(), predicted, tolerance);
        boolean seen = m.observedJumpNsPerVcpu().stream().anyMatch(j -> Math.abs(j) > SEEN_NS);
        String cite = reference.isEmpty() ? "" : "; " + reference;

        if (!m.masterClockBefore()) {
            return new Verdict(Status.SKIP, "inconclusive: the VM was not in master-clock mode before the trigger "
                    + "(KVM_CLOCK_TSC_STABLE off): jumps are normal there", predicted, tolerance, match);
        }
        if (strict && seen) {
            return new Verdict(Status.FAIL, String.format(Locale.ROOT, "guest clock jumped %d ns (re-snapshot prediction %s); --strict fails every jump",
                    m.observedJumpNs(), ns(predicted)), predicted, tolerance, match);
        }
        if (!m.effect().failedChecks().isEmpty()) {
            return new Verdict(Status.FAIL, m.effect().failedChecks().stream().map(Observation::description)
                    .collect(Collectors.joining("; ")) + cite, predicted, tolerance, match);
        }
        return switch (expectation) {
            case NO_JUMP -> noJump(m, seen, predicted, tolerance, match, marginNs, cite);
            case RESNAPSHOT -> resnapshot(m, predicted, tolerance, match);
            case SET_CLOCK -> setClock(m, match);
            case SET_CLOCK_REALTIME -> setClockRealtime(m, match);
        };
    }

    /** max(5 ns, 3 % of the prediction, 3 × its honest error). */
    static long resnapshotTolerance(long predictedNs, double errNs) {
        double fromErr = Double.isFinite(errNs) ? FIT_SIGMAS * errNs : Double.POSITIVE_INFINITY;
        return Math.max(Math.max(TOLERANCE_NS, Math.round(Math.abs(predictedNs) * TOLERANCE_FRACTION)), (long) Math.ceil(fromErr));
    }

    /** The observed jump is the predicted re-snapshot: seen, the same sign, within the tolerance. */
    static boolean matches(long observedNs, long predictedNs, long toleranceNs) {
        return Math.abs(observedNs) > SEEN_NS && Long.signum(observedNs) == Long.signum(predictedNs)
                && Math.abs(observedNs - predictedNs) <= toleranceNs;
    }

    /** A re-snapshot here would be told apart from no jump: at least the margin, and its tolerance clear of "seen". */
    static boolean visible(long predictedNs, long toleranceNs, long marginNs) {
        return Math.abs(predictedNs) >= marginNs && Math.abs(predictedNs) - toleranceNs > SEEN_NS;
    }

    private static Verdict noJump(Measurement m, boolean seen, Long predicted, Long tolerance, Boolean match, long marginNs, String cite) {
        if (seen) {
            if (m.masterClockLost()) {
                return inconclusive(m, predicted, tolerance, match, String.format(Locale.ROOT,
                        "the guest clock moved %d ns, but the master clock went off after the trigger, where jumps are normal", m.observedJumpNs()));
            }
            return new Verdict(Status.FAIL, String.format(Locale.ROOT, "guest clock jumped %d ns%s%s",
                    m.observedJumpNs(), predicted == null ? "" : String.format(Locale.ROOT, " (a re-snapshot predicts %d ± %d ns: %s)",
                            predicted, tolerance, match ? "it is one" : "it does not match"), cite), predicted, tolerance, match);
        }
        if (predicted == null) return inconclusive(m, null, null, null, "no jump, but " + m.drift().why());
        if (m.drift().fitContradictsArithmetic()) {
            // The truth is the arithmetic or, failing it, the fit: "no jump" means something when a
            // re-snapshot would have shown under both.
            Long analytic = m.analyticResnapshotJumpNs();
            if (analytic != null && visible(analytic, resnapshotTolerance(analytic, 0), marginNs) && visible(predicted, tolerance, marginNs)) {
                return new Verdict(Status.PASS, String.format(Locale.ROOT, "no jump (|observed| <= %d ns on every vCPU); a re-snapshot "
                        + "would have moved it %d ns by the kernel's arithmetic and %d ± %d ns by the drift fit, which disagree (%s), "
                        + "but both would have shown", SEEN_NS, analytic, predicted, tolerance, m.drift().why()), analytic,
                        resnapshotTolerance(analytic, 0), match);
            }
            return inconclusive(m, predicted, tolerance, match, "no jump, but whether a re-snapshot would have shown is unknown: "
                    + m.drift().why());
        }
        if (!visible(predicted, tolerance, marginNs)) {
            return inconclusive(m, predicted, tolerance, match, String.format(Locale.ROOT,
                    "no jump, but a re-snapshot would move the clock only %d ns here (± %d ns; drift %+.2f ns/s × %.1f s since the snapshot), "
                            + "under the %d ns visibility margin: settle longer (--max-settle-seconds, --settle-seconds)",
                    predicted, tolerance, m.drift().bMinusANsPerSec(), m.sinceSnapshotNs() / 1e9, marginNs));
        }
        return new Verdict(Status.PASS, String.format(Locale.ROOT, "no jump (|observed| <= %d ns on every vCPU); a re-snapshot would have moved it %d ns",
                SEEN_NS, predicted), predicted, tolerance, match);
    }

    private static Verdict resnapshot(Measurement m, Long predicted, Long tolerance, Boolean match) {
        if (predicted == null) return inconclusive(m, null, null, null, "jumped " + m.observedJumpNs() + " ns, but " + m.drift().why());
        Long analytic = m.analyticResnapshotJumpNs();
        if (m.drift().fitContradictsArithmetic() && analytic != null) {
            // The fit is noise-prone (a loaded host, TCG, a short settle); the jump is exact. When the
            // jump is the one the kernel's arithmetic predicts, the arithmetic is confirmed by the
            // re-snapshot itself, and that is a re-snapshot as a correct kernel makes it, however
            // wide the fit's own error.
            long analyticTolerance = resnapshotTolerance(analytic, 0);
            if (Math.abs(analytic) - analyticTolerance > SEEN_NS && matches(m.observedJumpNs(), analytic, analyticTolerance)) {
                return new Verdict(Status.PASS, String.format(Locale.ROOT,
                        "re-snapshot: jumped %d ns, as the kernel's arithmetic predicts (%d ns, within %d ns); the drift fit "
                                + "disagreed (%s) and is overruled by the exact jump", m.observedJumpNs(), analytic, analyticTolerance,
                        m.drift().why()), analytic, analyticTolerance, true);
            }
        }
        if (Math.abs(predicted) - tolerance <= SEEN_NS) {
            // Too small to see, or a prediction too uncertain to tell from none: both need a longer settle.
            boolean small = Math.abs(predicted) - resnapshotTolerance(predicted, 0) <= SEEN_NS;
            return inconclusive(m, predicted, tolerance, match, small
                    ? String.format(Locale.ROOT, "jumped %d ns; a re-snapshot would move the clock only %d ± %d ns here, "
                            + "too little to tell from none: settle longer", m.observedJumpNs(), predicted, tolerance)
                    : String.format(Locale.ROOT, "jumped %d ns; the predicted re-snapshot %d ± %d ns is too uncertain to tell "
                            + "from none (%s): settle longer", m.observedJumpNs(), predicted, tolerance, m.drift().why()));
        }
        if (m.drift().fitContradictsArithmetic()) {
            // Anything but the arithmetic's jump has no trustworthy prediction.
            return inconclusive(m, predicted, tolerance, match, String.format(Locale.ROOT,
                    "jumped %d ns; the fit's prediction %d ± %d ns rests on a drift the kernel's arithmetic for this tsc "
                            + "clocksource contradicts (%s)%s: the measurement is unreliable here (a loaded host?)",
                    m.observedJumpNs(), predicted, tolerance, m.drift().why(),
                    analytic == null ? "" : String.format(Locale.ROOT, ", and the jump is not the arithmetic's %d ns either", analytic)));
        }
        if (match) {
            return new Verdict(Status.PASS, String.format(Locale.ROOT, "re-snapshot: jumped %d ns, predicted %d ns (within %d ns, %s drift)",
                    m.observedJumpNs(), predicted, tolerance, m.drift().source().label()), predicted, tolerance, true);
        }
        if (m.masterClockLost() && !m.masterClockAfter()) {
            return inconclusive(m, predicted, tolerance, false, String.format(Locale.ROOT,
                    "jumped %d ns against a predicted re-snapshot of %d ns, but the master clock went off after the trigger and stayed off",
                    m.observedJumpNs(), predicted));
        }
        return new Verdict(Status.FAIL, String.format(Locale.ROOT, "guest clock jumped %d ns, but a re-snapshot predicts %d ns (tolerance %d ns, %s drift)%s",
                m.observedJumpNs(), predicted, tolerance, m.drift().source().label(),
                m.masterClockLost() ? "; the master clock went off after the trigger and came back" : ""), predicted, tolerance, false);
    }

    private static Verdict setClock(Measurement m, Boolean match) {
        SetClock s = m.effect().setClock();
        if (s == null) throw new IllegalArgumentException("a set-clock measurement without its KVM_SET_CLOCK record");
        if (m.oldClockAtNewReferenceNs() == null) {
            return new Verdict(Status.FAIL, "the guest's pvclock did not change after KVM_SET_CLOCK", null, null, match);
        }
        long exact = s.clockNs() - m.oldClockAtNewReferenceNs();
        long bracket = m.effect().rawAfterNs() - m.effect().rawBeforeNs();
        long observed = m.observedJumpNs();
        boolean ok = Math.abs(observed - exact) <= SEEN_NS && observed <= SEEN_NS && observed >= -bracket - SEEN_NS;
        return new Verdict(ok ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "%sset back by the GET->SET interval: jumped %d ns, exact %d ns, host bracket -%d ns",
                ok ? "" : "not ", observed, exact, bracket), exact, SEEN_NS, match);
    }

    /**
     * {@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME}: KVM sets the clock at its new reference
     * point to GET's clock plus the realtime elapsed from GET's realtime to its own read inside the
     * SET call, so the guest's step is exactly that, minus the old pvclock at the new reference
     * point, for a realtime somewhere in the SET call's window.
     */
    private static Verdict setClockRealtime(Measurement m, Boolean match) {
        SetClock s = m.effect().setClock();
        if (s == null || !s.realtime()) throw new IllegalArgumentException("a set-clock-realtime measurement without its KVM_SET_CLOCK record");
        if (m.oldClockAtNewReferenceNs() == null) {
            return new Verdict(Status.FAIL, "the guest's pvclock did not change after KVM_SET_CLOCK", null, null, match);
        }
        long low = s.clockNs() + (s.realtimeBeforeSetNs() - s.getRealtimeNs()) - m.oldClockAtNewReferenceNs();
        long high = low + (s.realtimeAfterSetNs() - s.realtimeBeforeSetNs());
        long observed = m.observedJumpNs();
        boolean ok = observed >= low - SEEN_NS && observed <= high + SEEN_NS;
        long gap = s.realtimeBeforeSetNs() - s.getRealtimeNs();
        if (high - low >= gap / 2) {
            return inconclusive(m, low + (high - low) / 2, (high - low) / 2 + SEEN_NS, match, String.format(Locale.ROOT,
                    "the KVM_SET_CLOCK call took %d ns of realtime, too much of the %d ns gap to tell a kernel that ignores "
                            + "KVM_CLOCK_REALTIME from one that honours it", high - low, gap));
        }
        return new Verdict(ok ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "%sjumped %d ns; KVM_CLOCK_REALTIME gives [%d, %d] ns (GET's clock + the realtime elapsed to the SET call, %d ns later)%s",
                ok ? "" : "not what KVM_CLOCK_REALTIME gives: ", observed, low, high, gap,
                ok ? "" : String.format(Locale.ROOT, "; a kernel that ignored the flag would jump about %d ns", low - gap)),
                low + (high - low) / 2, (high - low) / 2 + SEEN_NS, match);
    }

    private static Verdict inconclusive(Measurement m, Long predicted, Long tolerance, Boolean match, String why) {
        return new Verdict(Status.SKIP, "inconclusive: " + why, predicted, tolerance, match);
    }

    private static String ns(Long v) {
        return v == null ? "unknown" : v + " ns";
    }
}

package kvmclockprobe.check;

import kvmclockprobe.verdict.Status;

import java.util.Locale;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.xen.WallclockReading;
import kvmclockprobe.measurement.TriggerEffect.SetClock;

/**
 * The verdict, as a pure function of a {@link Measurement} and what a correct kernel does. No
 * I/O, no clock: every branch is tested on synthetic measurements.
 *
 * <p>Whether a trigger re-snapshotted the master clock is read from the reference point the
 * pvclock pages are written from ({@link Measurement#resnapshotSeen()}), not inferred from a
 * jump: it needs no drift and no settle, and shows a re-snapshot even where it moves the clock
 * by 0 ns. A jump's size is judged against −(B−A) × the time since the last snapshot, with B−A
 * from the kernel's arithmetic where its inputs are the kernel's own, else from a control
 * re-snapshot of the same VM; the drift fit is never a verdict's basis.
 */
public final class Judge {
    private Judge() {}

    /** A jump is "seen" when larger than this: the arithmetic is exact, this allows its rounding. */
    public static final long SEEN_NS = 2;
    /** Re-snapshot tolerance: max(this, {@link #TOLERANCE_FRACTION} of the prediction), plus the prediction's own error bound. */
    public static final long TOLERANCE_NS = 5;
    public static final double TOLERANCE_FRACTION = 0.03;

    /**
     * @param expectation what a correct kernel does
     * @param reference   the upstream reference a failure cites (may be empty)
     * @param strict      fail every seen jump
     */
    public static Verdict judge(Expectation expectation, String reference, boolean strict, Measurement m) {
        Long predicted = m.resnapshotJumpNs();
        Long tolerance = predicted == null ? null : resnapshotTolerance(predicted, m.resnapshotErrNs());
        Boolean match = predicted == null ? null : matches(m.observedJumpNs(), predicted, tolerance);
        boolean seen = m.observedJumpNsPerVcpu().stream().anyMatch(j -> Math.abs(j) > SEEN_NS);
        Prediction p = new Prediction(predicted, tolerance, match);

        if (!m.masterClockBefore()) {
            return p.verdict(Status.INCONCLUSIVE, "the VM was not in master-clock mode before the trigger (KVM_CLOCK_TSC_STABLE off): "
                    + "jumps are normal there");
        }
        if (strict && seen) {
            return p.verdict(Status.FAIL, String.format(Locale.ROOT, "guest clock jumped %d ns (re-snapshot prediction %s); --strict "
                    + "fails every jump", m.observedJumpNs(), ns(predicted)));
        }
        WallclockReading wallclock = m.effect().wallclock();
        String checks = wallclock == null || wallclock.inRange() ? "" : wallclock.describeCheck();
        if (!checks.isEmpty() && expectation != Expectation.NO_JUMP) return p.verdict(Status.FAIL, checks);
        return switch (expectation) {
            case NO_JUMP -> noJump(m, seen, p, reference, checks);
            case RESNAPSHOT -> resnapshot(m, p);
            case SET_CLOCK -> setClock(m, match);
            case SET_CLOCK_REALTIME -> setClockRealtime(m, match);
            case GUEST_STOPPED -> guestStopped(m, seen, p, reference);
            case MASTER_CLOCK, KVMCLOCK_RATE -> throw new IllegalArgumentException(expectation + " has a judge of its own");
        };
    }

    /** The prediction a verdict carries, for the reports. */
    record Prediction(Long predictedNs, Long toleranceNs, Boolean match) {
        Verdict verdict(Status status, String reason) {
            return new Verdict(status, reason, predictedNs, toleranceNs, match);
        }
    }

    /** max(5 ns, 3 % of the prediction) plus the prediction's own error bound (0 from the kernel's arithmetic). */
    public static long resnapshotTolerance(long predictedNs, double errNs) {
        double fromErr = Double.isFinite(errNs) ? errNs : Double.POSITIVE_INFINITY;
        return Math.max(TOLERANCE_NS, Math.round(Math.abs(predictedNs) * TOLERANCE_FRACTION)) + (long) Math.ceil(fromErr);
    }

    /** The observed jump is the predicted re-snapshot's: within the tolerance. */
    static boolean matches(long observedNs, long predictedNs, long toleranceNs) {
        return Math.abs(observedNs - predictedNs) <= toleranceNs;
    }

    /**
     * Must not re-snapshot: pass when no vCPU's reference point moved and no clock moved more
     * than 2 ns; fail when a reference point moved (a re-snapshot, whatever the jump it caused
     * here) or a clock moved. A failed check of the trigger's own (the Xen wallclock) fails it too,
     * naming that check; the upstream fix is cited only when the clock itself was disturbed.
     */
    private static Verdict noJump(Measurement m, boolean seen, Prediction p, String reference, String checks) {
        boolean disturbed = seen || m.resnapshotSeen();
        if (disturbed && m.masterClockLost()) {
            return p.verdict(Status.INCONCLUSIVE, String.format(Locale.ROOT, "the guest clock moved %d ns%s, but the master clock went "
                    + "off after the trigger, where KVM writes the pvclock from new reference points as a matter of course",
                    m.observedJumpNs(), m.resnapshotSeen() ? " and the reference point moved" : ""));
        }
        if (!disturbed) {
            String ok = "no re-snapshot: no vCPU's master-clock reference point moved, and no vCPU's clock moved more than " + SEEN_NS + " ns";
            return p.verdict(checks.isEmpty() ? Status.PASS : Status.FAIL, checks.isEmpty() ? ok : checks + " (the clock itself: " + ok + ")");
        }
        String cite = reference.isEmpty() ? "" : "; " + reference;
        String what = m.resnapshotSeen() ? resnapshotWhereNone(m, p) : String.format(Locale.ROOT,
                "the guest clock jumped %d ns without a re-snapshot (the reference point did not move)", m.observedJumpNs());
        return p.verdict(Status.FAIL, (checks.isEmpty() ? "" : checks + "; ") + what + cite);
    }

    /** A no-jump trigger that re-snapshotted: what it cost here, even 0 ns. */
    private static String resnapshotWhereNone(Measurement m, Prediction p) {
        String size = p.predictedNs() == null ? "its size cannot be predicted here (" + m.drift().why() + ")"
                : String.format(Locale.ROOT, "a re-snapshot here predicts %d ± %d ns from the %s drift (%s)", p.predictedNs(),
                p.toleranceNs(), m.drift().source().label(), p.match() ? "it is one" : "it does not match");
        String zero = m.drift().zeroByArithmetic() ? "; B-A is 0 on this host, so it moved the clock 0 ns here, "
                + "but it moves it wherever B-A is not" : "";
        return String.format(Locale.ROOT, "re-snapshot: the master-clock reference point moved (%s); the guest clock jumped %d ns; %s%s",
                m.referenceBefore() + " -> " + m.referenceAfter(), m.observedJumpNs(), size, zero);
    }

    /** {@code KVM_KVMCLOCK_CTRL}: every vCPU's guest sees {@code PVCLOCK_GUEST_STOPPED}, with no jump and no re-snapshot. */
    private static Verdict guestStopped(Measurement m, boolean seen, Prediction p, String reference) {
        Verdict v = noJump(m, seen, p, reference, "");
        if (v.status() == Status.FAIL || v.status() == Status.INCONCLUSIVE) return v;
        if (!m.window().guestStoppedOnEveryVcpu()) {
            return p.verdict(Status.FAIL, "PVCLOCK_GUEST_STOPPED was not shown to every vCPU's guest (seen per vCPU: "
                    + m.window().guestStoppedSeen() + "); " + v.reason());
        }
        return p.verdict(Status.PASS, "PVCLOCK_GUEST_STOPPED shown to every vCPU's guest " + m.window().guestStoppedSeen()
                + " time(s); " + v.reason());
    }

    /**
     * Must re-snapshot: the reference point moves, and the jump is −(B−A) × the time since the
     * last snapshot.
     */
    private static Verdict resnapshot(Measurement m, Prediction p) {
        if (!m.resnapshotSeen()) {
            if (m.masterClockLost() && !m.masterClockAfter()) {
                return p.verdict(Status.INCONCLUSIVE, "no re-snapshot seen, but the master clock went off after the trigger and stayed off");
            }
            return p.verdict(Status.FAIL, String.format(Locale.ROOT, "no re-snapshot: no vCPU's master-clock reference point moved "
                    + "(jumped %d ns; a re-snapshot here predicts %s)", m.observedJumpNs(), ns(p.predictedNs())));
        }
        if (p.predictedNs() == null) {
            return p.verdict(Status.INCONCLUSIVE, String.format(Locale.ROOT, "re-snapshot seen (the reference point moved), jumped %d ns; "
                    + "its size cannot be judged: %s", m.observedJumpNs(), m.drift().why()));
        }
        if (m.drift().zeroByArithmetic() && p.match()) {
            AnalyticDrift a = m.drift().analytic();
            return p.verdict(Status.PASS, String.format(Locale.ROOT, "re-snapshot (the reference point moved), jumped %d ns: at tsc_khz %d "
                    + "the pvclock and raw clock scales agree, so a re-snapshot moves this guest's clock by 0 ns",
                    m.observedJumpNs(), a == null ? 0 : a.tscKhz()));
        }
        if (p.match()) {
            return p.verdict(Status.PASS, String.format(Locale.ROOT, "re-snapshot (the reference point moved): jumped %d ns, predicted %d ns "
                    + "(within %d ns, %s drift %+.2f ns/s)", m.observedJumpNs(), p.predictedNs(), p.toleranceNs(),
                    m.drift().source().label(), m.drift().bMinusANsPerSec()));
        }
        if (m.masterClockLost() && !m.masterClockAfter()) {
            return p.verdict(Status.INCONCLUSIVE, String.format(Locale.ROOT, "jumped %d ns against a predicted re-snapshot of %d ns, but "
                    + "the master clock went off after the trigger and stayed off", m.observedJumpNs(), p.predictedNs()));
        }
        return p.verdict(Status.FAIL, String.format(Locale.ROOT, "re-snapshot (the reference point moved), but the guest clock jumped %d ns "
                + "where it predicts %d ns (tolerance %d ns, %s drift %+.2f ns/s)%s", m.observedJumpNs(), p.predictedNs(), p.toleranceNs(),
                m.drift().source().label(), m.drift().bMinusANsPerSec(),
                m.masterClockLost() ? "; the master clock went off after the trigger and came back" : ""));
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
        if (s.realtimeMissing()) { // the master clock was on (checked first): KVM reads realtime and the TSC together there
            return new Verdict(Status.FAIL, "KVM_GET_CLOCK gave no KVM_CLOCK_REALTIME although KVM_CAP_ADJUST_CLOCK advertises it and "
                    + "the VM was in master-clock mode, where kvm_get_clock reads the host's realtime with the TSC: a VMM cannot "
                    + "carry the guest clock across a pause in real time", null, null, match);
        }
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
        return new Verdict(Status.INCONCLUSIVE, why, predicted, tolerance, match);
    }

    private static String ns(Long v) {
        return v == null ? "unknown" : v + " ns";
    }
}

package kvmclockprobe.check;

import static kvmclockprobe.testing.SyntheticMeasurement.analytic;
import static kvmclockprobe.testing.SyntheticMeasurement.fit;
import static kvmclockprobe.testing.SyntheticMeasurement.measured;
import static kvmclockprobe.testing.SyntheticMeasurement.none;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.measurement.Observation;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.testing.SyntheticMeasurement;

/** The verdict, branch by branch, on synthetic measurements: every case the code audit found, and the rest. */
class JudgeTest {
    static final long MARGIN = 20;
    static final String REF = "the seed fix";

    static Verdict judge(Expectation e, SyntheticMeasurement m) {
        return Judge.judge(e, REF, false, MARGIN, m.build());
    }

    /** A drift of ±10 ns/s and the time since the snapshot that make −drift × elapsed exactly {@code predictedNs}. */
    static SyntheticMeasurement predicting(long predictedNs) {
        return measured().drift(analytic(predictedNs < 0 ? 10 : -10)).sinceSnapshotNs(Math.abs(predictedNs) * 100_000_000L);
    }

    // ---- no-jump triggers ----

    @Test
    void noJumpPassesOnlyWhenAReSnapshotWouldHaveBeenVisible() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).observedNs(1));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.predictedJumpNs()).isEqualTo(-300);
        assertThat(v.resnapshotMatch()).isFalse();
    }

    @Test
    void noJumpWithATwoNanosecondPredictionIsInconclusive() {
        for (long observed : new long[] {-2, 0, 2}) {
            Verdict v = judge(Expectation.NO_JUMP, predicting(2).observedNs(observed));
            assertThat(v.status()).as("observed %d", observed).isEqualTo(Status.SKIP);
            assertThat(v.reason()).startsWith("inconclusive:").contains("only 2 ns").contains("settle longer");
        }
    }

    @Test
    void noJumpJustUnderTheMarginIsInconclusiveAndAtTheMarginPasses() {
        assertThat(judge(Expectation.NO_JUMP, predicting(19)).status()).isEqualTo(Status.SKIP);
        assertThat(judge(Expectation.NO_JUMP, predicting(-20)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aJumpOnANoJumpTriggerFailsCitingTheReference() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-331).observedNs(-330));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("-330 ns").contains("it is one").endsWith(REF);
        assertThat(v.resnapshotMatch()).isTrue();
    }

    @Test
    void aJumpOnAnyVcpuCounts() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).perVcpu(0L, -299L));
        assertThat(v.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aFailedFitNeverPasses() {
        for (Expectation e : List.of(Expectation.NO_JUMP, Expectation.RESNAPSHOT)) {
            Verdict v = judge(e, measured().drift(none()).observedNs(0));
            assertThat(v.status()).as(e.name()).isEqualTo(Status.SKIP);
            assertThat(v.predictedJumpNs()).isNull();
            assertThat(v.reason()).contains("no drift");
        }
    }

    @Test
    void theXenWallclockOutOfRangeFails() {
        TriggerEffect effect = new TriggerEffect(0, 1000, null, List.of(
                Observation.check("wallclock_in_range", false, "wallclock OUTSIDE [realtime before, realtime after]")), List.of());
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).observedNs(0).effect(effect));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("OUTSIDE");
        TriggerEffect inRange = new TriggerEffect(0, 1000, null, List.of(
                Observation.check("wallclock_in_range", true, "within")), List.of());
        assertThat(judge(Expectation.NO_JUMP, predicting(-300).observedNs(0).effect(inRange)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aJumpWhileTheMasterClockWentOffIsInconclusiveNotAFail() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).observedNs(-300).masterClock(true, true, true));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("master clock went off");
    }

    @Test
    void noMasterClockBeforeTheTriggerIsInconclusive() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-300).observedNs(-300).masterClock(false, false, false));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("not in master-clock mode");
    }

    @Test
    void strictFailsEverySeenJump() {
        Verdict v = Judge.judge(Expectation.RESNAPSHOT, "", true, MARGIN, predicting(-300).observedNs(-300).build());
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("--strict");
    }

    // ---- re-snapshot triggers ----

    @Test
    void aReSnapshotPassesWithinFiveNanosecondsOrThreePercent() {
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-100).observedNs(-105)).status()).isEqualTo(Status.PASS);
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-100).observedNs(-106)).status()).isEqualTo(Status.FAIL);
        Verdict big = judge(Expectation.RESNAPSHOT, predicting(-1000).observedNs(-1030));
        assertThat(big.status()).isEqualTo(Status.PASS);
        assertThat(big.toleranceNs()).isEqualTo(30);
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-1000).observedNs(-1031)).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void noJumpAgainstAPredictedMinus49DoesNotPass() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-49).observedNs(0));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.resnapshotMatch()).isFalse();
    }

    @Test
    void theWrongSignDoesNotPass() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-26).observedNs(24));
        assertThat(v.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aReSnapshotTooSmallToTellIsInconclusive() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-6).observedNs(-6));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("too little to tell");
    }

    @Test
    void aFitOnlyPredictionWidensTheToleranceByItsHonestError() {
        // B−A +10 ± 2 ns/s over 30 s: −300 ± 60 ns at 1 sigma, so 3 sigma is 180 ns.
        SyntheticMeasurement m = measured().drift(fit(10, 2)).sinceSnapshotNs(30_000_000_000L);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(-450));
        assertThat(v.toleranceNs()).isEqualTo(180);
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(judge(Expectation.RESNAPSHOT, m.observedNs(-481)).status()).isEqualTo(Status.FAIL);
    }

    /** The kernel's arithmetic for a 2,096,012 kHz TSC and the tsc clocksource (a lab boot's). */
    static final kvmclockprobe.clock.AnalyticDrift LAB_ARITHMETIC = kvmclockprobe.clock.AnalyticDrift.of(2_096_012, "tsc",
            new kvmclockprobe.clock.PvclockParams(0, 0, 0, (int) 4098227773L, (byte) -1, (byte) 1));

    /** A drift fit of {@code nsPerSec} ± {@code errNsPerSec} that the arithmetic does not confirm. */
    static kvmclockprobe.clock.DriftEstimate contradictingFit(double nsPerSec, double errNsPerSec) {
        return new kvmclockprobe.clock.DriftEstimate(kvmclockprobe.clock.DriftEstimate.Source.FIT, nsPerSec, errNsPerSec, LAB_ARITHMETIC,
                null, "the arithmetic is NOT confirmed (synthetic)");
    }

    /** The lab with two probes at once: fit -3019 ± 1717 ns against an observed +112, the arithmetic unconfirmed. */
    @Test
    void aFitThatContradictsTheArithmeticForATscClocksourceIsNeverAVerdict() {
        kvmclockprobe.clock.DriftEstimate contradicted = contradictingFit(300, 57);
        SyntheticMeasurement m = measured().drift(contradicted).sinceSnapshotNs(10_000_000_000L);
        Verdict resnapshot = judge(Expectation.RESNAPSHOT, m.observedNs(112));
        assertThat(resnapshot.status()).isEqualTo(Status.SKIP);
        assertThat(resnapshot.reason()).startsWith("inconclusive").contains("contradicts").contains("not the arithmetic's");
        // no jump: a re-snapshot would have shown under the fit (-3000 +- 1710 ns) and under the arithmetic
        assertThat(judge(Expectation.NO_JUMP, m.observedNs(0)).status()).isEqualTo(Status.PASS);
        assertThat(judge(Expectation.NO_JUMP, m.observedNs(0)).reason()).contains("both would have shown");
        // a jump on a no-jump trigger needs no prediction: still a fail
        assertThat(judge(Expectation.NO_JUMP, m.observedNs(-330)).status()).isEqualTo(Status.FAIL);
        // where the arithmetic does not apply (another clocksource), the fit alone decides
        kvmclockprobe.clock.DriftEstimate otherClock = new kvmclockprobe.clock.DriftEstimate(kvmclockprobe.clock.DriftEstimate.Source.FIT,
                300, 2, kvmclockprobe.clock.AnalyticDrift.of(2_096_012, "hpet",
                        new kvmclockprobe.clock.PvclockParams(0, 0, 0, (int) 4098227773L, (byte) -1, (byte) 1)), null, "hpet (synthetic)");
        assertThat(judge(Expectation.RESNAPSHOT, measured().drift(otherClock).sinceSnapshotNs(10_000_000_000L).observedNs(112)).status())
                .isEqualTo(Status.FAIL);
    }

    /**
     * The CI lab (TCG, 7.3.4): the fit said +74.4 ± 18.9 ns/s, the arithmetic +5.12 ns/s, and the
     * exact jump was the arithmetic's. The jump confirms the arithmetic: a re-snapshot, a pass.
     */
    @Test
    void aJumpThatIsTheArithmeticsPredictionOverrulesAContradictingFit() {
        kvmclockprobe.clock.AnalyticDrift arithmetic = LAB_ARITHMETIC;
        kvmclockprobe.clock.DriftEstimate contradicted = contradictingFit(74.4, 18.9);
        SyntheticMeasurement m = measured().drift(contradicted).sinceSnapshotNs(10_000_000_000L);
        long analytic = Math.round(-arithmetic.bMinusANsPerSec() * 10);
        assertThat(Math.abs(analytic)).as("a visible re-snapshot for this synthetic case").isGreaterThan(10);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(analytic));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.predictedJumpNs()).isEqualTo(analytic);
        assertThat(v.reason()).contains("as the kernel's arithmetic predicts").contains("overruled");
        // off the arithmetic by more than its tolerance: no trustworthy prediction, inconclusive
        assertThat(judge(Expectation.RESNAPSHOT, m.observedNs(analytic + 40)).status()).isEqualTo(Status.SKIP);
    }

    /**
     * The CI lab (TCG, a fixed 3 s settle): a fit too coarse to confirm the arithmetic, with an
     * error so wide its own prediction cannot be told from none. The exact jump is still the
     * arithmetic's: a pass. Off the arithmetic, it says the prediction is too uncertain, not that
     * the re-snapshot is too small.
     */
    @Test
    void aJumpThatIsTheArithmeticsPredictionPassesEvenWhenTheFitsOwnPredictionIsTooUncertain() {
        kvmclockprobe.clock.DriftEstimate coarse = contradictingFit(60, 90);
        SyntheticMeasurement m = measured().drift(coarse).sinceSnapshotNs(6_400_000_000L);
        assertThat(Judge.visible(-384, Judge.resnapshotTolerance(-384, 90 * 6.4), 0)).as("the fit alone sees nothing").isFalse();
        long analytic = Math.round(-LAB_ARITHMETIC.bMinusANsPerSec() * 6.4);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(analytic));
        assertThat(v.status()).as(v.reason()).isEqualTo(Status.PASS);
        assertThat(v.predictedJumpNs()).isEqualTo(analytic);
        Verdict off = judge(Expectation.RESNAPSHOT, m.observedNs(analytic + 40));
        assertThat(off.status()).isEqualTo(Status.SKIP);
        assertThat(off.reason()).contains("too uncertain").doesNotContain("too little");
    }

    /** A drift so small that a re-snapshot would not be seen: inconclusive, and it says the jump is too small. */
    @Test
    void aReSnapshotTooSmallToSeeIsInconclusiveSayingSo() {
        Verdict v = judge(Expectation.RESNAPSHOT, measured().drift(SyntheticMeasurement.analytic(0.4)).sinceSnapshotNs(10_000_000_000L).observedNs(0));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).startsWith("inconclusive").contains("too little to tell from none");
    }

    /** No jump where the fit and the arithmetic disagree: a pass only when a re-snapshot would have shown under both. */
    @Test
    void noJumpWithAContradictingFitPassesOnlyWhenBothWouldHaveShownIt() {
        long analytic30s = Math.round(-LAB_ARITHMETIC.bMinusANsPerSec() * 30);
        assertThat(Math.abs(analytic30s)).as("visible by the arithmetic after 30 s").isGreaterThanOrEqualTo(20);
        // a fit of 74.4 +- 2 ns/s: visible too -> pass
        kvmclockprobe.clock.DriftEstimate sharp = contradictingFit(74.4, 2);
        Verdict both = judge(Expectation.NO_JUMP, measured().drift(sharp).sinceSnapshotNs(30_000_000_000L).observedNs(0));
        assertThat(both.status()).isEqualTo(Status.PASS);
        assertThat(both.reason()).contains("both would have shown");
        // a fit of 74.4 +- 300 ns/s: its re-snapshot is lost in its own error -> inconclusive
        kvmclockprobe.clock.DriftEstimate vague = contradictingFit(74.4, 300);
        assertThat(judge(Expectation.NO_JUMP, measured().drift(vague).sinceSnapshotNs(30_000_000_000L).observedNs(0)).status())
                .isEqualTo(Status.SKIP);
    }

    @Test
    void aMismatchWhileTheMasterClockStayedOffIsInconclusive() {
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-300).observedNs(-50).masterClock(true, true, false)).status())
                .isEqualTo(Status.SKIP);
        Verdict back = judge(Expectation.RESNAPSHOT, predicting(-300).observedNs(-50).masterClock(true, true, true));
        assertThat(back.status()).isEqualTo(Status.FAIL);
        assertThat(back.reason()).contains("came back");
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-300).observedNs(-301).masterClock(true, true, true)).status())
                .isEqualTo(Status.PASS);
    }

    // ---- KVM_SET_CLOCK ----

    static final long CLOCK = 5_000_000_000L;

    @Test
    void setClockLosesExactlyTheGetToSetInterval() {
        // The guest's old clock at the new reference point is 70 us past what GET read.
        TriggerEffect e = new TriggerEffect(0, 90_000, new TriggerEffect.SetClock(CLOCK, false, 0, 0, 0, 10_000), List.of(), List.of());
        SyntheticMeasurement m = predicting(-300).effect(e).oldAtNewReferenceNs(CLOCK + 70_000);
        Verdict ok = judge(Expectation.SET_CLOCK, m.observedNs(-70_001));
        assertThat(ok.status()).isEqualTo(Status.PASS);
        assertThat(ok.predictedJumpNs()).isEqualTo(-70_000);
        assertThat(judge(Expectation.SET_CLOCK, m.observedNs(-70_010)).status()).isEqualTo(Status.FAIL);
        assertThat(judge(Expectation.SET_CLOCK, m.oldAtNewReferenceNs(null).observedNs(0)).status()).isEqualTo(Status.FAIL);
    }

    /** GET at realtime R; the SET 20 ms later in a 14 us call; the guest clock ran on 20 ms meanwhile. */
    static SyntheticMeasurement realtimeCase() {
        long r = 1_796_000_000_000_000_000L;
        long gap = 20_000_000;
        TriggerEffect e = new TriggerEffect(0, gap + 14_000, new TriggerEffect.SetClock(CLOCK, true, r, r + gap, r + gap + 14_000, 14_000),
                List.of(), List.of());
        return predicting(-300).effect(e).oldAtNewReferenceNs(CLOCK + gap);
    }

    @Test
    void setClockRealtimeIsJudgedAgainstTheExactWindowNotTheCallsDuration() {
        Verdict ok = judge(Expectation.SET_CLOCK_REALTIME, realtimeCase().observedNs(7_000));
        assertThat(ok.status()).isEqualTo(Status.PASS);
        assertThat(ok.predictedJumpNs()).isEqualTo(7_000);
        // −5 us passed the old |jump| <= 14 us bound; it is outside [0, 14 us].
        assertThat(judge(Expectation.SET_CLOCK_REALTIME, realtimeCase().observedNs(-5_000)).status()).isEqualTo(Status.FAIL);
        // A kernel that ignored KVM_CLOCK_REALTIME sets the guest back by the gap.
        Verdict ignored = judge(Expectation.SET_CLOCK_REALTIME, realtimeCase().observedNs(-20_000_000));
        assertThat(ignored.status()).isEqualTo(Status.FAIL);
        assertThat(ignored.reason()).contains("ignored the flag");
    }

    @Test
    void aSetCallAsLongAsHalfTheGapIsInconclusive() {
        long r = 1_796_000_000_000_000_000L;
        long gap = 20_000_000;
        TriggerEffect e = new TriggerEffect(0, 2 * gap, new TriggerEffect.SetClock(CLOCK, true, r, r + gap, r + gap + gap / 2, gap / 2),
                List.of(), List.of());
        Verdict v = judge(Expectation.SET_CLOCK_REALTIME, predicting(-300).effect(e).oldAtNewReferenceNs(CLOCK + gap).observedNs(-gap));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).startsWith("inconclusive").contains("too much of the");
    }
}

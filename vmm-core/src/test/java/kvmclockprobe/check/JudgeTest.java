package kvmclockprobe.check;

import static kvmclockprobe.testing.SyntheticMeasurement.arithmetic;
import static kvmclockprobe.testing.SyntheticMeasurement.control;
import static kvmclockprobe.testing.SyntheticMeasurement.measured;
import static kvmclockprobe.testing.SyntheticMeasurement.none;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.clock.KernelClockArithmetic;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.testing.SyntheticMeasurement;
import kvmclockprobe.verdict.Status;

/**
 * The verdict, branch by branch, on synthetic measurements. A re-snapshot is the reference point
 * moving ({@code resnapshot(true)}); a jump's size is judged by the arithmetic or a control.
 */
class JudgeTest {
    static final String REF = "this kernel lacks the seed fix";

    static Verdict judge(Expectation e, SyntheticMeasurement m) {
        return Judge.judge(e, REF, false, m.build());
    }

    /** A drift of ±10 ns/s and the time since the snapshot that make −drift × elapsed exactly {@code predictedNs}. */
    static SyntheticMeasurement predicting(long predictedNs) {
        return measured().drift(arithmetic(predictedNs < 0 ? 10 : -10)).sinceSnapshotNs(Math.abs(predictedNs) * 100_000_000L);
    }

    // ---- no-jump triggers: the reference point decides, no settle, no drift ----

    @Test
    void noJumpPassesWhenNoReferencePointMovedWhateverTheDrift() {
        for (SyntheticMeasurement m : List.of(predicting(-300), predicting(2), measured().drift(none()), measured().drift(arithmetic(0)))) {
            Verdict v = judge(Expectation.NO_JUMP, m.observedNs(1));
            assertThat(v.status()).isEqualTo(Status.PASS);
            assertThat(v.reason()).contains("no re-snapshot");
        }
    }

    @Test
    void aMovedReferenceFailsAndReportsItsJumpEvenBelowTwoNanoseconds() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-1).resnapshot(true).observedNs(-1));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("re-snapshot").contains("reference point moved").contains("jumped -1 ns").contains(REF);
        assertThat(v.predictedJumpNs()).isEqualTo(-1);
    }

    @Test
    void aReSnapshotWhereBMinusAIsZeroStillFailsSayingItMovedNothingHere() {
        Verdict v = judge(Expectation.NO_JUMP, measured().drift(arithmetic(0)).resnapshot(true).observedNs(0));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("B-A is 0").contains("0 ns here");
        assertThat(v.predictedJumpNs()).isZero();
    }

    @Test
    void aMovedReferenceWithoutAnyDriftRateFailsNamingWhyItCannotBeSized() {
        Verdict v = judge(Expectation.NO_JUMP, measured().drift(none()).resnapshot(true).observedNs(-340));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("cannot be predicted").contains("no control re-snapshot");
    }

    @Test
    void aJumpWithoutAReSnapshotFailsToo() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).perVcpu(0L, 7L));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("without a re-snapshot");
    }

    @Test
    void aClockUpdateFromTheSameReferenceIsNoReSnapshot() {
        // KVM_REQ_CLOCK_UPDATE rewrites version and flags, not the reference: the window derivation
        // says no re-snapshot (TriggerWindowTest), and the verdict passes.
        assertThat(judge(Expectation.NO_JUMP, predicting(-300).resnapshot(false).observedNs(0)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void theXenWallclockOutOfRangeFailsNamingTheWallclockNotTheClockFix() {
        TriggerEffect effect = new TriggerEffect(0, 1000, null, SyntheticMeasurement.wallclock(0, false), List.of());
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).observedNs(0).effect(effect));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("OUTSIDE").doesNotContain(REF);
        Verdict both = judge(Expectation.NO_JUMP, predicting(-300).resnapshot(true).observedNs(-300).effect(effect));
        assertThat(both.reason()).contains("OUTSIDE").contains(REF);
        TriggerEffect inRange = new TriggerEffect(0, 1000, null, SyntheticMeasurement.wallclock(0, true), List.of());
        assertThat(judge(Expectation.NO_JUMP, predicting(-300).observedNs(0).effect(inRange)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aReSnapshotWhileTheMasterClockWentOffIsInconclusive() {
        Verdict v = judge(Expectation.NO_JUMP, predicting(-300).resnapshot(true).observedNs(-300).masterClock(true, true, true));
        assertThat(v.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(v.reason()).contains("master clock went off");
    }

    @Test
    void noMasterClockBeforeTheTriggerIsInconclusive() {
        assertThat(judge(Expectation.NO_JUMP, predicting(-300).masterClock(false, false, false)).status()).isEqualTo(Status.INCONCLUSIVE);
    }

    @Test
    void strictFailsEverySeenJump() {
        Verdict v = Judge.judge(Expectation.RESNAPSHOT, REF, true, predicting(-300).resnapshot(true).observedNs(-300).build());
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("--strict");
    }

    // ---- kvmclock-ctrl ----

    @Test
    void kvmclockCtrlMustShowGuestStoppedToEveryVcpu() {
        Verdict ok = judge(Expectation.GUEST_STOPPED, predicting(-300).perVcpu(0L, 0L).guestStopped(1, 1));
        assertThat(ok.status()).isEqualTo(Status.PASS);
        assertThat(ok.reason()).contains("PVCLOCK_GUEST_STOPPED");
        Verdict missing = judge(Expectation.GUEST_STOPPED, predicting(-300).perVcpu(0L, 0L).guestStopped(1, 0));
        assertThat(missing.status()).isEqualTo(Status.FAIL);
        assertThat(missing.reason()).contains("not shown to every vCPU").contains("[1, 0]");
        assertThat(judge(Expectation.GUEST_STOPPED, predicting(-300).resnapshot(true).observedNs(-300).guestStopped(1)).status())
                .isEqualTo(Status.FAIL);
    }

    // ---- re-snapshot triggers ----

    @Test
    void aReSnapshotPassesWithinFiveNanosecondsOrThreePercent() {
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-100).resnapshot(true).observedNs(-105)).status()).isEqualTo(Status.PASS);
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-100).resnapshot(true).observedNs(-106)).status()).isEqualTo(Status.FAIL);
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-1000).resnapshot(true).observedNs(-1030)).status()).isEqualTo(Status.PASS);
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-1000).resnapshot(true).observedNs(-1031)).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aReSnapshotTriggerWhoseReferenceDidNotMoveFails() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-300).observedNs(0));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("no re-snapshot");
    }

    @Test
    void aMovedReferenceWithAJumpUnderTwoNanosecondsPassesWhenThatIsThePrediction() {
        assertThat(judge(Expectation.RESNAPSHOT, predicting(-1).resnapshot(true).observedNs(-1)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void zeroDriftIsSaidAtOnce() {
        Verdict moved = judge(Expectation.RESNAPSHOT, measured().drift(arithmetic(0)).resnapshot(true).observedNs(0));
        assertThat(moved.status()).isEqualTo(Status.PASS);
        assertThat(moved.reason()).contains("scales agree").contains("0 ns");
        assertThat(judge(Expectation.RESNAPSHOT, measured().drift(arithmetic(0)).observedNs(0)).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aControlSizedPredictionCarriesTheControlsRoundingInItsTolerance() {
        // The control jumped -5,288 ns after 1 s (D = +5,288 ± 2 ns/s); the trigger came 2 s after its snapshot.
        SyntheticMeasurement m = measured().drift(control(-5_288, 1_000_000_000L)).sinceSnapshotNs(2_000_000_000L).resnapshot(true);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(-10_580));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.predictedJumpNs()).isEqualTo(-10_576);
        assertThat(v.toleranceNs()).isEqualTo(Math.round(10_576 * 0.03) + 4);
        assertThat(v.reason()).contains("control");
    }

    @Test
    void aControlThatDidNotReSnapshotLeavesTheSizeUnjudged() {
        ControlResnapshot still = new ControlResnapshot("a control (synthetic)", 0, 1_000_000_000L, false, null);
        SyntheticMeasurement m = measured().drift(kvmclockprobe.clock.DriftEstimate.decide(null, "none", still, null)).resnapshot(true);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(-300));
        assertThat(v.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(v.reason()).contains("cannot be judged").contains("did not move the reference point");
    }

    @Test
    void aMismatchWhileTheMasterClockStayedOffIsInconclusive() {
        Verdict v = judge(Expectation.RESNAPSHOT, predicting(-300).resnapshot(true).observedNs(-900).masterClock(true, true, false));
        assertThat(v.status()).isEqualTo(Status.INCONCLUSIVE);
    }

    // ---- the arithmetic's applicability decides the source ----

    /** The lab's pvclock for a 2,096,012 kHz TSC. */
    static PvclockParams pvclockFor(long tscKhz) {
        KernelClockArithmetic.PvclockScale s = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, tscKhz * 1000);
        return new PvclockParams(2, 0, 0, (int) s.mul(), (byte) s.shift(), (byte) 1);
    }

    @Test
    void onANonTscClocksourceTheArithmeticDoesNotApplyAndTheControlSizesTheJump() {
        AnalyticDrift a = AnalyticDrift.of(2_096_012, "hyperv_clocksource_tsc_page", null, "clock_mode 3: hvclock", pvclockFor(2_096_012));
        assertThat(a.applies()).isFalse();
        assertThat(a.notApplicable()).contains("hyperv_clocksource_tsc_page");
        SyntheticMeasurement m = measured().drift(SyntheticMeasurement.decided(a,
                new ControlResnapshot("control", -300, 2_000_000_000L, true, null))).sinceSnapshotNs(2_000_000_000L).resnapshot(true);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(-301));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.predictedJumpNs()).isEqualTo(-300);
    }

    @Test
    void aVdsoMultThatDiffersFromKvmsRateMakesTheArithmeticInapplicable() {
        // Built-in KVM took tsc_khz 2,096,026 before the clocksource was refined to 2,096,015 kHz.
        KernelClockArithmetic.ClocksourceScale refined = KernelClockArithmetic.tscClocksource(2_096_015);
        AnalyticDrift a = AnalyticDrift.of(2_096_026, "tsc", refined, null, pvclockFor(2_096_026));
        assertThat(a.applies()).isFalse();
        assertThat(a.notApplicable()).contains("not the raw clock's").contains("2096026");
        // The arithmetic with the vDSO's mult is ppm, not ns/s: about -5.25 µs/s.
        assertThat(a.bMinusANsPerSec()).isBetween(-5_400.0, -5_100.0);
        // It never sizes a jump: the control does, and the trigger's 33,902 ns jump after 6.4 s matches it.
        SyntheticMeasurement m = measured().drift(SyntheticMeasurement.decided(a,
                new ControlResnapshot("control", 33_888, 6_400_000_000L, true, null))).sinceSnapshotNs(6_400_000_000L).resnapshot(true);
        Verdict v = judge(Expectation.RESNAPSHOT, m.observedNs(33_902));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.reason()).contains("control");
        AnalyticDrift same = AnalyticDrift.of(2_096_015, "tsc", refined, null, pvclockFor(2_096_015));
        assertThat(same.applies()).isTrue();
    }

    // ---- KVM_SET_CLOCK ----

    static final long CLOCK = 5_000_000_000L;

    @Test
    void setClockLosesExactlyTheGetToSetInterval() {
        // The guest's old clock at the new reference point is 70 us past what GET read.
        TriggerEffect e = new TriggerEffect(0, 90_000, new TriggerEffect.SetClock(CLOCK, false, 0, 0, 0, 10_000), null, List.of());
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
                null, List.of());
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
    void aGetClockWithoutRealtimeInMasterClockModeFails() {
        TriggerEffect e = new TriggerEffect(0, 1000, new TriggerEffect.SetClock(CLOCK, true, 0, 0, 0, 0, true), null, List.of());
        Verdict v = judge(Expectation.SET_CLOCK_REALTIME, predicting(-300).effect(e).observedNs(0));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("no KVM_CLOCK_REALTIME").contains("master-clock mode");
        Verdict off = judge(Expectation.SET_CLOCK_REALTIME, predicting(-300).effect(e).observedNs(0).masterClock(false, false, false));
        assertThat(off.status()).isEqualTo(Status.INCONCLUSIVE);
    }

    @Test
    void aSetCallAsLongAsHalfTheGapIsInconclusive() {
        long r = 1_796_000_000_000_000_000L;
        long gap = 20_000_000;
        TriggerEffect e = new TriggerEffect(0, 2 * gap, new TriggerEffect.SetClock(CLOCK, true, r, r + gap, r + gap + gap / 2, gap / 2),
                null, List.of());
        Verdict v = judge(Expectation.SET_CLOCK_REALTIME, predicting(-300).effect(e).oldAtNewReferenceNs(CLOCK + gap).observedNs(-gap));
        assertThat(v.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(v.reason()).contains("too much of the");
    }
}

package kvmclockprobe.restore;

import static kvmclockprobe.restore.RestoreFixtures.frozen;
import static kvmclockprobe.restore.RestoreFixtures.realTime;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.check.Status;
import kvmclockprobe.restore.RestoreFixtures.Claims;

class RestoreJudgeTest {
    static final Claims FROZEN = new Claims("frozen", Intent.FROZEN, false, null);
    static final Claims REAL = new Claims("real", Intent.REAL_TIME, false, null);

    @Test
    void aFrozenRestoreIsHeldToItsOwnLatenciesPlusTheTolerance() {
        // bound = stop latency 3 us + resume latency 2 us + tolerance 20 us
        assertThat(RestoreJudge.boundNs(frozen(0, List.of(), false))).isEqualTo(25_000L);
        assertThat(RestoreFixtures.status(FROZEN, frozen(25_000, List.of(), false))).isEqualTo(Status.PASS);
        assertThat(RestoreFixtures.status(FROZEN, frozen(-25_000, List.of(), false))).isEqualTo(Status.PASS);
        RestoreVerdict v = RestoreJudge.judge(FROZEN, frozen(25_001, List.of(), false));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("+25001 ns off its intent (frozen across the pause)").contains("bound of 25000 ns");
    }

    @Test
    void aFrozenIntentThatAdvancedByTheDowntimeFails() {
        RestoreVerdict v = RestoreJudge.judge(FROZEN, frozen(200_000_000L, List.of(), false));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.boundNs()).isEqualTo(25_000L);
    }

    @Test
    void aRealTimeRestoreIsHeldToTheSlewPlusTheTolerance() {
        long gap = 200_300_000L;
        assertThat(RestoreJudge.boundNs(realTime(gap, -7_000))).isEqualTo(27_000L);
        assertThat(RestoreFixtures.status(REAL, realTime(gap + 27_000, -7_000))).isEqualTo(Status.PASS);
        assertThat(RestoreFixtures.status(REAL, realTime(gap + 27_001, -7_000))).isEqualTo(Status.FAIL);
        // The guest clock frozen where real time was meant: off by the whole gap.
        assertThat(RestoreJudge.judge(REAL, realTime(0, 0)).reason()).contains("-200300000 ns off its intent (advancing with real time)");
    }

    @Test
    void aSecondJumpBeyondTheToleranceFailsEvenWhenTheResumeWasRight() {
        assertThat(RestoreFixtures.status(FROZEN, frozen(1_000, List.of(19_999L, -20_000L), false))).isEqualTo(Status.PASS);
        RestoreVerdict v = RestoreJudge.judge(FROZEN, frozen(1_000, List.of(3_000_000_000L), false));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("second jump of +3000000000 ns");
    }

    @Test
    void guestStoppedIsJudgedOnlyWhereTheRecipeMakesAClaim() {
        Claims sets = new Claims("sets", Intent.FROZEN, false, true);
        Claims doesNot = new Claims("does-not", Intent.FROZEN, false, false);
        assertThat(RestoreFixtures.status(sets, frozen(0, List.of(), true))).isEqualTo(Status.PASS);
        assertThat(RestoreJudge.judge(sets, frozen(0, List.of(), false)).reason()).contains("never saw PVCLOCK_GUEST_STOPPED");
        assertThat(RestoreFixtures.status(doesNot, frozen(0, List.of(), false))).isEqualTo(Status.PASS);
        assertThat(RestoreFixtures.status(doesNot, frozen(0, List.of(), true))).isEqualTo(Status.FAIL);
        assertThat(RestoreFixtures.status(FROZEN, frozen(0, List.of(), true))).isEqualTo(Status.PASS);
    }

    @Test
    void noPvclockUpdateAfterTheResumeIsAnErrorNotAVerdict() {
        RestoreMeasurement m = frozen(0, List.of(), false);
        RestoreMeasurement none = new RestoreMeasurement(m.recipe(), m.intent(), 1, 200, m.lastBeforeNs(), null, null, m.hostGapNs(), 0,
                null, m.predictedStepNs(), m.stopLatencyNs(), m.resumeLatencyNs(), 0, 0, m.toleranceNs(), m.stopSlackNs(), List.of(),
                List.of(), null, null, false, true, true, 10, 10, List.of(), List.of());
        RestoreVerdict v = RestoreJudge.judge(FROZEN, none);
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.boundNs()).isNull();
    }

    @Test
    void exitCodesCountAKnownBadFailureAsExpectedAndItsPassAsAFailure() {
        Claims bad = new Claims("bad", Intent.FROZEN, true, null);
        RestoreResult good = RestoreFixtures.measured(FROZEN, frozen(0, List.of(), false));
        RestoreResult xfail = RestoreFixtures.measured(bad, frozen(0, List.of(5_000_000_000L), false));
        RestoreResult xpass = RestoreFixtures.measured(bad, frozen(0, List.of(), false));
        assertThat(xfail.expectedFailure()).isTrue();
        assertThat(xpass.unexpectedPass()).isTrue();
        assertThat(RestoreFixtures.report(List.of(good, xfail)).exitCode()).isZero();
        assertThat(RestoreFixtures.report(List.of(good, xpass)).exitCode()).isEqualTo(1);
        assertThat(RestoreFixtures.report(List.of(RestoreFixtures.skipped(FROZEN))).exitCode()).isEqualTo(4);
        assertThat(RestoreFixtures.report(List.of(good, new RestoreResult.Errored(REAL, "vCPU 0 hung", List.of()))).exitCode()).isEqualTo(3);
        assertThat(RestoreFixtures.report(List.of(good, RestoreFixtures.measured(FROZEN, frozen(9_000_000, List.of(), false)))).exitCode())
                .isEqualTo(1);
    }
}

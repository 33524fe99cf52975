package kvmclockprobe.restore;

import static kvmclockprobe.restore.RestoreFixtures.frozen;
import static kvmclockprobe.restore.RestoreFixtures.measurement;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.verdict.Status;
import kvmclockprobe.restore.RestoreFixtures.Claims;

class RestoreJudgeTest {
    static final Claims FROZEN = new Claims("frozen", Intent.FROZEN, false, null);
    static final Claims REAL = new Claims("real", Intent.REAL_TIME, false, null);

    @Test
    void theGuestClockMustResumeWhereTheSequencePutsItWithinTheMeasurementsUncertainty() {
        // A VMM that lets the clock run 5 ms while the guest does not: error 5 ms, as predicted.
        RestoreVerdict v = RestoreJudge.judge(FROZEN, measurement(Intent.FROZEN, 5_000_000, 5_001_500, List.of(), false));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.boundNs()).isEqualTo(2_000L);
        assertThat(v.reason()).contains("+5000000 ns off its intent (frozen across the pause)").contains("predicts (+5001500 ns, within 2000 ns)");
        assertThat(RestoreFixtures.status(FROZEN, measurement(Intent.FROZEN, 5_000_000, 4_998_000, List.of(), false))).isEqualTo(Status.PASS);
        RestoreVerdict off = RestoreJudge.judge(FROZEN, measurement(Intent.FROZEN, 5_000_000, 4_997_999, List.of(), false));
        assertThat(off.status()).isEqualTo(Status.FAIL);
        assertThat(off.reason()).contains("resumed +2001 ns from where the sequence puts it");
    }

    @Test
    void aKernelThatAdvancesTheClockByTheDowntimeWhereNothingAskedForItFails() {
        assertThat(RestoreFixtures.status(FROZEN, measurement(Intent.FROZEN, 200_300_000, 1_000, List.of(), false))).isEqualTo(Status.FAIL);
        assertThat(RestoreFixtures.status(REAL, measurement(Intent.REAL_TIME, -200_300_000, 0, List.of(), false))).isEqualTo(Status.FAIL);
        assertThat(RestoreFixtures.status(REAL, measurement(Intent.REAL_TIME, 1_000, 0, List.of(), false))).isEqualTo(Status.PASS);
    }

    @Test
    void aSecondJumpBeyondTheBoundFailsEvenWhenPredicted() {
        assertThat(RestoreFixtures.status(FROZEN, frozen(1_000, List.of(2_000L, -2_000L), false))).isEqualTo(Status.PASS);
        RestoreVerdict v = RestoreJudge.judge(FROZEN, frozen(1_000, List.of(3_000_000_000L), false));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("second jump of +3000000000 ns");
    }

    @Test
    void aPvclockOffKvmsOwnClockFailsEvenWhereTheErrorWasPredicted() {
        RestoreMeasurement m = frozen(1_000, List.of(), false);
        assertThat(m.pvclockVsKvmClockNs()).isEqualTo(5L);
        RestoreMeasurement off = new RestoreMeasurement(m.recipe(), m.intent(), 1, 200, m.lastBeforeNs(), m.firstAfterNs(), m.guestStepNs(),
                m.hostGapNs(), m.exitSlackNs(), m.entrySlackNs(), m.intendedStepNs(), m.errorAtResumeNs(), m.predictedErrorNs(),
                m.uncertaintyNs(), m.timing(), -1_263L, null, null, null, m.stopLatencyNs(), m.resumeLatencyNs(), 0, List.of(), List.of(), 100L, 40L,
                false, true, true, 10, 20, List.of(), List.of(), m.masterClock(), m.crossVcpu());
        RestoreVerdict v = RestoreJudge.judge(FROZEN, off);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("-1263 ns off KVM's own clock");
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
        RestoreMeasurement none = new RestoreMeasurement(m.recipe(), m.intent(), 1, 200, m.lastBeforeNs(), null, null, m.hostGapNs(),
                null, null, null, null, null, 1_000, "coarse", null, null, null, null, 0, null, 0, List.of(), List.of(), null, null, false, true, true, 10, 10,
                List.of(), List.of(), MasterClockAfter.of(List.of()), null);
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
        assertThat(xfail.status()).isEqualTo(Status.XFAIL);
        assertThat(xfail.reason()).startsWith("known-bad sequence, shown for contrast: ");
        assertThat(xpass.status()).isEqualTo(Status.FAIL);
        assertThat(xpass.reason()).startsWith("the known-bad sequence did not show its problem: ");
        assertThat(RestoreFixtures.report(List.of(good, xfail)).exitCode()).isZero();
        assertThat(RestoreFixtures.report(List.of(good, xpass)).exitCode()).isEqualTo(1);
        assertThat(RestoreFixtures.report(List.of(RestoreFixtures.skipped(FROZEN))).exitCode()).isEqualTo(4);
        assertThat(RestoreFixtures.report(List.of(good, new RestoreResult.Errored(REAL, "vCPU 0 hung", List.of()))).exitCode()).isEqualTo(3);
        assertThat(RestoreFixtures.report(List.of(good, RestoreFixtures.measured(FROZEN,
                measurement(Intent.FROZEN, 9_000_000, 0, List.of(), false)))).exitCode()).isEqualTo(1);
    }

    @Test
    void aVmmThatMeansAMasterClockFailsWhenItStaysOffAfterTheResume() {
        RestoreMeasurement off = RestoreFixtures.withVcpus(frozen(1_000, List.of(), false),
                new MasterClockAfter(MasterClockAfter.State.OFF, null, 4), RestoreFixtures.twoVcpus(2_345, 0, 0));
        RestoreVerdict v = RestoreJudge.judge(FROZEN, off);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("the master clock stayed off after the resume").contains("spread 2345 cycles")
                .contains("4 pvclock updates");
        record Careless(Recipe claims) implements Recipe {
            public String name() {
                return claims.name();
            }

            public String vmm() {
                return claims.vmm();
            }

            public Intent intent() {
                return claims.intent();
            }

            public String source() {
                return claims.source();
            }

            public boolean intendsMasterClock() {
                return false;
            }

            public kvmclockprobe.sampler.SamplerSession run(RestoreContext ctx) {
                throw new UnsupportedOperationException();
            }
        }
        assertThat(RestoreJudge.judge(new Careless(FROZEN), off).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aMasterClockBackOnPassesAndSaysAfterHowLong() {
        RestoreMeasurement back = RestoreFixtures.withVcpus(frozen(1_000, List.of(), false),
                new MasterClockAfter(MasterClockAfter.State.BACK_ON, 12_500_000L, 4), RestoreFixtures.twoVcpus(0, 0, 0));
        RestoreVerdict v = RestoreJudge.judge(FROZEN, back);
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.reason()).endsWith("master clock back on after 12.500 ms after the resume");
    }

    @Test
    void noMasterClockBeforeThePauseIsNoMasterClockToKeep() {
        RestoreMeasurement m = frozen(1_000, List.of(), false);
        RestoreMeasurement noneBefore = new RestoreMeasurement(m.recipe(), m.intent(), 2, m.pauseMs(), m.lastBeforeNs(), m.firstAfterNs(),
                m.guestStepNs(), m.hostGapNs(), m.exitSlackNs(), m.entrySlackNs(), m.intendedStepNs(), m.errorAtResumeNs(),
                m.predictedErrorNs(), m.uncertaintyNs(), m.timing(), m.pvclockVsKvmClockNs(), m.driftNsPerSec(), m.captureVsGuestClockNs(),
                m.predictedCaptureVsGuestClockNs(), m.stopLatencyNs(), m.resumeLatencyNs(), m.realtimeSlewNs(), m.laterJumpsNs(),
                m.predictedLaterJumpsNs(), m.tscStepCycles(), m.tscStepNs(), m.guestStopped(), false, false, m.samplesBefore(),
                m.samplesAfter(), m.steps(), m.diagnostics(), new MasterClockAfter(MasterClockAfter.State.OFF, null, 2),
                RestoreFixtures.twoVcpus(0, 0, 0));
        assertThat(RestoreJudge.judge(FROZEN, noneBefore).status()).isEqualTo(Status.PASS);
    }

    @Test
    void noPredictionIsAnErrorNotAVerdict() {
        RestoreMeasurement m = measurement(Intent.FROZEN, 1_000, 0, List.of(), false);
        RestoreMeasurement unpredicted = new RestoreMeasurement(m.recipe(), m.intent(), 1, m.pauseMs(), m.lastBeforeNs(), m.firstAfterNs(),
                m.guestStepNs(), m.hostGapNs(), m.exitSlackNs(), m.entrySlackNs(), m.intendedStepNs(), m.errorAtResumeNs(), null,
                m.uncertaintyNs(), m.timing(), m.pvclockVsKvmClockNs(), m.driftNsPerSec(), m.captureVsGuestClockNs(),
                m.predictedCaptureVsGuestClockNs(), m.stopLatencyNs(), m.resumeLatencyNs(), m.realtimeSlewNs(), m.laterJumpsNs(),
                m.predictedLaterJumpsNs(), m.tscStepCycles(), m.tscStepNs(), m.guestStopped(), true, true, m.samplesBefore(),
                m.samplesAfter(), m.steps(), m.diagnostics(), m.masterClock(), m.crossVcpu());
        RestoreVerdict v = RestoreJudge.judge(FROZEN, unpredicted);
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.reason()).contains("cannot be predicted");
    }

    @Test
    void aHostOffItsTscOrLeavingItDuringTheRecipeIsInconclusive() {
        RestoreMeasurement m = frozen(1_000, List.of(), false);
        assertThat(RestoreJudge.judge(FROZEN, m, "tsc", "tsc").status()).isEqualTo(Status.PASS);
        assertThat(RestoreJudge.judge(FROZEN, m, "hyperv_clocksource_tsc_page", "hyperv_clocksource_tsc_page").status()).isEqualTo(Status.PASS);
        RestoreVerdict changed = RestoreJudge.judge(FROZEN, m, "tsc", "hpet");
        assertThat(changed.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(changed.reason()).contains("changed from tsc to hpet");
        RestoreVerdict hpet = RestoreJudge.judge(FROZEN, m, "hpet", "hpet");
        assertThat(hpet.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(hpet.reason()).contains("the host clocksource is hpet");
        assertThat(RestoreJudge.judge(FROZEN, m, "unknown (no sysfs)", "unknown (no sysfs)").status()).as("unreadable: judged as it is")
                .isEqualTo(Status.PASS);
    }
}

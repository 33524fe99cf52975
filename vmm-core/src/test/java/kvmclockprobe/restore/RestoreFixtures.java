package kvmclockprobe.restore;

import java.time.Duration;
import java.util.List;

import kvmclockprobe.verdict.Status;
import kvmclockprobe.sampler.SamplerSession;

/** Measurements and recipes made up for tests that need no KVM. */
public final class RestoreFixtures {
    private RestoreFixtures() {}

    /** A recipe that only carries its claims; running it is not possible. */
    public record Claims(String name, Intent intent, boolean knownBad, Boolean expectsGuestStopped) implements Recipe {
        public String vmm() {
            return "test VMM";
        }

        public String source() {
            return "test/source.c do_restore()";
        }

        public SamplerSession run(RestoreContext ctx) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * A measurement with the guest clock resuming {@code errorNs} off its intent where the
     * sequence predicts {@code predictedErrorNs}, measured to 2 us ("guest TSC" timing).
     */
    public static RestoreMeasurement measurement(Intent intent, long errorNs, long predictedErrorNs, List<Long> laterJumps, boolean guestStopped) {
        long gap = 200_300_000L;
        long exitSlack = 300, entrySlack = 500;
        long intended = exitSlack + entrySlack + (intent == Intent.REAL_TIME ? gap : 0);
        long step = intended + errorNs;
        return new RestoreMeasurement("test", intent, 1, 200, 5_000_000_000L, 5_000_000_000L + step, step, gap, exitSlack, entrySlack,
                intended, errorNs, predictedErrorNs, 2_000L, "guest TSC", 5L, -30.3, 0L, 0L, 3_000L, 2_000L, 0, laterJumps, List.of(),
                100L, 40L, guestStopped, true, true, 1000, 2000, List.of("pause", "resume"), List.of(),
                new MasterClockAfter(MasterClockAfter.State.ON, null, 3), twoVcpus(0, 0, 0));
    }

    /** Two vCPUs 1 GHz apart by {@code spreadCycles} in their TSC offsets, {@code violations} kvmclock readings back by {@code worstNs}. */
    public static CrossVcpu twoVcpus(long spreadCycles, long violations, long worstNs) {
        return new CrossVcpu(List.of(-5_000_000L, -5_000_000L + spreadCycles), spreadCycles, spreadCycles, List.of(violations, 0L), worstNs, 0);
    }

    /** {@code m} with its master clock after the resume and its vCPUs replaced. */
    public static RestoreMeasurement withVcpus(RestoreMeasurement m, MasterClockAfter mc, CrossVcpu c) {
        return new RestoreMeasurement(m.recipe(), m.intent(), 2, m.pauseMs(), m.lastBeforeNs(), m.firstAfterNs(), m.guestStepNs(),
                m.hostGapNs(), m.exitSlackNs(), m.entrySlackNs(), m.intendedStepNs(), m.errorAtResumeNs(), m.predictedErrorNs(),
                m.uncertaintyNs(), m.timing(), m.pvclockVsKvmClockNs(), m.driftNsPerSec(), m.captureVsGuestClockNs(),
                m.predictedCaptureVsGuestClockNs(), m.stopLatencyNs(), m.resumeLatencyNs(), m.realtimeSlewNs(), m.laterJumpsNs(),
                m.predictedLaterJumpsNs(), m.tscStepCycles(), m.tscStepNs(), m.guestStopped(), m.masterClockAtSave(),
                mc.endedOn(), m.samplesBefore(), m.samplesAfter(), m.steps(), m.diagnostics(), mc, c);
    }

    public static RestoreMeasurement frozen(long errorNs, List<Long> laterJumps, boolean guestStopped) {
        return measurement(Intent.FROZEN, errorNs, errorNs, laterJumps, guestStopped);
    }

    public static RestoreReport report(List<RestoreResult> results) {
        return new RestoreReport(null, new RestoreRun.Settings(Duration.ofMillis(200), Duration.ofMillis(500), 1), results, results.size());
    }

    public static RestoreResult measured(Recipe r, RestoreMeasurement m) {
        return new RestoreResult.Measured(r, m, RestoreJudge.knownBad(r, RestoreJudge.judge(r, m)));
    }

    public static RestoreResult skipped(Recipe r) {
        return new RestoreResult.Skipped(r, "KVM_GET_CLOCK_GUEST is not in this kernel (ENOTTY)");
    }

    static Status status(Recipe r, RestoreMeasurement m) {
        return RestoreJudge.judge(r, m).status();
    }
}

package kvmclockprobe.restore;

import java.time.Duration;
import java.util.List;

import kvmclockprobe.check.Status;
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
     * A frozen-intent measurement: the guest stepped {@code stepNs} across the pause, the
     * capture came 3 us after its last reading, the entry 2 us after the set, tolerance 20 us.
     */
    public static RestoreMeasurement frozen(long stepNs, List<Long> laterJumps, boolean guestStopped) {
        return new RestoreMeasurement("test", Intent.FROZEN, 1, 200, 5_000_000_000L, 5_000_000_000L + stepNs, stepNs,
                200_300_000L, 0, stepNs, 5_000L, 3_000L, 2_000L, 0, 0, 20_000L, 4_000L, laterJumps, List.of(),
                100L, 40L, guestStopped, true, true, 1000, 2000, List.of("pause", "resume"), List.of());
    }

    /** A real-time-intent measurement with a host gap of 200.3 ms and a realtime slew of {@code slewNs}. */
    public static RestoreMeasurement realTime(long stepNs, long slewNs) {
        long gap = 200_300_000L;
        return new RestoreMeasurement("test", Intent.REAL_TIME, 1, 200, 5_000_000_000L, 5_000_000_000L + stepNs, stepNs,
                gap, gap, stepNs - gap, gap + 1_000L, 3_000L, 2_000L, slewNs, 0, 20_000L, 4_000L, List.of(), List.of(),
                100L, 40L, false, true, true, 1000, 2000, List.of("pause", "resume"), List.of());
    }

    public static RestoreReport report(List<RestoreResult> results) {
        return new RestoreReport(null, new RestoreRun.Settings(Duration.ofMillis(200), Duration.ofMillis(500), 1), results, results.size());
    }

    public static RestoreResult measured(Recipe r, RestoreMeasurement m) {
        return new RestoreResult.Measured(r, m, RestoreJudge.judge(r, m));
    }

    public static RestoreResult skipped(Recipe r) {
        return new RestoreResult.Skipped(r, "KVM_GET_CLOCK_GUEST is not in this kernel (ENOTTY)");
    }

    static Status status(Recipe r, RestoreMeasurement m) {
        return RestoreJudge.judge(r, m).status();
    }
}

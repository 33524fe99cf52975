package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.verdict.Status;

/** What became of one recipe: skipped (the kernel lacks what it needs), errored, or measured and judged. */
public sealed interface RestoreResult {
    Recipe recipe();

    Status status();

    String reason();

    /** A known-bad recipe that failed, as it should: TAP {@code # TODO}, not counted as a failure. */
    default boolean expectedFailure() {
        return recipe().knownBad() && status() == Status.FAIL;
    }

    /** A known-bad recipe that passed: the probe did not show the documented problem, counted as a failure. */
    default boolean unexpectedPass() {
        return recipe().knownBad() && status() == Status.PASS;
    }

    record Skipped(Recipe recipe, String reason) implements RestoreResult {
        public Status status() {
            return Status.SKIP;
        }
    }

    record Errored(Recipe recipe, String reason, List<String> diagnostics) implements RestoreResult {
        public Errored {
            diagnostics = List.copyOf(diagnostics);
        }

        public Status status() {
            return Status.ERROR;
        }
    }

    record Measured(Recipe recipe, RestoreMeasurement measurement, RestoreVerdict verdict) implements RestoreResult {
        public Status status() {
            return verdict.status();
        }

        public String reason() {
            return verdict.reason();
        }
    }
}

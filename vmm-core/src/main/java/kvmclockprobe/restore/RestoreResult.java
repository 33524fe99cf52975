package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.verdict.Result;
import kvmclockprobe.verdict.Status;

/** What became of one recipe: skipped (the kernel lacks what it needs), errored, or measured and judged. */
public sealed interface RestoreResult extends Result {
    default String name() {
        return recipe().name();
    }

    Recipe recipe();

    Status status();

    String reason();

    /** A known-bad recipe that failed, as it must ({@link RestoreJudge#knownBad}). */
    default boolean expectedFailure() {
        return status() == Status.XFAIL;
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

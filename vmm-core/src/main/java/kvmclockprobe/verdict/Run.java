package kvmclockprobe.verdict;

import java.util.List;

/**
 * A whole run's results, {@code check}'s or {@code restore}'s: what the shared writers (TAP,
 * JUnit, JSON, the table) and the exit code need of it.
 *
 * @param <R> the command's result
 */
public interface Run<R extends Result> {
    /** One per test, in the order run. */
    List<R> results();

    /** How many tests were selected (more than {@link #results()} when the run was cut short). */
    int planned();

    /** A signal stopped the run: what is here is what was measured so far. */
    default boolean interrupted() {
        return results().size() < planned();
    }

    default long count(Status status) {
        return results().stream().filter(r -> r.status() == status).count();
    }

    /** {@link ExitRule}'s code for these results. */
    int exitCode();
}

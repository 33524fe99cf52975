package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.check.Status;
import kvmclockprobe.host.HostFacts;

/**
 * Every recipe's result on one host, with the settings they ran with.
 *
 * @param planned how many recipes were selected (more than {@code results} when interrupted)
 */
public record RestoreReport(HostFacts host, RestoreRun.Settings settings, List<RestoreResult> results, int planned) {
    public RestoreReport {
        results = List.copyOf(results);
    }

    public long count(Status s) {
        return results.stream().filter(r -> r.status() == s && !r.expectedFailure()).count();
    }

    /** Known-bad recipes that failed as they should. */
    public long expectedFailures() {
        return results.stream().filter(RestoreResult::expectedFailure).count();
    }

    /**
     * 3 when a recipe errored (no verdict), 1 when one failed or a known-bad recipe passed (the
     * probe did not show what it must), 4 when nothing passed (all skipped), else 0: as
     * {@code check}.
     */
    public int exitCode() {
        if (results.stream().anyMatch(r -> r.status() == Status.ERROR)) return 3;
        if (count(Status.FAIL) > 0 || results.stream().anyMatch(RestoreResult::unexpectedPass)) return 1;
        if (results.size() < planned) return 3;
        if (count(Status.PASS) + expectedFailures() == 0) return 4;
        return 0;
    }
}

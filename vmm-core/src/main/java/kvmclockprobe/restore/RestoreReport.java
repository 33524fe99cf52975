package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.verdict.ExitRule;
import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.host.HostFacts;

/**
 * Every recipe's result on one host, with the settings they ran with.
 *
 * @param planned how many recipes were selected (more than {@code results} when interrupted)
 */
public record RestoreReport(HostFacts host, RestoreRun.Settings settings, List<RestoreResult> results, int planned)
        implements Run<RestoreResult> {
    public RestoreReport {
        results = List.copyOf(results);
    }

    /** Known-bad recipes that failed as they should. */
    public long expectedFailures() {
        return count(Status.XFAIL);
    }

    /**
     * {@link ExitRule}, as {@code check}: 1 when a recipe failed or a known-bad recipe passed (the
     * probe did not show what it must), even beside an error; 3 when one errored or the run was
     * cut short; 4 when nothing passed (all skipped); else 0.
     */
    public int exitCode() {
        boolean failed = count(Status.FAIL) > 0;
        boolean errored = count(Status.ERROR) > 0 || results.size() < planned;
        return ExitRule.code(failed, errored, count(Status.PASS) + expectedFailures() > 0);
    }
}

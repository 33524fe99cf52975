package kvmclockprobe.check;

import kvmclockprobe.verdict.ExitRule;
import kvmclockprobe.verdict.KernelHistory;
import kvmclockprobe.verdict.UpstreamChange;
import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;

import java.util.List;

import kvmclockprobe.host.HostFacts;

/**
 * A whole {@code check} run.
 *
 * @param host     the host facts, measured at the start
 * @param settleS  the fixed settle time before each trigger, seconds; null when adaptive
 * @param maxSettleS the longest adaptive settle, seconds
 * @param strict   whether every observed jump was failed
 * @param results  one per trigger, in the order run
 * @param wallS    the wall time each took, seconds, in the same order (empty when not timed)
 * @param planned  how many triggers were selected (more than {@code results} when interrupted)
 * @param interrupted the run was stopped by SIGINT or SIGTERM: what is here is what was measured so far
 */
public record CheckReport(HostFacts host, Double settleS, double maxSettleS, boolean strict, List<TriggerResult> results,
                          List<Double> wallS, int planned, boolean interrupted) implements Run<TriggerResult> {

    public CheckReport(HostFacts host, Double settleS, double maxSettleS, boolean strict, List<TriggerResult> results) {
        this(host, settleS, maxSettleS, strict, results, List.of());
    }

    public CheckReport(HostFacts host, Double settleS, double maxSettleS, boolean strict, List<TriggerResult> results,
                       List<Double> wallS) {
        this(host, settleS, maxSettleS, strict, results, wallS, results.size(), false);
    }

    /** This report as the results so far of a run of {@code planned} triggers stopped by a signal. */
    public CheckReport interruptedAfter(int planned) {
        return new CheckReport(host, settleS, maxSettleS, strict, results, wallS, planned, true);
    }

    /** The wall time of result {@code i}, seconds; 0 when not timed. */
    public double wallS(int i) {
        return i < wallS.size() ? wallS.get(i) : 0;
    }

    /** What the checked kernel's history expects of {@code t}, from its trigger's upstream change. */
    public KernelHistory history(TriggerResult t) {
        return KernelHistory.of(t.status(), changedIn(t), host == null ? null : host.kernelRelease());
    }

    /** The upstream change that set {@code t}'s behaviour, or null. */
    public static UpstreamChange changedIn(TriggerResult t) {
        return Triggers.byName(t.trigger()).flatMap(Trigger::changedIn).orElse(null);
    }

    /** {@link ExitRule}: 1 when any failed (even beside an error), 3 when any errored, 4 when nothing passed, else 0. */
    public int exitCode() {
        return ExitRule.code(count(Status.FAIL) > 0, count(Status.ERROR) > 0, count(Status.PASS) > 0);
    }
}

package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.TriggerResult;

/**
 * The {@code check} human table ({@link Table}): one row per trigger (trigger, status, observed,
 * predicted, reason), each measured trigger's settle, and a one-line summary.
 */
public final class CheckTable {
    private CheckTable() {}

    private static final String[] HEADER = {"trigger", "status", "observed", "predicted", "reason"};
    private static final boolean[] RIGHT = {false, false, true, true, false};

    public static void print(PrintWriter out, CheckReport r) {
        List<String[]> rows = new ArrayList<>();
        for (TriggerResult t : r.results()) {
            rows.add(new String[] {Table.oneLine(t.trigger()), t.status().label(), Table.ns(t.observedJumpNs()),
                    Table.ns(t.predictedJumpNs()), Table.oneLine(t.reason())});
        }
        Table.print(out, HEADER, RIGHT, rows);
        for (TriggerResult t : r.results()) {
            t.measured().ifPresent(m -> out.println("settle " + Table.oneLine(t.trigger()) + ": " + m.measurement().settleWhy()));
        }
        out.println(summary(r));
    }

    /** {@code check: 5 passed, 0 failed, 4 skipped[, 1 errored] (settle 10 s, 1 vCPU, host 6.18.44, master clock on)}. */
    static String summary(CheckReport r) {
        StringBuilder s = new StringBuilder("settle ").append(settle(r)).append(", ").append(vcpus(r));
        if (r.host() != null) {
            s.append(", host ").append(r.host().kernelRelease()).append(", master clock ").append(r.host().masterClock() ? "on" : "off");
        }
        if (r.strict()) s.append(", strict");
        return Table.summary("check", r, s.toString());
    }

    /** {@code 10 s} when fixed, {@code adaptive, max 30 s} otherwise. */
    static String settle(CheckReport r) {
        return r.settleS() != null ? Table.number(r.settleS()) + " s" : "adaptive, max " + Table.number(r.maxSettleS()) + " s";
    }

    private static String vcpus(CheckReport r) {
        int min = r.results().stream().mapToInt(TriggerResult::vcpus).min().orElse(0);
        int max = r.results().stream().mapToInt(TriggerResult::vcpus).max().orElse(0);
        String n = min == max ? Integer.toString(max) : min + "–" + max;
        return n + (max == 1 ? " vCPU" : " vCPUs");
    }
}

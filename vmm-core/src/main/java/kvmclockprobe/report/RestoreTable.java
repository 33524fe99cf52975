package kvmclockprobe.report;

import java.io.PrintWriter;

import kvmclockprobe.restore.CrossVcpu;
import kvmclockprobe.restore.RestoreMeasurement;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;
import kvmclockprobe.verdict.Status;

/** The {@code restore} table: a line per recipe, then each verdict's reason. */
public final class RestoreTable {
    private RestoreTable() {}

    private static final String ROW = "%-38s %-10s %-8s %14s %14s %14s %8s %-12s %12s %14s%n";

    public static void print(PrintWriter out, RestoreReport r) {
        out.printf(ROW, "recipe", "intent", "verdict", "error_ns", "bound_ns", "later_jump_ns", "stopped", "master_clock",
                "tsc_spread", "kvmclock_back");
        for (RestoreResult t : r.results()) row(out, t);
        out.println();
        for (RestoreResult t : r.results()) out.println(t.recipe().name() + ": " + CheckTable.oneLine(t.reason()));
        out.printf("Totals: pass:%d fail:%d xfail:%d skip:%d error:%d%n", r.count(Status.PASS), r.count(Status.FAIL),
                r.expectedFailures(), r.count(Status.SKIP), r.count(Status.ERROR));
    }

    private static void row(PrintWriter out, RestoreResult t) {
        RestoreMeasurement m = t instanceof RestoreResult.Measured x ? x.measurement() : null;
        Long bound = t instanceof RestoreResult.Measured x ? x.verdict().boundNs() : null;
        String verdict = t.status().label();
        String later = m == null ? "-" : m.laterJumpsNs().isEmpty() ? "none"
                : m.laterJumpsNs().stream().map(j -> String.format("%+d", j)).reduce((a, b) -> a + "," + b).orElse("");
        CrossVcpu c = m == null ? null : m.crossVcpu();
        out.printf(ROW, t.recipe().name(), t.recipe().intent().label(), verdict,
                m == null || m.errorAtResumeNs() == null ? "-" : String.format("%+d", m.errorAtResumeNs()),
                bound == null ? "-" : bound.toString(), later, m == null ? "-" : m.guestStopped() ? "yes" : "no",
                m == null || m.masterClock() == null ? "-" : m.masterClock().describe(),
                c == null || c.tscOffsetSpreadCycles() == null ? "-" : c.tscOffsetSpreadCycles().toString(),
                c == null ? "-" : c.kvmclockViolationsTotal() == 0 ? "none" : c.kvmclockViolationsTotal() + "x " + c.kvmclockWorstNs());
    }
}

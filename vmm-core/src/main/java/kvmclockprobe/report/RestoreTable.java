package kvmclockprobe.report;

import java.io.PrintWriter;

import kvmclockprobe.restore.RestoreMeasurement;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;

/** The {@code restore} table: a line per recipe, then each verdict's reason. */
public final class RestoreTable {
    private RestoreTable() {}

    public static void print(PrintWriter out, RestoreReport r) {
        out.printf("%-38s %-10s %-8s %14s %14s %14s %8s%n", "recipe", "intent", "verdict", "error_ns", "bound_ns", "later_jump_ns", "stopped");
        for (RestoreResult t : r.results()) {
            RestoreMeasurement m = t instanceof RestoreResult.Measured x ? x.measurement() : null;
            Long bound = t instanceof RestoreResult.Measured x ? x.verdict().boundNs() : null;
            String verdict = t.expectedFailure() ? "xfail" : t.unexpectedPass() ? "xpass" : t.status().label();
            String later = m == null ? "-" : m.laterJumpsNs().isEmpty() ? "none"
                    : m.laterJumpsNs().stream().map(j -> String.format("%+d", j)).reduce((a, b) -> a + "," + b).orElse("");
            out.printf("%-38s %-10s %-8s %14s %14s %14s %8s%n", t.recipe().name(), t.recipe().intent().label(), verdict,
                    m == null || m.errorAtResumeNs() == null ? "-" : String.format("%+d", m.errorAtResumeNs()),
                    bound == null ? "-" : bound.toString(), later, m == null ? "-" : m.guestStopped() ? "yes" : "no");
        }
        out.println();
        for (RestoreResult t : r.results()) out.println(t.recipe().name() + ": " + CheckTable.oneLine(t.reason()));
        out.printf("Totals: pass:%d fail:%d xfail:%d skip:%d error:%d%n", r.count(kvmclockprobe.verdict.Status.PASS),
                r.count(kvmclockprobe.verdict.Status.FAIL), r.expectedFailures(), r.count(kvmclockprobe.verdict.Status.SKIP),
                r.count(kvmclockprobe.verdict.Status.ERROR));
    }
}

package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;

/** The {@code restore} human table ({@link Table}): a row per recipe, its reason last, and a one-line summary. */
public final class RestoreTable {
    private RestoreTable() {}

    private static final String[] HEADER = {"recipe", "intent", "status", "error", "bound", "reason"};
    private static final boolean[] RIGHT = {false, false, false, true, true, false};

    /** The table names each recipe's verdict and its figures; the rest (later jumps, master clock, vCPUs) is in TAP and JSON. */
    public static void print(PrintWriter out, RestoreReport r) {
        List<String[]> rows = new ArrayList<>();
        for (RestoreResult t : r.results()) {
            Long bound = t instanceof RestoreResult.Measured x ? x.verdict().boundNs() : null;
            Long error = t instanceof RestoreResult.Measured x ? x.measurement().errorAtResumeNs() : null;
            rows.add(new String[] {t.name(), t.recipe().intent().label(), t.status().label(), Table.ns(error),
                    bound == null ? Table.NONE : bound + " ns", Table.oneLine(t.reason())});
        }
        Table.print(out, HEADER, RIGHT, rows);
        out.println(Table.summary("restore", r, "pause " + r.settings().pause().toMillis() + " ms, " + r.settings().vcpus()
                + (r.settings().vcpus() == 1 ? " vCPU" : " vCPUs") + (r.host() == null ? "" : ", host " + r.host().kernelRelease())));
    }
}

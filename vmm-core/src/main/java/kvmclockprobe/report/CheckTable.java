package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;

/**
 * The {@code check} human table: one row per trigger (trigger, status, observed, predicted,
 * reason) and a one-line summary. The reason column wraps on word boundaries so that a row fits
 * in {@value #WIDTH} columns without losing any of its numbers.
 */
public final class CheckTable {
    /** The terminal width the table is laid out for. */
    static final int WIDTH = 120;
    /** The reason column never gets narrower than this, even when the other columns are wide. */
    private static final int MIN_REASON = 30;
    private static final String GAP = "  ";
    private static final String NONE = "—";

    private CheckTable() {}

    public static void print(PrintWriter out, CheckReport r) {
        String[] header = {"trigger", "status", "observed", "predicted", "reason"};
        List<String[]> rows = new ArrayList<>();
        for (TriggerResult t : r.results()) {
            rows.add(new String[] {
                    oneLine(t.trigger()), t.status().label(), ns(t.observedJumpNs()), ns(t.predictedJumpNs()),
                    oneLine(t.reason())});
        }
        int[] w = new int[4];
        for (int c = 0; c < 4; c++) {
            w[c] = header[c].length();
            for (String[] row : rows) w[c] = Math.max(w[c], row[c].length());
        }
        int reasonCol = w[0] + w[1] + w[2] + w[3] + 4 * GAP.length();
        int reasonWidth = Math.max(MIN_REASON, WIDTH - reasonCol);

        out.println(line(header, w, header[4]).stripTrailing());
        for (String[] row : rows) {
            List<String> reason = wrap(row[4], reasonWidth);
            out.println(line(row, w, reason.get(0)).stripTrailing());
            String indent = " ".repeat(reasonCol);
            for (int i = 1; i < reason.size(); i++) out.println(indent + reason.get(i));
        }
        for (TriggerResult t : r.results()) {
            t.measured().ifPresent(m -> out.println("settle " + oneLine(t.trigger()) + ": " + m.measurement().settleWhy()));
        }
        out.println(summary(r));
    }

    /** {@code check: 5 passed, 0 failed, 4 skipped[, 1 errored] (settle 10 s, 1 vCPU, host 6.18.44, master clock on)}. */
    static String summary(CheckReport r) {
        StringBuilder s = new StringBuilder("check: ")
                .append(r.count(Status.PASS)).append(" passed, ")
                .append(r.count(Status.FAIL)).append(" failed, ")
                .append(r.count(Status.SKIP)).append(" skipped");
        if (r.count(Status.INCONCLUSIVE) > 0) s.append(", ").append(r.count(Status.INCONCLUSIVE)).append(" inconclusive");
        if (r.count(Status.ERROR) > 0) s.append(", ").append(r.count(Status.ERROR)).append(" errored");
        s.append(" (settle ").append(settle(r)).append(", ").append(vcpus(r));
        if (r.host() != null) {
            s.append(", host ").append(r.host().kernelRelease())
                    .append(", master clock ").append(r.host().masterClock() ? "on" : "off");
        }
        if (r.strict()) s.append(", strict");
        if (r.interrupted()) s.append(", INTERRUPTED after ").append(r.results().size()).append(" of ").append(r.planned());
        return s.append(')').toString();
    }

    /** {@code 10 s} when fixed, {@code adaptive, max 30 s} otherwise. */
    static String settle(CheckReport r) {
        return r.settleS() != null ? number(r.settleS()) + " s" : "adaptive, max " + number(r.maxSettleS()) + " s";
    }

    private static String vcpus(CheckReport r) {
        int min = r.results().stream().mapToInt(TriggerResult::vcpus).min().orElse(0);
        int max = r.results().stream().mapToInt(TriggerResult::vcpus).max().orElse(0);
        String n = min == max ? Integer.toString(max) : min + "–" + max;
        return n + (max == 1 ? " vCPU" : " vCPUs");
    }

    private static String line(String[] row, int[] w, String reason) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < 4; c++) {
            // observed and predicted are numbers: right-aligned so the units line up
            String cell = c == 2 || c == 3 ? padLeft(row[c], w[c]) : padRight(row[c], w[c]);
            b.append(cell).append(GAP);
        }
        return b.append(reason).toString();
    }

    /** Splits {@code text} into lines of at most {@code width} characters, on spaces where it can. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" +")) {
            if (word.isEmpty()) continue;
            while (word.length() > width) { // a word longer than the column: cut it, never drop it
                if (!cur.isEmpty()) {
                    lines.add(cur.toString());
                    cur.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (cur.isEmpty()) {
                cur.append(word);
            } else if (cur.length() + 1 + word.length() <= width) {
                cur.append(' ').append(word);
            } else {
                lines.add(cur.toString());
                cur.setLength(0);
                cur.append(word);
            }
        }
        if (!cur.isEmpty() || lines.isEmpty()) lines.add(cur.toString());
        return lines;
    }

    /** A jump in ns with its sign: {@code -1263 ns}, {@code +40 ns}, {@code 0 ns}; {@code —} when absent. */
    static String ns(Long v) {
        if (v == null) return NONE;
        return (v > 0 ? "+" : "") + v + " ns";
    }

    /** A drift in ns/s with its sign, {@code —} when absent or not finite. */
    static String nsPerSec(Double v) {
        if (v == null || !Double.isFinite(v)) return NONE;
        return String.format(Locale.ROOT, "%+.2f ns/s", v);
    }

    /** {@code 10} for 10.0, {@code 0.5} for 0.5. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    static String oneLine(String s) {
        if (s == null) return "";
        return s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    private static String padRight(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }
}

package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;

/**
 * The human table, one layout for {@code check} and {@code restore}: a row per result, columns
 * as wide as their widest cell, the last column (the reason) wrapped on word boundaries so that
 * a row fits in {@value #WIDTH} columns without losing any of its numbers; then a one-line
 * summary. Also the formatting of the numbers in it.
 */
public final class Table {
    /** The terminal width the table is laid out for. */
    static final int WIDTH = 120;
    /** The last column never gets narrower than this, even when the other columns are wide. */
    private static final int MIN_LAST = 30;
    private static final String GAP = "  ";
    static final String NONE = "—";

    private Table() {}

    /**
     * Prints {@code header} and {@code rows}; column c is right-aligned where {@code right[c]} (a
     * number), the last one wraps.
     */
    static void print(PrintWriter out, String[] header, boolean[] right, List<String[]> rows) {
        int fixed = header.length - 1;
        int[] w = new int[fixed];
        for (int c = 0; c < fixed; c++) {
            w[c] = header[c].length();
            for (String[] row : rows) w[c] = Math.max(w[c], row[c].length());
        }
        int lastCol = 0;
        for (int c = 0; c < fixed; c++) lastCol += w[c] + GAP.length();
        int lastWidth = Math.max(MIN_LAST, WIDTH - lastCol);
        out.println(line(header, w, right, header[fixed]).stripTrailing());
        String indent = " ".repeat(lastCol);
        for (String[] row : rows) {
            List<String> last = wrap(row[fixed], lastWidth);
            out.println(line(row, w, right, last.get(0)).stripTrailing());
            for (int i = 1; i < last.size(); i++) out.println(indent + last.get(i));
        }
    }

    /**
     * {@code command: 5 passed, 1 failed, 3 skipped[, 1 xfail][, 1 inconclusive][, 1 errored] (details)}.
     */
    static String summary(String command, Run<?> r, String details) {
        StringBuilder s = new StringBuilder(command).append(": ")
                .append(r.count(Status.PASS)).append(" passed, ")
                .append(r.count(Status.FAIL)).append(" failed, ")
                .append(r.count(Status.SKIP)).append(" skipped");
        if (r.count(Status.XFAIL) > 0) s.append(", ").append(r.count(Status.XFAIL)).append(" xfail");
        if (r.count(Status.INCONCLUSIVE) > 0) s.append(", ").append(r.count(Status.INCONCLUSIVE)).append(" inconclusive");
        if (r.count(Status.ERROR) > 0) s.append(", ").append(r.count(Status.ERROR)).append(" errored");
        if (r.interrupted()) details += ", INTERRUPTED after " + r.results().size() + " of " + r.planned();
        return s.append(" (").append(details).append(')').toString();
    }

    private static String line(String[] row, int[] w, boolean[] right, String last) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < w.length; c++) b.append(right[c] ? padLeft(row[c], w[c]) : padRight(row[c], w[c])).append(GAP);
        return b.append(last).toString();
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

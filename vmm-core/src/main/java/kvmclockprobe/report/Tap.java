package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

import kvmclockprobe.verdict.Result;
import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;

/**
 * kselftest's TAP, as {@code kselftest.h} prints it, for {@code check} and {@code restore} alike:
 * {@code TAP version 13}, the plan, {@code #} diagnostics before each result,
 * {@code ok N name}, {@code not ok N name}, {@code ok N name # SKIP reason} (an inconclusive
 * result's reason starting {@code inconclusive:}), {@code ok N name # XFAIL reason}
 * ({@code ksft_test_result_xfail}), {@code not ok N name # error reason}
 * ({@code ksft_test_result_error}) and {@code ksft_print_cnts()}'s {@code # Totals:} line.
 */
final class Tap {
    private Tap() {}

    /**
     * The whole stream: the header, each result's {@code #} lines ({@code lines}) before its result
     * line, and the totals. {@code what} names the tests in the incomplete line ("triggers").
     */
    static <R extends Result> void print(PrintWriter out, Run<R> r, String what, Function<R, List<String>> lines) {
        header(out, r.planned(), r.results().size(), r.interrupted(), what);
        int n = 0;
        for (R t : r.results()) {
            n++;
            String name = description(t.name());
            for (String d : lines.apply(t)) comment(out, name + ": ", d);
            result(out, n, name, t.status(), t.reason());
        }
        // a known-bad restore that passed is a failure with its reason: kselftest's xpass stays 0
        totals(out, r.count(Status.PASS), r.count(Status.FAIL), r.count(Status.XFAIL), 0,
                r.count(Status.SKIP) + r.count(Status.INCONCLUSIVE), r.count(Status.ERROR));
    }

    /**
     * The version and the plan, which counts every selected test even when a signal cut the run
     * short, so that a TAP reader sees the missing ones, and says so.
     */
    private static void header(PrintWriter out, int planned, int done, boolean interrupted, String what) {
        out.println("TAP version 13");
        out.println("1.." + planned);
        if (interrupted || done < planned) {
            out.println("# incomplete: interrupted by SIGINT/SIGTERM after " + done + " of " + planned + " " + what);
        }
    }

    /** The test point description: one line, and {@code \} and {@code #} escaped so it cannot start a directive. */
    private static String description(String name) {
        return Table.oneLine(name).replace("\\", "\\\\").replace("#", "\\#");
    }

    /** {@code text} as {@code #} lines, each line of it one, after {@code prefix}. */
    private static void comment(PrintWriter out, String prefix, String text) {
        for (String l : (text == null ? "" : text).split("\\R", -1)) out.println(("# " + prefix + l).stripTrailing());
    }

    /** The result line of test {@code n} for a status and its reason. */
    private static void result(PrintWriter out, int n, String name, Status status, String reason) {
        String why = Table.oneLine(reason);
        switch (status) {
            case PASS -> out.println("ok " + n + " " + name);
            case FAIL -> out.println("not ok " + n + " " + name);
            case SKIP, INCONCLUSIVE -> out.println("ok " + n + " " + name + " # SKIP " + status.skipMessage(why));
            case ERROR -> out.println("not ok " + n + " " + name + " # error " + why);
            case XFAIL -> out.println("ok " + n + " " + name + " # XFAIL " + why);
        }
    }

    private static void totals(PrintWriter out, long pass, long fail, long xfail, long xpass, long skip, long error) {
        out.printf("# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d%n", pass, fail, xfail, xpass, skip, error);
    }
}

package kvmclockprobe.report;

import java.io.PrintWriter;

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
     * The version and the plan, which counts every selected test even when a signal cut the run
     * short, so that a TAP reader sees the missing ones, and says so.
     */
    static void header(PrintWriter out, int planned, int done, boolean interrupted, String what) {
        out.println("TAP version 13");
        out.println("1.." + planned);
        if (interrupted || done < planned) {
            out.println("# incomplete: interrupted by SIGINT/SIGTERM after " + done + " of " + planned + " " + what);
        }
    }

    /** The test point description: one line, and {@code \} and {@code #} escaped so it cannot start a directive. */
    static String description(String name) {
        return CheckTable.oneLine(name).replace("\\", "\\\\").replace("#", "\\#");
    }

    /** {@code text} as {@code #} lines, each line of it one, after {@code prefix}. */
    static void comment(PrintWriter out, String prefix, String text) {
        for (String l : (text == null ? "" : text).split("\\R", -1)) out.println(("# " + prefix + l).stripTrailing());
    }

    /** The result line of test {@code n} for a status and its reason. */
    static void result(PrintWriter out, int n, String name, Status status, String reason) {
        String why = CheckTable.oneLine(reason);
        switch (status) {
            case PASS -> out.println("ok " + n + " " + name);
            case FAIL -> out.println("not ok " + n + " " + name);
            case SKIP, INCONCLUSIVE -> out.println("ok " + n + " " + name + " # SKIP " + status.skipMessage(why));
            case ERROR -> out.println("not ok " + n + " " + name + " # error " + why);
            case XFAIL -> out.println("ok " + n + " " + name + " # XFAIL " + why);
        }
    }

    static void totals(PrintWriter out, long pass, long fail, long xfail, long xpass, long skip, long error) {
        out.printf("# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d%n", pass, fail, xfail, xpass, skip, error);
    }
}

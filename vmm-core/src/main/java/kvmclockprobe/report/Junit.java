package kvmclockprobe.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

import kvmclockprobe.verdict.Result;
import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;

/**
 * JUnit XML as Surefire writes it and GitLab, Jenkins and GitHub test reporters read it, one
 * writer for {@code check} and {@code restore}: one {@code <testsuite>}, one {@code <testcase>}
 * per result. A failure is a {@code <failure>} (the kernel), an error an {@code <error>} (the
 * probe), a skip or an inconclusive result a {@code <skipped>} whose message says which, and an
 * expected failure (xfail) a {@code <skipped>} saying so (JUnit has no xfail); the diagnostics go
 * to {@code <system-out>}.
 */
final class Junit {
    private Junit() {}

    /**
     * @param suite       the suite's name, and the class name every test case carries
     * @param properties  the suite's properties, in order
     * @param wallS       result i's wall time in seconds; null when the command does not time them
     * @param lines       a result's diagnostics
     * @param failureType what a failure is a failure of ("kernel")
     */
    static <R extends Result> String xml(Run<R> r, String suite, Map<String, String> properties, IntToDoubleFunction wallS,
                                         Function<R, List<String>> lines, String failureType) {
        Xml x = new Xml();
        long skipped = r.count(Status.SKIP) + r.count(Status.INCONCLUSIVE) + r.count(Status.XFAIL);
        List<Object> suiteAttributes = new ArrayList<>(List.of("name", suite, "tests", r.results().size(), "failures",
                r.count(Status.FAIL), "errors", r.count(Status.ERROR), "skipped", skipped));
        if (wallS != null) {
            double total = 0;
            for (int i = 0; i < r.results().size(); i++) total += wallS.applyAsDouble(i);
            suiteAttributes.addAll(List.of("time", seconds(total)));
        }
        x.open("testsuite", suiteAttributes.toArray());
        x.open("properties");
        properties.forEach((name, value) -> x.empty("property", "name", name, "value", value));
        x.close("properties");
        for (int i = 0; i < r.results().size(); i++) {
            R t = r.results().get(i);
            List<Object> caseAttributes = new ArrayList<>(List.of("name", t.name(), "classname", suite));
            if (wallS != null) caseAttributes.addAll(List.of("time", seconds(wallS.applyAsDouble(i))));
            x.open("testcase", caseAttributes.toArray());
            verdict(x, t.status(), t.reason(), failureType);
            List<String> out = lines.apply(t);
            if (!out.isEmpty()) x.text("system-out", String.join("\n", out));
            x.close("testcase");
        }
        x.close("testsuite");
        return x.toString();
    }

    /** The element of a testcase for its status, with its reason; {@code failureType} names what failed. */
    private static void verdict(Xml x, Status status, String reason, String failureType) {
        String message = Table.oneLine(reason);
        switch (status) {
            case PASS -> { }
            case FAIL -> x.text("failure", reason, "message", message, "type", failureType);
            case ERROR -> x.text("error", reason, "message", message, "type", "probe");
            case SKIP, INCONCLUSIVE -> x.empty("skipped", "message", status.skipMessage(message));
            case XFAIL -> x.empty("skipped", "message", "expected failure (xfail): " + message);
        }
    }

    /** JUnit's time: seconds with three decimals (a String, so the XML writer keeps them). */
    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", Double.isFinite(s) ? s : 0);
    }
}

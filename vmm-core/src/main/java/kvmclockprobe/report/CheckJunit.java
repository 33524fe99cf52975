package kvmclockprobe.report;

import java.util.List;
import java.util.Locale;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;

/**
 * The {@code check --junit} report: JUnit XML as Surefire writes it and GitLab, Jenkins and
 * GitHub test reporters read it. One {@code <testsuite>}, one {@code <testcase>} per trigger: a
 * kernel {@code fail} is a {@code <failure>}, a probe {@code error} an {@code <error>}, a skip
 * (missing capability or inconclusive) a {@code <skipped>}; the TAP diagnostics go to
 * {@code <system-out>}.
 */
public final class CheckJunit {
    private CheckJunit() {}

    /** The suite's name, and the class name every test case carries. */
    static final String SUITE = "kvmclock-probe.check";

    public static String xml(CheckReport r) {
        Xml x = new Xml();
        x.open("testsuite", "name", SUITE, "tests", r.results().size(), "failures", r.count(Status.FAIL),
                "errors", r.count(Status.ERROR), "skipped", r.count(Status.SKIP) + r.count(Status.INCONCLUSIVE), "time", seconds(total(r)));
        x.open("properties");
        if (r.host() != null) {
            property(x, "kernel_release", r.host().kernelRelease());
            property(x, "clocksource", r.host().clocksource());
            property(x, "tsc_khz", Long.toString(r.host().tscKhz()));
            property(x, "master_clock", Boolean.toString(r.host().masterClock()));
        }
        property(x, "settle", CheckTable.settle(r));
        property(x, "strict", Boolean.toString(r.strict()));
        x.close("properties");
        for (int i = 0; i < r.results().size(); i++) {
            TriggerResult t = r.results().get(i);
            x.open("testcase", "name", t.trigger(), "classname", SUITE, "time", seconds(r.wallS(i)));
            Junit.verdict(x, t.status(), t.reason(), "kernel");
            List<String> out = CheckTap.diagnostics(t);
            if (!out.isEmpty()) x.text("system-out", String.join("\n", out));
            x.close("testcase");
        }
        x.close("testsuite");
        return x.toString();
    }

    private static void property(Xml x, String name, String value) {
        x.empty("property", "name", name, "value", value);
    }

    private static double total(CheckReport r) {
        double s = 0;
        for (int i = 0; i < r.results().size(); i++) s += r.wallS(i);
        return s;
    }

    /** JUnit's time: seconds with three decimals (a String, so the XML writer keeps them). */
    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", Double.isFinite(s) ? s : 0);
    }
}

package kvmclockprobe.report;

import kvmclockprobe.verdict.Status;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;

/**
 * The {@code restore --junit} report, as {@code check --junit}: a testcase per recipe; a known-bad
 * recipe's expected failure is a {@code <skipped>} saying so (JUnit has no xfail), its
 * unexpected pass a {@code <failure>}.
 */
public final class RestoreJunit {
    private RestoreJunit() {}

    static final String SUITE = "kvmclock-probe.restore";

    public static String xml(RestoreReport r) {
        Xml x = new Xml();
        x.open("testsuite", "name", SUITE, "tests", r.results().size(), "failures", r.count(Status.FAIL),
                "errors", r.count(Status.ERROR), "skipped", r.count(Status.SKIP) + r.count(Status.INCONCLUSIVE) + r.count(Status.XFAIL));
        x.open("properties");
        if (r.host() != null) {
            x.empty("property", "name", "kernel_release", "value", r.host().kernelRelease());
            x.empty("property", "name", "clocksource", "value", r.host().clocksource());
        }
        x.empty("property", "name", "pause_ms", "value", Long.toString(r.settings().pause().toMillis()));
        x.close("properties");
        for (RestoreResult t : r.results()) {
            x.open("testcase", "name", t.recipe().name(), "classname", SUITE);
            Junit.verdict(x, t.status(), t.reason(), "restore");
            x.text("system-out", String.join("\n", RestoreTap.lines(t)));
            x.close("testcase");
        }
        x.close("testsuite");
        return x.toString();
    }
}

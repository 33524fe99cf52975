package kvmclockprobe.report;

import java.util.LinkedHashMap;
import java.util.Map;

import kvmclockprobe.check.CheckReport;

/** The {@code check --junit} report ({@link Junit}): a testcase per trigger, timed, its TAP diagnostics as system-out. */
public final class CheckJunit {
    private CheckJunit() {}

    /** The suite's name, and the class name every test case carries. */
    static final String SUITE = "kvmclock-probe.check";

    public static String xml(CheckReport r) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (r.host() != null) {
            properties.put("kernel_release", r.host().kernelRelease());
            properties.put("clocksource", r.host().clocksource());
            properties.put("tsc_khz", Long.toString(r.host().tscKhz()));
            properties.put("master_clock", Boolean.toString(r.host().masterClock()));
        }
        properties.put("settle", CheckTable.settle(r));
        properties.put("strict", Boolean.toString(r.strict()));
        return Junit.xml(r, SUITE, properties, r::wallS, CheckTap::diagnostics, "kernel");
    }
}

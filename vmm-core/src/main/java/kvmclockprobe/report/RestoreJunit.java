package kvmclockprobe.report;

import java.util.LinkedHashMap;
import java.util.Map;

import kvmclockprobe.restore.RestoreReport;

/**
 * The {@code restore --junit} report ({@link Junit}), as {@code check --junit}: a testcase per
 * recipe; a known-bad recipe's expected failure is a {@code <skipped>} saying so, its unexpected
 * pass a {@code <failure>}.
 */
public final class RestoreJunit {
    private RestoreJunit() {}

    static final String SUITE = "kvmclock-probe.restore";

    public static String xml(RestoreReport r) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (r.host() != null) {
            properties.put("kernel_release", r.host().kernelRelease());
            properties.put("clocksource", r.host().clocksource());
        }
        properties.put("pause_ms", Long.toString(r.settings().pause().toMillis()));
        return Junit.xml(r, SUITE, properties, null, RestoreTap::lines, "restore");
    }
}

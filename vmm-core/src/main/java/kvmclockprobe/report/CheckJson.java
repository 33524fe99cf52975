package kvmclockprobe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.Status;
import kvmclockprobe.check.TriggerResult;

/**
 * The {@code check --json} document. Every key is always present; a value that was not measured
 * (a skipped trigger's jumps, a non-Xen trigger's wallclock step, a non-finite drift) is JSON
 * {@code null}. The plot points are not part of it (see {@link CheckPlot}).
 */
public final class CheckJson {
    private CheckJson() {}

    public static ObjectNode toJson(CheckReport r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.set("host", HostFactsJson.toJson(r.host()));
        putDouble(o, "settle_s", r.settleS());
        o.put("strict", r.strict());
        ArrayNode results = o.putArray("results");
        for (TriggerResult t : r.results()) results.add(result(t));
        ObjectNode summary = o.putObject("summary");
        summary.put("pass", r.count(Status.PASS));
        summary.put("fail", r.count(Status.FAIL));
        summary.put("skip", r.count(Status.SKIP));
        o.put("exit_code", r.exitCode());
        return o;
    }

    static ObjectNode result(TriggerResult t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("trigger", t.trigger());
        o.put("status", t.status().label());
        o.put("reason", t.reason());
        o.put("observed_jump_ns", t.observedJumpNs());
        o.put("predicted_jump_ns", t.predictedJumpNs());
        o.put("expected_jump", t.expectedJump());
        o.put("master_clock_before", t.masterClockBefore());
        o.put("master_clock_after", t.masterClockAfter());
        o.put("vcpus", t.vcpus());
        o.put("tsc_step_cycles", t.tscStepCycles());
        o.put("wallclock_step_ns", t.wallclockStepNs());
        o.put("wallclock_in_range", t.wallclockInRange());
        putDouble(o, "drift_ns_per_s", t.driftNsPerSec());
        ArrayNode perVcpu = o.putArray("observed_jump_ns_per_vcpu");
        if (t.observedJumpNsPerVcpu() != null) {
            for (Long v : t.observedJumpNsPerVcpu()) {
                if (v == null) perVcpu.addNull();
                else perVcpu.add(v.longValue());
            }
        }
        ArrayNode diagnostics = o.putArray("diagnostics");
        if (t.diagnostics() != null) {
            for (String d : t.diagnostics()) {
                if (d == null) diagnostics.addNull();
                else diagnostics.add(d);
            }
        }
        return o;
    }

    /** A double, or null when absent or not finite (plain JSON has no NaN or Infinity). */
    private static void putDouble(ObjectNode o, String key, Double value) {
        if (value == null || !Double.isFinite(value)) o.putNull(key);
        else o.put(key, value.doubleValue());
    }
}

package kvmclockprobe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.TriggerResult;
import kvmclockprobe.verdict.KernelHistory;
import kvmclockprobe.verdict.UpstreamChange;
import kvmclockprobe.check.Verdict;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.ReferencePoint;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.xen.WallclockReading;

/**
 * The {@code check --json} document. Every key is always present; a value that was not measured
 * (a skipped or errored trigger's jumps, a non-Xen trigger's wallclock step, a non-finite drift)
 * is JSON {@code null}. The lab scripts read the verdict, the prediction and the tolerance from
 * here and re-derive nothing. The plot points are not part of it (see {@link CheckPlot}).
 */
public final class CheckJson {
    private CheckJson() {}

    public static ObjectNode toJson(CheckReport r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.set("host", HostFactsJson.toJson(r.host()));
        putDouble(o, "settle_s", r.settleS());
        putDouble(o, "max_settle_s", r.maxSettleS());
        o.put("strict", r.strict());
        return RunJson.results(o, r, i -> {
            TriggerResult t = r.results().get(i);
            KernelHistory h = r.history(t);
            return result(t).put("wall_s", r.wallS(i)).put("expected_status", h.expected().label())
                    .put("history_outcome", h.outcome()).put("matches_history", h.matches()).put("history_why", h.why());
        });
    }

    /** Keys every result has (null where not measured), besides the trigger's own observations. */
    static ObjectNode result(TriggerResult t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("trigger", t.trigger());
        o.put("status", t.status().label());
        o.put("reason", t.reason());
        o.put("expected_jump", t.expectedJump());
        UpstreamChange change = CheckReport.changedIn(t);
        if (change == null) o.putNull("changed_in");
        else o.putObject("changed_in").put("commit", change.commit()).put("release", change.release());
        o.put("vcpus", t.vcpus());
        Measurement m = t.measured().map(TriggerResult.Measured::measurement).orElse(null);
        Verdict v = t.measured().map(TriggerResult.Measured::verdict).orElse(null);
        DriftEstimate d = m == null ? null : m.drift();
        o.put("observed_jump_ns", m == null ? null : m.observedJumpNs());
        o.put("predicted_jump_ns", v == null ? null : v.predictedJumpNs());
        o.put("tolerance_ns", v == null ? null : v.toleranceNs());
        o.put("resnapshot_jump_ns", m == null ? null : m.resnapshotJumpNs());
        o.put("resnapshot_match", v == null ? null : v.resnapshotMatch());
        o.put("since_snapshot_ns", m == null ? null : m.sinceSnapshotNs());
        putDouble(o, "settle_s", m == null ? null : m.settleS());
        o.put("settle_why", m == null ? null : m.settleWhy());
        o.put("drift_source", d == null ? null : d.source().label());
        o.put("drift_rate_source", d == null ? null : d.source().label());
        o.put("resnapshot_seen", m == null ? null : m.resnapshotSeen());
        reference(o, "reference_before", m == null ? null : m.referenceBefore());
        reference(o, "reference_after", m == null ? null : m.referenceAfter());
        ControlResnapshot c = d == null ? null : d.control();
        o.put("control_jump_ns", c == null ? null : c.jumpNs());
        o.put("control_predicted_jump_ns", c == null ? null : c.predictedJumpNs());
        o.put("control_since_snapshot_ns", c == null ? null : c.sinceSnapshotNs());
        o.put("control_resnapshot_seen", c == null ? null : c.resnapshotSeen());
        o.put("guest_stopped_seen", m == null ? null : m.window().anyGuestStopped());
        putDouble(o, "drift_ns_per_s", d == null ? null : d.bMinusANsPerSec());
        putDouble(o, "drift_analytic_ns_per_s", d == null || d.analytic() == null ? null : d.analytic().bMinusANsPerSec());
        putDouble(o, "drift_fit_ns_per_s", d == null || d.fit() == null ? null : d.fit().bMinusANsPerSec());
        putDouble(o, "drift_fit_err_ns_per_s", d == null || d.fit() == null ? null : d.fit().bMinusAErrNsPerSec());
        putDouble(o, "raw_mult_unit_ns_per_s", d == null || d.analytic() == null ? null : d.analytic().rawMultUnitNsPerSec());
        o.put("arithmetic_applies", d == null || d.analytic() == null ? null : d.analytic().applies());
        o.put("arithmetic_not_applicable", d == null || d.analytic() == null ? null : d.analytic().notApplicable());
        o.put("drift_why", d == null ? null : d.why());
        o.put("master_clock_before", m == null ? null : m.masterClockBefore());
        o.put("master_clock_after", m == null ? null : m.masterClockAfter());
        o.put("master_clock_lost", m == null ? null : m.masterClockLost());
        o.put("tsc_step_cycles", m == null ? null : m.tscStepCycles());
        // The Xen wallclock; null for the other triggers (the keys are always there).
        WallclockReading w = m == null ? null : m.effect().wallclock();
        o.put("wallclock_step_ns", w == null ? null : w.stepNs());
        o.put("wallclock_in_range", w == null ? null : w.inRange());
        ArrayNode perVcpu = o.putArray("observed_jump_ns_per_vcpu");
        if (m != null) for (Long j : m.observedJumpNsPerVcpu()) perVcpu.add(j.longValue());
        ArrayNode diagnostics = o.putArray("diagnostics");
        for (String line : t.diagnostics()) diagnostics.add(line);
        return o;
    }

    /** vCPU 0's master-clock reference point, or null. */
    private static void reference(ObjectNode o, String key, ReferencePoint r) {
        if (r == null) {
            o.putNull(key);
            return;
        }
        o.putObject(key).put("tsc_timestamp", Long.toUnsignedString(r.tscTimestamp())).put("system_time_ns", Long.toUnsignedString(r.systemTimeNs()));
    }

    /** A double, or null when absent or not finite (plain JSON has no NaN or Infinity). */
    private static void putDouble(ObjectNode o, String key, Double value) {
        if (value == null || !Double.isFinite(value)) o.putNull(key);
        else o.put(key, value.doubleValue());
    }
}

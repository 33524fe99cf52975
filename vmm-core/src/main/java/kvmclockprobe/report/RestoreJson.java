package kvmclockprobe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.restore.CrossVcpu;
import kvmclockprobe.restore.MasterClockAfter;
import kvmclockprobe.restore.RestoreMeasurement;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;

/**
 * The {@code restore --json} document, in {@code check}'s style: every key always present, JSON
 * {@code null} where nothing was measured, units in the key names.
 */
public final class RestoreJson {
    private RestoreJson() {}

    public static ObjectNode toJson(RestoreReport r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("host", HostFactsJson.toJson(r.host()));
        o.put("pause_ms", r.settings().pause().toMillis());
        o.put("after_ms", r.settings().after().toMillis());
        o.put("vcpus", r.settings().vcpus());
        return RunJson.results(o, r, i -> result(r.results().get(i)));
    }

    static ObjectNode result(RestoreResult t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("recipe", t.recipe().name());
        o.put("vmm", t.recipe().vmm());
        o.put("source", t.recipe().source());
        o.put("status", t.status().label());
        o.put("reason", t.reason());
        o.put("known_bad", t.recipe().knownBad());
        o.put("expected_failure", t.expectedFailure());
        o.put("intent", t.recipe().intent().label());
        o.put("expects_guest_stopped", t.recipe().expectsGuestStopped());
        RestoreMeasurement m = t instanceof RestoreResult.Measured x ? x.measurement() : null;
        Long bound = t instanceof RestoreResult.Measured x ? x.verdict().boundNs() : null;
        measurement(o, m, bound);
        vcpus(o, m);
        ArrayNode later = o.putArray("later_jumps_ns");
        if (m != null) m.laterJumpsNs().forEach(later::add);
        ArrayNode predictedLater = o.putArray("predicted_later_jumps_ns");
        if (m != null) m.predictedLaterJumpsNs().forEach(predictedLater::add);
        ArrayNode steps = o.putArray("steps");
        if (m != null) m.steps().forEach(steps::add);
        ArrayNode diagnostics = o.putArray("diagnostics");
        RestoreTap.diagnostics(t).forEach(diagnostics::add);
        return o;
    }

    /** What was measured of the clock across the pause; every key null where nothing was. */
    static void measurement(ObjectNode o, RestoreMeasurement m, Long bound) {
        o.put("error_at_resume_ns", m == null ? null : m.errorAtResumeNs());
        o.put("predicted_error_ns", m == null ? null : m.predictedErrorNs());
        o.put("bound_ns", bound);
        o.put("timing", m == null ? null : m.timing());
        o.put("pvclock_vs_kvm_clock_ns", m == null ? null : m.pvclockVsKvmClockNs());
        if (m == null || m.driftNsPerSec() == null || !Double.isFinite(m.driftNsPerSec())) o.putNull("drift_ns_per_s");
        else o.put("drift_ns_per_s", m.driftNsPerSec().doubleValue());
        o.put("capture_vs_guest_clock_ns", m == null ? null : m.captureVsGuestClockNs());
        o.put("predicted_capture_vs_guest_clock_ns", m == null ? null : m.predictedCaptureVsGuestClockNs());
        o.put("guest_step_ns", m == null ? null : m.guestStepNs());
        o.put("intended_step_ns", m == null ? null : m.intendedStepNs());
        o.put("host_gap_ns", m == null ? null : m.hostGapNs());
        o.put("exit_slack_ns", m == null ? null : m.exitSlackNs());
        o.put("entry_slack_ns", m == null ? null : m.entrySlackNs());
        o.put("last_before_ns", m == null ? null : m.lastBeforeNs());
        o.put("first_after_ns", m == null ? null : m.firstAfterNs());
        o.put("stop_latency_ns", m == null ? null : m.stopLatencyNs());
        o.put("resume_latency_ns", m == null ? null : m.resumeLatencyNs());
        o.put("realtime_slew_ns", m == null ? null : m.realtimeSlewNs());
        o.put("tsc_step_cycles", m == null ? null : m.tscStepCycles());
        o.put("tsc_step_ns", m == null ? null : m.tscStepNs());
        o.put("guest_stopped", m == null ? null : (Boolean) m.guestStopped());
        o.put("master_clock_at_save", m == null ? null : m.masterClockAtSave());
        o.put("master_clock_after", m == null ? null : m.masterClockAfter());
        o.put("samples_before", m == null ? null : (Long) m.samplesBefore());
        o.put("samples_after", m == null ? null : (Long) m.samplesAfter());
    }

    /** The master clock after the resume and the vCPUs against one another. */
    static void vcpus(ObjectNode o, RestoreMeasurement m) {
        MasterClockAfter mc = m == null ? null : m.masterClock();
        CrossVcpu c = m == null ? null : m.crossVcpu();
        o.put("master_clock_after_resume", mc == null ? null : mc.state().label());
        o.put("master_clock_back_on_after_ns", mc == null ? null : mc.backOnAfterNs());
        ArrayNode offsets = o.putArray("tsc_offsets_cycles");
        if (c != null) c.tscOffsetsCycles().forEach(offsets::add);
        o.put("tsc_offset_spread_cycles", c == null ? null : c.tscOffsetSpreadCycles());
        o.put("tsc_cross_vcpu_worst_backward_ns", c == null ? null : c.tscBackwardNs());
        ArrayNode violations = o.putArray("kvmclock_cross_vcpu_violations");
        if (c != null) c.kvmclockViolations().forEach(violations::add);
        o.put("kvmclock_cross_vcpu_worst_backward_ns", c == null ? null : (Long) c.kvmclockWorstNs());
        o.put("events_lost_after_resume", c == null ? null : (Long) c.eventsLost());
    }
}

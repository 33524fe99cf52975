package kvmclockprobe.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.drift.DriftRun;
import kvmclockprobe.sampler.VcpuStatus;

/** The {@code drift --json} document. */
public final class DriftJson {
    private DriftJson() {}

    public static ObjectNode toJson(DriftRun.Report report, double durationS, int vcpus) {
        DriftResult d = report.drift();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("duration_s", durationS);
        o.put("vcpus", vcpus);
        o.put("master_clock", d.masterClock() && d.masterClockThroughout());
        o.put("master_clock_mode_changes", d.modeChanges());
        o.put("b_minus_a_ns_per_s", d.bMinusANsPerSec());
        o.put("b_minus_a_stderr_ns_per_s", d.bMinusAStderrNsPerSec());
        o.put("c_minus_b_ns_per_s", d.cMinusBNsPerSec());
        o.put("c_minus_b_stderr_ns_per_s", d.cMinusBStderrNsPerSec());
        o.put("c_minus_b_mean_ns", d.cMinusBMeanNs());
        o.put("since_snapshot_s", d.sinceSnapshotNs() / 1e9);
        o.put("predicted_jump_ns", report.predictedJumpNs());
        o.put("drift_source", report.estimate().source().label());
        putNullable(o, "drift_ns_per_s", report.estimate().bMinusANsPerSec());
        o.put("drift_why", report.estimate().why());
        putNullable(o, "drift_analytic_ns_per_s", report.estimate().analytic() == null ? null : report.estimate().analytic().bMinusANsPerSec());
        putNullable(o, "drift_fit_err_ns_per_s", d.bMinusAErrNsPerSec());
        o.put("readings", d.readings());
        o.put("readings_used", d.readingsUsed());
        o.put("median_bracket_ns", d.medianBracketNs());
        o.put("ab_sample_method", report.method());
        o.put("tsc_offset_cycles", report.tsc().guestTsc().offset());
        o.put("tsc_offset_known", report.tsc().offsetKnown());
        o.put("tsc_khz", report.tsc().vcpuTscKhz());
        ObjectNode g = o.putObject("guest");
        g.put("samples", report.samples());
        g.put("version_changes", report.versionChanges());
        g.put("backward_steps", report.backwardSteps());
        g.put("events_lost", report.eventsLost());
        g.put("cross_vcpu_violations", report.crossVcpuViolations());
        g.put("jumps", report.jumps(0).size());
        g.put("pvclock_retries", report.statuses().stream().mapToLong(VcpuStatus::retries).sum());
        return o;
    }

    private static void putNullable(ObjectNode o, String key, Double v) {
        if (v == null || !Double.isFinite(v)) o.putNull(key);
        else o.put(key, v.doubleValue());
    }
}

package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.TriggerResult;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.testing.SyntheticMeasurement;

class CheckJsonTest {
    private static final List<String> RESULT_KEYS = List.of("trigger", "status", "reason", "expected_jump", "changed_in", "vcpus",
            "observed_jump_ns", "predicted_jump_ns", "tolerance_ns", "resnapshot_jump_ns", "resnapshot_match", "since_snapshot_ns",
            "settle_s", "settle_why", "drift_source", "drift_rate_source", "resnapshot_seen", "reference_before", "reference_after",
            "control_jump_ns", "control_predicted_jump_ns", "control_since_snapshot_ns", "control_resnapshot_seen", "guest_stopped_seen",
            "drift_ns_per_s", "drift_analytic_ns_per_s", "drift_fit_ns_per_s",
            "drift_fit_err_ns_per_s", "raw_mult_unit_ns_per_s", "arithmetic_applies", "arithmetic_not_applicable", "drift_why", "master_clock_before", "master_clock_after",
            "master_clock_lost", "tsc_step_cycles", "wallclock_step_ns", "wallclock_in_range", "observed_jump_ns_per_vcpu",
            "diagnostics", "wall_s", "expected_status", "history_outcome", "matches_history", "history_why");

    /** {@link Reports#host()} as {@code check --json} must write it under {@code host}, written out by hand. */
    private static final String REPORTS_HOST_JSON = """
            {
              "kernel_release": "6.18.44",
              "kvm_api_version": 12,
              "clocksource": "tsc",
              "tsc_khz": 2400000,
              "raw_clock_mult": 6990507,
              "raw_clock_shift": 24,
              "raw_clock_mult_vdso": null,
              "raw_clock_shift_vdso": null,
              "raw_clock_vdso_unavailable": "not read",
              "constant_tsc": null,
              "cpufreq_policy": null,
              "tsc_calibration": [],
              "kernel_log_readable": false,
              "caps": {
                "adjust_clock": 7,
                "adjust_clock_flags": ["TSC_STABLE", "REALTIME", "HOST_TSC"],
                "xen_hvm": 0,
                "xen_hvm_flags": [],
                "tsc_control": 1,
                "vcpu_attributes": 1
              },
              "master_clock": true,
              "master_clock_before_run": true,
              "vcpu_tsc_offset_attr": true,
              "tsc_offset_writable": true
            }
            """;

    static JsonNode roundTrip(CheckReport r) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = CheckJson.toJson(r);
        String text = mapper.writeValueAsString(json);
        JsonNode back = mapper.readTree(text);
        // (numbers come back as the smallest node type that holds them, so compare the text)
        assertThat(mapper.writeValueAsString(back)).isEqualTo(text);
        return back;
    }

    static JsonNode result(JsonNode doc, String trigger) {
        for (JsonNode r : doc.get("results")) if (r.get("trigger").asText().equals(trigger)) return r;
        throw new AssertionError("no result for " + trigger);
    }

    @Test
    void topLevelKeys() throws Exception {
        JsonNode doc = roundTrip(Reports.mixed());
        assertThat(fieldNames(doc)).containsExactly("host", "settle_s", "max_settle_s", "strict", "incomplete", "planned", "results", "summary", "exit_code");
        assertThat(doc.get("incomplete").asBoolean()).isFalse();
        assertThat(doc.get("planned").asInt()).isEqualTo(9);
        assertThat(doc.get("host")).isEqualTo(new ObjectMapper().readTree(REPORTS_HOST_JSON));
        assertThat(doc.get("host").get("kernel_release").asText()).isEqualTo("6.18.44");
        assertThat(doc.get("settle_s").isNumber()).isTrue();
        assertThat(doc.get("settle_s").asDouble()).isEqualTo(10.0);
        assertThat(doc.get("strict").isBoolean()).isTrue();
        assertThat(doc.get("results").isArray()).isTrue();
        assertThat(doc.get("results")).hasSize(9);
        assertThat(fieldNames(doc.get("summary"))).containsExactly("pass", "fail", "inconclusive", "xfail", "skip", "error");
        assertThat(doc.get("summary").get("error").asInt()).isZero();
        assertThat(doc.get("summary").get("pass").asInt()).isEqualTo(5);
        assertThat(doc.get("summary").get("fail").asInt()).isEqualTo(1);
        assertThat(doc.get("summary").get("skip").asInt()).isEqualTo(3);
        assertThat(doc.get("exit_code").asInt()).isEqualTo(1);
        assertThat(doc.toString()).doesNotContain("plot").doesNotContain("guest_minus");
    }

    @Test
    void everyResultHasEveryKeyEvenWhenNull() throws Exception {
        JsonNode doc = roundTrip(Reports.mixed());
        for (JsonNode r : doc.get("results")) assertThat(fieldNames(r)).containsExactlyElementsOf(RESULT_KEYS);
    }

    @Test
    void passRow() throws Exception {
        JsonNode r = result(roundTrip(Reports.mixed()), "set-clock");
        assertThat(r.get("status").asText()).isEqualTo("pass");
        assertThat(r.get("observed_jump_ns").isIntegralNumber()).isTrue();
        assertThat(r.get("observed_jump_ns").asLong()).isEqualTo(1_000_000_000L);
        assertThat(r.get("predicted_jump_ns").asLong()).isEqualTo(1_000_000_000L);
        assertThat(r.get("expected_jump").isBoolean()).isTrue();
        assertThat(r.get("master_clock_before").isBoolean()).isTrue();
        assertThat(r.get("master_clock_after").isBoolean()).isTrue();
        assertThat(r.get("vcpus").isInt()).isTrue();
        assertThat(r.get("tsc_step_cycles").isIntegralNumber()).isTrue();
        assertThat(r.get("wallclock_step_ns").isNull()).as("null unless Xen").isTrue();
        assertThat(r.get("drift_ns_per_s").isDouble()).isTrue();
        assertThat(r.get("drift_ns_per_s").asDouble()).isEqualTo(63.2);
        assertThat(r.get("observed_jump_ns_per_vcpu").isArray()).isTrue();
        assertThat(r.get("diagnostics").get(0).asText()).isEqualTo("samples 4000 before, 4000 after");
    }

    @Test
    void failRow() throws Exception {
        JsonNode r = result(roundTrip(Reports.mixed()), "tsc-write");
        assertThat(r.get("status").asText()).isEqualTo("fail");
        assertThat(r.get("reason").asText()).contains("-1263 ns").endsWith("<&>");
        assertThat(r.get("observed_jump_ns").asLong()).isEqualTo(-1263);
        assertThat(r.get("predicted_jump_ns").asLong()).isZero();
        assertThat(r.get("expected_jump").asBoolean()).isFalse();
        assertThat(r.get("master_clock_after").asBoolean()).isFalse();
        assertThat(r.get("vcpus").asInt()).isEqualTo(2);
        assertThat(r.get("tsc_step_cycles").asLong()).isEqualTo(1_234_567L);
        List<Long> perVcpu = new ArrayList<>();
        r.get("observed_jump_ns_per_vcpu").forEach(v -> {
            assertThat(v.isIntegralNumber()).isTrue();
            perVcpu.add(v.asLong());
        });
        assertThat(perVcpu).containsExactly(-1263L, -1259L);
        assertThat(r.get("diagnostics")).hasSize(2).allSatisfy(d -> assertThat(d.isTextual()).isTrue());
    }

    @Test
    void xenRowHasAWallclockStep() throws Exception {
        JsonNode r = result(roundTrip(Reports.mixed()), "xen-shared-info");
        assertThat(r.get("changed_in").get("commit").asText()).isEqualTo("633d7652f80f");
        assertThat(r.get("changed_in").get("release").asText()).isEqualTo("7.3");
        assertThat(r.get("wallclock_step_ns").isIntegralNumber()).isTrue();
        assertThat(r.get("wallclock_step_ns").asLong()).isEqualTo(987_654L);
        assertThat(r.get("tsc_step_cycles").isNull()).isTrue();
    }

    @Test
    void skipRowHasNullsForWhatWasNotMeasured() throws Exception {
        JsonNode r = result(roundTrip(Reports.mixed()), "migration");
        assertThat(r.get("status").asText()).isEqualTo("skip");
        assertThat(r.get("changed_in").isNull()).as("no upstream change recorded").isTrue();
        assertThat(r.get("reason").asText()).isEqualTo("needs a second host");
        for (String key : List.of("observed_jump_ns", "predicted_jump_ns", "tolerance_ns", "since_snapshot_ns", "drift_source",
                "drift_analytic_ns_per_s", "master_clock_before", "master_clock_after", "tsc_step_cycles", "wallclock_step_ns",
                "drift_ns_per_s", "settle_s")) {
            assertThat(r.get(key)).as(key).isNotNull();
            assertThat(r.get(key).getNodeType()).as(key).isEqualTo(JsonNodeType.NULL);
        }
        assertThat(r.get("expected_jump").asBoolean()).isTrue();
        assertThat(r.get("vcpus").asInt()).isEqualTo(1);
        assertThat(r.get("observed_jump_ns_per_vcpu").isArray()).isTrue();
        assertThat(r.get("observed_jump_ns_per_vcpu")).isEmpty();
        assertThat(r.get("diagnostics").isArray()).isTrue();
        assertThat(r.get("diagnostics")).isEmpty();
    }

    @Test
    void allSkippedExitsFourAndANonFiniteDriftIsNull() throws Exception {
        JsonNode doc = roundTrip(Reports.allSkipped());
        assertThat(doc.get("exit_code").asInt()).isEqualTo(4);
        assertThat(doc.get("strict").asBoolean()).isTrue();
        assertThat(doc.get("settle_s").asDouble()).isEqualTo(0.5);

        TriggerResult nan = Reports.measured("tsc-write", kvmclockprobe.verdict.Status.SKIP, "inconclusive", Expectation.RESNAPSHOT,
                SyntheticMeasurement.measured().drift(SyntheticMeasurement.none()).observedNs(1), null, null);
        JsonNode r = roundTrip(new CheckReport(Reports.host(), 1.0, 30, false, List.of(nan))).get("results").get(0);
        assertThat(r.get("drift_ns_per_s").isNull()).isTrue();
        assertThat(r.get("drift_source").asText()).isEqualTo("none");
        assertThat(r.get("predicted_jump_ns").isNull()).isTrue();
        assertThat(r.get("resnapshot_jump_ns").isNull()).isTrue();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package kvmclockprobe.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.measurement.Derivation;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.report.TraceJson;
import kvmclockprobe.testing.LabFixtures;

/**
 * Derive and judge, with no KVM, on traces the lab recorded ({@code check --trace}) in Debian
 * kernels: each gives the verdict, the observed and the predicted jump that the probe reported
 * there, from the code that owns the arithmetic, not a copy of it. The fixtures are under
 * {@code src/test/resources/lab-traces/KERNEL/}: the run's {@code check.json} and one
 * {@code TRIGGER.trace.json} per measured trigger.
 */
class LabTraceTest {
    static Stream<Arguments> traces() throws IOException {
        return LabFixtures.recorded("lab-traces", "check.json", "trigger").stream()
                .map(r -> Arguments.of(r.label(), r.report().get("host"), r.result(), r.trace()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void aRecordedTraceDerivesAndJudgesAsTheLabReported(String name, JsonNode host, JsonNode recorded, Path traceFile) throws IOException {
        Measurement m = Derivation.measurement(TraceJson.read(traceFile));
        Trigger trigger = Triggers.byName(recorded.get("trigger").asText()).orElseThrow();
        Verdict v = trigger.expectation() == Expectation.KVMCLOCK_RATE ? RateJudge.judge(m, hostClock(host))
                : Judge.judge(trigger.expectation(), trigger.reference(), false, m);
        assertThat(v.status().label()).as("%s: %s", name, v.reason()).isEqualTo(recorded.get("status").asText());
        assertThat(m.observedJumpNs()).as(name).isEqualTo(recorded.get("observed_jump_ns").asLong());
        assertThat(m.resnapshotSeen()).as(name).isEqualTo(recorded.get("resnapshot_seen").asBoolean());
        assertThat(m.drift().source().label()).as(name).isEqualTo(recorded.get("drift_rate_source").asText());
        JsonNode predicted = recorded.get("predicted_jump_ns");
        if (predicted.isNull()) assertThat(v.predictedJumpNs()).as(name).isNull();
        else assertThat(v.predictedJumpNs()).as(name).isEqualTo(predicted.asLong());
    }

    /** The host clock facts as the run's JSON recorded them. */
    static HostClock hostClock(JsonNode h) {
        ClocksourceScale vdso = h.get("raw_clock_mult_vdso").isNull() ? null
                : new ClocksourceScale(h.get("raw_clock_mult_vdso").asLong(), h.get("raw_clock_shift_vdso").asInt());
        List<String> calibration = new ArrayList<>();
        h.get("tsc_calibration").forEach(l -> calibration.add(l.asText()));
        return new HostClock(h.get("clocksource").asText(), vdso, h.get("raw_clock_vdso_unavailable").asText(null),
                h.get("constant_tsc").isNull() ? null : h.get("constant_tsc").asBoolean(),
                h.path("cpufreq_policy").isBoolean() ? h.get("cpufreq_policy").asBoolean() : null, calibration,
                h.path("kernel_log_readable").asBoolean(!calibration.isEmpty()));
    }
}

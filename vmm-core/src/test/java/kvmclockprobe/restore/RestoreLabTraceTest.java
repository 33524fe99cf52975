package kvmclockprobe.restore;

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

import kvmclockprobe.report.TraceJson;
import kvmclockprobe.testing.LabFixtures;

/**
 * Derive and judge, with no KVM, on restore traces the lab recorded ({@code restore --trace}) in
 * Debian kernels: each gives the status, the error at the resume, its prediction and bound, and the
 * later jumps that the probe reported there. The fixtures are under
 * {@code src/test/resources/restore-traces/KERNEL/}: the run's {@code restore.json} and one
 * {@code RECIPE.trace.json} per measured recipe.
 */
class RestoreLabTraceTest {
    static Stream<Arguments> traces() throws IOException {
        return LabFixtures.recorded("restore-traces", "restore.json", "recipe").stream()
                .map(r -> Arguments.of(r.label(), r.result(), r.trace()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void aRecordedTraceDerivesAndJudgesAsTheLabReported(String name, JsonNode recorded, Path traceFile) throws IOException {
        RestoreTrace trace = TraceJson.readRestore(traceFile);
        assertThat(TraceJson.fromJson(TraceJson.toJson(trace), RestoreTrace.class)).as("%s round trip", name).isEqualTo(trace);
        Recipe recipe = Recipes.byName(trace.recipe()).orElseThrow();
        RestoreMeasurement m = RestoreDerivation.measurement(trace);
        RestoreVerdict v = RestoreJudge.knownBad(recipe, RestoreJudge.judge(recipe, m, trace.clocksource(), trace.clocksourceAfter()));
        assertThat(v.status().label()).as("%s: %s", name, v.reason()).isEqualTo(recorded.get("status").asText());
        assertThat(m.errorAtResumeNs()).as(name).isEqualTo(longOrNull(recorded.get("error_at_resume_ns")));
        assertThat(m.predictedErrorNs()).as(name).isEqualTo(longOrNull(recorded.get("predicted_error_ns")));
        assertThat(v.boundNs()).as(name).isEqualTo(longOrNull(recorded.get("bound_ns")));
        List<Long> later = new ArrayList<>();
        recorded.get("later_jumps_ns").forEach(j -> later.add(j.asLong()));
        assertThat(m.laterJumpsNs()).as(name).isEqualTo(later);
        assertThat(m.guestStopped()).as(name).isEqualTo(recorded.get("guest_stopped").asBoolean());
    }

    private static Long longOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asLong();
    }
}

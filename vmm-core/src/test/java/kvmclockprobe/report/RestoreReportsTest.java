package kvmclockprobe.report;

import static kvmclockprobe.restore.RestoreFixtures.frozen;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.RestoreFixtures;
import kvmclockprobe.restore.RestoreFixtures.Claims;
import kvmclockprobe.restore.RestoreReport;

/** {@code restore}'s TAP, JSON and JUnit from made-up results: a pass, a known-bad failure, a skip, a failure. */
class RestoreReportsTest {
    static RestoreReport mixed() {
        return new RestoreReport(Reports.host(), RestoreFixtures.report(List.of()).settings(), List.of(
                RestoreFixtures.measured(new Claims("good", Intent.FROZEN, false, true), frozen(1_200, List.of(), true)),
                RestoreFixtures.measured(new Claims("late", Intent.FROZEN, true, null), frozen(-4_000_000_000L, List.of(4_100_000_000L), false)),
                RestoreFixtures.skipped(new Claims("exact", Intent.FROZEN, false, null)),
                RestoreFixtures.measured(new Claims("bad", Intent.FROZEN, false, null),
                        RestoreFixtures.measurement(Intent.FROZEN, 200_000_000L, 0, List.of(), false))), 4);
    }

    @Test
    void tapMarksTheKnownBadFailureXfailAsKselftestPrintsItAndCountsIt() {
        StringWriter s = new StringWriter();
        RestoreTap.print(new PrintWriter(s), mixed());
        List<String> lines = s.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("TAP version 13");
        assertThat(lines.get(1)).isEqualTo("1..4");
        assertThat(lines).contains("ok 1 good", "not ok 4 bad", "# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0");
        assertThat(lines).anyMatch(l -> l.startsWith("ok 2 late # XFAIL known-bad sequence"));
        assertThat(lines).anyMatch(l -> l.equals("ok 3 exact # SKIP KVM_GET_CLOCK_GUEST is not in this kernel (ENOTTY)"));
        assertThat(lines).contains("# good: guest saw PVCLOCK_GUEST_STOPPED: yes", "# late: later jumps [+4100000000 ns]");
        assertThat(lines).anyMatch(l -> l.startsWith("# good: vCPU TSC offsets [-5000000, -5000000] cycles, spread 0 cycles"));
        assertThat(lines).anyMatch(l -> l.startsWith("# good: kvmclock across vCPUs after the resume: 0 readings"));
        assertThat(mixed().exitCode()).isEqualTo(1);
    }

    @Test
    void theTableHasARowPerRecipeWithItsStatusAndReasonAndTheSharedSummary() {
        StringWriter s = new StringWriter();
        RestoreTable.print(new PrintWriter(s), mixed());
        List<String> lines = s.toString().lines().toList();
        assertThat(lines.getFirst()).startsWith("recipe").contains("status").endsWith("reason");
        assertThat(lines).anyMatch(l -> l.startsWith("good ") && l.contains(" pass "));
        assertThat(lines).anyMatch(l -> l.startsWith("late ") && l.contains(" xfail ") && l.contains("known-bad sequence"));
        assertThat(lines).anyMatch(l -> l.startsWith("exact ") && l.contains(" skip ") && l.contains("KVM_GET_CLOCK_GUEST"));
        assertThat(lines).allMatch(l -> l.length() <= Table.WIDTH);
        assertThat(lines.getLast()).startsWith("restore: 1 passed, 1 failed, 1 skipped, 1 xfail (pause ");
    }

    @Test
    void anExpectedFailureAloneExitsZeroAndIsAnXfailInTapAndASkipInJunit() throws Exception {
        RestoreReport r = new RestoreReport(Reports.host(), RestoreFixtures.report(List.of()).settings(), List.of(
                RestoreFixtures.measured(new Claims("late", Intent.FROZEN, true, null), frozen(-4_000_000_000L, List.of(4_100_000_000L), false))), 1);
        StringWriter s = new StringWriter();
        RestoreTap.print(new PrintWriter(s), r);
        assertThat(s.toString().lines()).anyMatch(l -> l.startsWith("ok 1 late # XFAIL ")).noneMatch(l -> l.startsWith("not ok"))
                .contains("# Totals: pass:0 fail:0 xfail:1 xpass:0 skip:0 error:0");
        assertThat(r.exitCode()).isZero();
        ReportTestSuite suite = CheckJunitTest.surefire(RestoreJunit.xml(r)).getFirst();
        assertThat(suite.getNumberOfFailures()).isZero();
        assertThat(suite.getNumberOfSkipped()).isEqualTo(1);
    }

    @Test
    void jsonHasEveryKeyWithItsUnitAndNullWhereNothingWasMeasured() throws Exception {
        JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(RestoreJson.toJson(mixed()).toString());
        assertThat(j.get("pause_ms").asLong()).isEqualTo(200);
        assertThat(j.get("summary").get("xfail").asLong()).isEqualTo(1);
        JsonNode good = j.get("results").get(0);
        assertThat(good.get("error_at_resume_ns").asLong()).isEqualTo(1_200);
        assertThat(good.get("bound_ns").asLong()).isEqualTo(2_000);
        assertThat(good.get("timing").asText()).isEqualTo("guest TSC");
        assertThat(good.get("guest_stopped").asBoolean()).isTrue();
        assertThat(good.get("intent").asText()).isEqualTo("frozen");
        JsonNode skipped = j.get("results").get(2);
        assertThat(skipped.get("status").asText()).isEqualTo("skip");
        assertThat(skipped.get("error_at_resume_ns").isNull()).isTrue();
        assertThat(skipped.get("later_jumps_ns").size()).isZero();
        List<String> keys = iterable(good.fieldNames());
        assertThat(iterable(skipped.fieldNames())).containsExactlyElementsOf(keys);
        assertThat(keys.stream().filter(k -> k.endsWith("_ns"))).contains("error_at_resume_ns", "predicted_error_ns", "tsc_step_ns", "exit_slack_ns");
        assertThat(j.get("results").get(1).get("expected_failure").asBoolean()).isTrue();
        assertThat(good.get("master_clock_after_resume").asText()).isEqualTo("on");
        assertThat(good.get("tsc_offsets_cycles").size()).isEqualTo(2);
        assertThat(good.get("tsc_offset_spread_cycles").asLong()).isZero();
        assertThat(good.get("kvmclock_cross_vcpu_violations").size()).isEqualTo(2);
        assertThat(skipped.get("master_clock_after_resume").isNull()).isTrue();
        assertThat(skipped.get("tsc_offsets_cycles").size()).isZero();
    }

    @Test
    void surefireReadsATestCasePerRecipeWithTheExpectedFailureSkipped() throws Exception {
        List<ReportTestSuite> suites = CheckJunitTest.surefire(RestoreJunit.xml(mixed()));
        ReportTestSuite suite = suites.getFirst();
        assertThat(suite.getNumberOfTests()).isEqualTo(4);
        assertThat(suite.getNumberOfFailures()).isEqualTo(1);
        assertThat(suite.getNumberOfSkipped()).isEqualTo(2);
        Map<String, ReportTestCase> cases = suite.getTestCases().stream().collect(Collectors.toMap(ReportTestCase::getName, Function.identity()));
        assertThat(cases.get("good").isSuccessful()).isTrue();
        assertThat(cases.get("late").hasSkipped()).isTrue();
        assertThat(cases.get("late").getFailureMessage()).startsWith("expected failure (xfail): known-bad sequence");
        assertThat(cases.get("bad").hasFailure()).isTrue();
        assertThat(cases.get("bad").getFailureMessage()).contains("error +200000000 ns against the intent");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;

class CheckTapTest {

    static String tap(CheckReport r) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            CheckTap.print(out, r);
        }
        return s.toString();
    }

    @Test
    void roundTripsThroughAStrictParser() {
        CheckReport r = Reports.mixed();
        String text = tap(r);
        TapParser.Document doc = TapParser.parse(text);

        assertThat(text).startsWith("TAP version 13\n1..9\n");
        assertThat(doc.plan()).isEqualTo(r.results().size());
        assertThat(doc.points()).hasSize(doc.plan());
        assertThat(doc.bailedOut()).isFalse();
        for (int i = 0; i < r.results().size(); i++) {
            TriggerResult t = r.results().get(i);
            TapParser.TestPoint p = doc.points().get(i);
            assertThat(p.number()).isEqualTo(i + 1);
            assertThat(p.description()).isEqualTo(t.trigger());
            assertThat(p.ok()).as(t.trigger()).isEqualTo(t.status() != Status.FAIL);
            assertThat(p.skipped()).as(t.trigger()).isEqualTo(t.status() == Status.SKIP);
            if (t.status() == Status.SKIP) assertThat(p.reason()).isEqualTo(t.reason());
            else assertThat(p.directive()).isNull();
        }
    }

    @Test
    void resultLinesAreExactlyKselftests() {
        List<String> lines = tap(Reports.mixed()).lines().toList();
        assertThat(lines).contains("ok 1 set-clock", "not ok 3 tsc-write",
                "ok 8 suspend-resume # SKIP needs root and a host that can suspend");
    }

    @Test
    void totalsLineCountsEachStatus() {
        List<String> lines = tap(Reports.mixed()).lines().toList();
        assertThat(lines.getLast()).isEqualTo("# Totals: pass:5 fail:1 xfail:0 xpass:0 skip:3 error:0");
        assertThat(tap(Reports.allSkipped()).lines().toList().getLast())
                .isEqualTo("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:2 error:0");
    }

    @Test
    void aFailsReasonAndNumbersAreDiagnosticsBeforeItsResult() {
        CheckReport r = Reports.mixed();
        TriggerResult fail = r.results().get(2);
        TapParser.Document doc = TapParser.parse(tap(r));
        // the comments between test point 2 and test point 3 belong to test point 3
        List<String> diag = doc.comments().stream().filter(c -> c.afterPoint() == 1).map(TapParser.Comment::text).toList();
        assertThat(diag).contains("tsc-write: fail: " + fail.reason());
        assertThat(diag).contains(
                "tsc-write: observed jump -1263 ns, predicted 0 ns ± 5 ns (a correct kernel does not move the guest clock here)",
                "tsc-write: observed jump per vCPU: [-1263 ns, -1259 ns]",
                "tsc-write: drift +63.20 ns/s (B-A, arithmetic)",
                "tsc-write: master clock before on, after off",
                "tsc-write: tsc step +1234567 cycles",
                "tsc-write: vcpus 2",
                "tsc-write: pvclock version changed 2 times",
                "tsc-write: line one",
                "tsc-write: line two");
        assertThat(diag).noneMatch(d -> d.startsWith("tsc-write: wallclock"));
    }

    @Test
    void xenWallclockStepIsADiagnostic() {
        TapParser.Document doc = TapParser.parse(tap(Reports.mixed()));
        assertThat(doc.commentTexts()).anyMatch(c -> c.startsWith("xen-shared-info: shared_info wallclock: before wc_version 2")
                && c.endsWith("step 987654 ns"));
        assertThat(doc.commentTexts()).contains("xen-shared-info: wallclock check (xen_shinfo_test): shared_info wallclock + kvmclock "
                        + "within [realtime before, realtime after]",
                "xen-shared-info: tsc step unknown");
    }

    @Test
    void aHashInATriggerNameIsEscapedAndSurvives() {
        CheckReport r = new CheckReport(Reports.host(), 1.0, 30, false, List.of(
                Reports.skip("odd#name\\x", false, "because # reasons")));
        String text = tap(r);
        assertThat(text).contains("ok 1 odd\\#name\\\\x # SKIP because # reasons");
        TapParser.TestPoint p = TapParser.parse(text).points().getFirst();
        assertThat(p.description()).isEqualTo("odd#name\\x");
        assertThat(p.reason()).isEqualTo("because # reasons");
    }

    @Test
    void anInterruptedRunPlansEveryTriggerAndSaysSo() {
        CheckReport mixed = Reports.mixed();
        CheckReport cut = new CheckReport(mixed.host(), 10.0, 30, false, mixed.results().subList(0, 2), List.of(), 11, true);
        String text = tap(cut);
        TapParser.Document doc = TapParser.parse(text);
        assertThat(doc.plan()).isEqualTo(11);
        assertThat(doc.points()).hasSize(2);
        assertThat(text).contains("# incomplete: interrupted by SIGINT/SIGTERM after 2 of 11 triggers");
    }

    @Test
    void emptyReportIsAnEmptyPlan() {
        String text = tap(new CheckReport(Reports.host(), 1.0, 30, false, List.of()));
        assertThat(text.lines().toList()).containsExactly("TAP version 13", "1..0",
                "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0");
        assertThat(TapParser.parse(text).points()).isEmpty();
    }

    @Test
    void theParserRejectsWhatItDoesNotUnderstand() {
        assertThatThrownBy(() -> TapParser.parse("1..1\nok 1 a\n")).hasMessageContaining("TAP version 13");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\nok 1 a\nhello\n")).hasMessageContaining("line 4");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\n\nok 1 a\n")).hasMessageContaining("line 3");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\nok a\n")).hasMessageContaining("without a number");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\nok 1 a\n1..1\n")).hasMessageContaining("second plan");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\nok 1 a\n")).hasMessageContaining("no plan");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\n#comment\n")).hasMessageContaining("not a TAP line");
        assertThatThrownBy(() -> TapParser.parse("TAP version 13\n1..1\nok 1 a\\q\n")).hasMessageContaining("escape");
    }
}

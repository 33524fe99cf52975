package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.TriggerResult;

class CheckTableTest {

    static String table(CheckReport r) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            CheckTable.print(out, r);
        }
        return s.toString();
    }

    @Test
    void everyTriggerWithItsStatusAndTheSummary() {
        CheckReport r = Reports.mixed();
        String text = table(r);
        List<String> lines = text.lines().toList();
        assertThat(lines.getFirst()).startsWith("trigger").contains("status", "observed", "predicted", "reason");
        for (TriggerResult t : r.results()) {
            assertThat(lines).as(t.trigger()).anySatisfy(l -> assertThat(l)
                    .startsWith(t.trigger() + " ").contains(" " + t.status().label() + " "));
        }
        assertThat(lines.getLast())
                .isEqualTo("check: 5 passed, 1 failed, 3 skipped (settle 10 s, 1–2 vCPUs, host 6.18.44, master clock on)");
    }

    @Test
    void jumpsHaveTheirSignAndUnitAndAbsentOnesADash() {
        String text = table(Reports.mixed());
        String failRow = text.lines().filter(l -> l.startsWith("tsc-write ")).findFirst().orElseThrow();
        assertThat(failRow).contains("fail", "-1263 ns", "0 ns");
        String passRow = text.lines().filter(l -> l.startsWith("set-clock ")).findFirst().orElseThrow();
        assertThat(passRow).contains("+1000000000 ns");
        String skipRow = text.lines().filter(l -> l.startsWith("migration ")).findFirst().orElseThrow();
        assertThat(skipRow).containsPattern("skip +— +— +needs a second host");
    }

    @Test
    void columnsAreAlignedAndRowsFitIn120Columns() {
        List<String> lines = table(Reports.mixed()).lines().toList();
        List<String> table = lines.subList(0, (int) lines.stream().takeWhile(l -> !l.startsWith("settle ") && !l.startsWith("check: ")).count());
        assertThat(table).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
        int reasonCol = lines.getFirst().indexOf("reason");
        for (String l : table.subList(1, table.size())) {
            if (l.startsWith(" ")) { // a continuation of a wrapped reason starts in the reason column
                assertThat(l.length() - l.stripLeading().length()).isEqualTo(reasonCol);
            } else {
                assertThat(l.charAt(reasonCol - 1)).as(l).isEqualTo(' ');
                assertThat(l.charAt(reasonCol)).as(l).isNotEqualTo(' ');
            }
        }
        int statusCol = lines.getFirst().indexOf("status");
        for (String l : table.subList(1, table.size())) {
            if (!l.startsWith(" ")) assertThat(l.substring(statusCol)).matches("(pass|fail|skip) .*");
        }
    }

    @Test
    void aLongReasonWrapsWithoutLosingAnyNumber() {
        CheckReport r = Reports.mixed();
        String reason = r.results().stream().filter(t -> t.trigger().equals("tsc-write")).findFirst().orElseThrow().reason();
        List<String> lines = table(r).lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith("tsc-write ")) start++;
        int reasonCol = lines.getFirst().indexOf("reason");
        StringBuilder joined = new StringBuilder(lines.get(start).substring(reasonCol));
        for (int i = start + 1; lines.get(i).startsWith(" "); i++) joined.append(' ').append(lines.get(i).strip());
        assertThat(joined.toString()).isEqualTo(reason);
        Matcher m = Pattern.compile("-?\\d+").matcher(reason);
        while (m.find()) assertThat(joined.toString()).contains(m.group());
    }

    @Test
    void wrapCutsAWordLongerThanTheColumnButKeepsAllOfIt() {
        assertThat(Table.wrap("abcdefghij xy", 4)).containsExactly("abcd", "efgh", "ij", "xy");
        assertThat(Table.wrap("", 10)).containsExactly("");
    }

    @Test
    void allSkippedSummary() {
        assertThat(table(Reports.allSkipped()).lines().toList().getLast())
                .isEqualTo("check: 0 passed, 0 failed, 2 skipped (settle 0.5 s, 1 vCPU, host 6.18.44, master clock on, strict)");
    }
}

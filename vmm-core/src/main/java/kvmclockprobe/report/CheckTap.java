package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.TriggerResult;
import kvmclockprobe.check.Verdict;
import kvmclockprobe.measurement.Measurement;

/**
 * The {@code check --tap} output, as the kernel's KVM selftests print it through
 * {@code kselftest.h}: {@code TAP version 13}, the plan {@code 1..N}, for each trigger its
 * {@code # } diagnostic lines followed by {@code ok N trigger}, {@code not ok N trigger} or
 * {@code ok N trigger # SKIP reason}, {@code not ok N trigger # error reason}, and {@code ksft_print_cnts()}'s {@code # Totals:} line.
 */
public final class CheckTap {
    private CheckTap() {}

    public static void print(PrintWriter out, CheckReport r) {
        Tap.print(out, r, "triggers", CheckTap::diagnostics);
    }

    /** What a reader of the TAP stream needs besides the verdict, one item per {@code #} line. */
    static List<String> diagnostics(TriggerResult t) {
        List<String> lines = new ArrayList<>();
        if (!(t instanceof TriggerResult.Measured measured)) { // the reason is on the result line; nothing was measured
            lines.addAll(t.diagnostics());
            return lines;
        }
        Measurement m = measured.measurement();
        Verdict v = measured.verdict();
        if (t.reason() != null && !t.reason().isBlank()) lines.add(t.status().label() + ": " + t.reason());
        lines.add("observed jump " + Table.ns(m.observedJumpNs()) + ", predicted " + Table.ns(v.predictedJumpNs())
                + (v.toleranceNs() == null ? "" : " ± " + v.toleranceNs() + " ns") + " (a correct kernel "
                + (t.expectedJump() ? "moves" : "does not move") + " the guest clock here)");
        if (m.observedJumpNsPerVcpu().size() > 1) {
            lines.add("observed jump per vCPU: " + m.observedJumpNsPerVcpu().stream().map(Table::ns).toList());
        }
        lines.add("drift " + Table.nsPerSec(m.drift().bMinusANsPerSec()) + " (B-A, " + m.drift().source().label() + ")");
        lines.add("master clock before " + onOff(m.masterClockBefore()) + ", after " + onOff(m.masterClockAfter()));
        lines.add("tsc step " + (m.tscStepCycles() == null ? "unknown"
                : (m.tscStepCycles() > 0 ? "+" : "") + m.tscStepCycles() + " cycles"));
        lines.add("vcpus " + t.vcpus());
        if (m.effect().wallclock() != null) {
            lines.add(m.effect().wallclock().describeStep());
            lines.add(m.effect().wallclock().describeCheck());
        }
        lines.addAll(t.diagnostics());
        return lines;
    }

    /** One {@code # prefix} line per line of {@code text}: a line break must never end the comment. */
    private static String onOff(Boolean b) {
        return b == null ? "unknown" : b ? "on" : "off";
    }
}

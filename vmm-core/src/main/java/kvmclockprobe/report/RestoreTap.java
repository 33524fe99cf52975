package kvmclockprobe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.restore.CrossVcpu;
import kvmclockprobe.restore.RestoreMeasurement;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;

/**
 * The {@code restore --tap} output, as {@code check --tap}: kselftest TAP 13, a known-bad recipe's
 * expected failure as kselftest's {@code ksft_test_result_xfail} prints it, {@code ok N name # XFAIL reason}
 * (TAP counts it as a pass, as the exit code and JUnit do), and the Totals line.
 */
public final class RestoreTap {
    private RestoreTap() {}

    public static void print(PrintWriter out, RestoreReport r) {
        Tap.print(out, r, "recipes", RestoreTap::lines);
    }

    /** The verdict line, the measurement and the steps, for TAP {@code #} lines and JUnit's system-out. */
    static List<String> lines(RestoreResult t) {
        List<String> lines = new ArrayList<>();
        if (t instanceof RestoreResult.Measured) lines.add(t.status().label() + ": " + t.reason());
        lines.addAll(diagnostics(t));
        return lines;
    }

    /** What a reader needs besides the verdict. */
    static List<String> diagnostics(RestoreResult t) {
        List<String> lines = new ArrayList<>();
        lines.add(t.recipe().vmm() + ": " + t.recipe().source());
        lines.add("intent: the guest clock " + t.recipe().intent().description());
        if (t instanceof RestoreResult.Errored e) lines.addAll(e.diagnostics());
        if (!(t instanceof RestoreResult.Measured x)) return lines;
        RestoreMeasurement m = x.measurement();
        lines.add(String.format("error at resume %s against the intent, predicted %s, bound %s (%s timing)",
                Table.ns(m.errorAtResumeNs()), Table.ns(m.predictedErrorNs()), Table.ns(x.verdict().boundNs()), m.timing()));
        lines.add(String.format("guest clock step across the pause %s, intended %s (slack at exit %s, at entry %s); host gap %s",
                Table.ns(m.guestStepNs()), Table.ns(m.intendedStepNs()), Table.ns(m.exitSlackNs()),
                Table.ns(m.entrySlackNs()), Table.ns(m.hostGapNs())));
        lines.add("the guest's pvclock at the entry against KVM_GET_CLOCK: " + Table.ns(m.pvclockVsKvmClockNs()));
        lines.add("the captured clock against the guest's at that instant " + Table.ns(m.captureVsGuestClockNs()) + ", predicted "
                + Table.ns(m.predictedCaptureVsGuestClockNs()) + " (drift " + Table.nsPerSec(m.driftNsPerSec()) + " B-A)");
        lines.add(String.format("the clock ran %s from the guest's last reading to the capture; %s from the set to the entry",
                Table.ns(m.stopLatencyNs()), Table.ns(m.resumeLatencyNs())));
        lines.add("later jumps " + (m.laterJumpsNs().isEmpty() ? "none" : m.laterJumpsNs().stream().map(Table::ns).toList())
                + (m.predictedLaterJumpsNs().isEmpty() ? "" : ", predicted " + m.predictedLaterJumpsNs().stream().map(Table::ns).toList()));
        lines.add("tsc step " + (m.tscStepCycles() == null ? "unknown" : m.tscStepCycles() + " cycles (" + Table.ns(m.tscStepNs()) + ")"));
        lines.add("guest saw PVCLOCK_GUEST_STOPPED: " + (m.guestStopped() ? "yes" : "no"));
        lines.add("master clock at the save " + onOff(m.masterClockAtSave()) + ", at the end " + onOff(m.masterClockAfter())
                + (m.masterClock() == null ? "" : "; in the guest's pvclock after the resume: " + m.masterClock().describe()
                + " (" + m.masterClock().updates() + " updates on vCPU 0)"));
        lines.addAll(crossVcpu(m));
        lines.add("samples before " + m.samplesBefore() + ", at the end " + m.samplesAfter());
        m.steps().forEach(s -> lines.add("step: " + s));
        lines.addAll(m.diagnostics());
        return lines;
    }

    /** The vCPUs against one another after the resume. */
    static List<String> crossVcpu(RestoreMeasurement m) {
        CrossVcpu c = m.crossVcpu();
        if (c == null) return List.of();
        return List.of(
                "vCPU TSC offsets " + c.tscOffsetsCycles() + " cycles, spread " + (c.tscOffsetSpreadCycles() == null ? "unknown"
                        : c.tscOffsetSpreadCycles() + " cycles") + ": the raw TSC can step back across vCPUs by " + Table.ns(c.tscBackwardNs()),
                "kvmclock across vCPUs after the resume: " + c.kvmclockViolationsTotal() + " readings below another vCPU's "
                        + c.kvmclockViolations() + ", worst " + Table.ns(c.kvmclockWorstNs())
                        + (c.eventsLost() > 0 ? " (" + c.eventsLost() + " events lost: the worst may be missed)" : ""));
    }

    private static String onOff(Boolean b) {
        return b == null ? "unknown" : b ? "on" : "off";
    }
}

package kvmclockprobe.measurement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ControlResnapshot;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.clock.ReferencePoint;
import kvmclockprobe.sampler.GuestEvent;

/**
 * Derives a {@link Measurement} from a recorded {@link Trace}: pure, no I/O and no clock, so
 * every step runs on traces recorded in the lab as test fixtures.
 */
public final class Derivation {
    private Derivation() {}

    /** What one action did to every vCPU's pvclock, from the host's views around it and the guest's events. */
    public record Across(TriggerWindow window, long sinceSnapshotNs, Long oldAtNewReferenceNs, long tscStep0) {}

    public static Measurement measurement(Trace t) {
        AnalyticDrift analytic = analytic(t);
        Across action = across(t.action());
        ControlResnapshot control = t.control() == null ? null : control(t.control(), analytic);
        DriftEstimate drift = DriftEstimate.decide(analytic, AnalyticDrift.unavailable(t.tscKhz()), control, t.fit());
        boolean lost = action.window().stableLost() || t.masterOffAfter();
        Trace.HostView before = t.action().before(), after = t.action().after();
        List<String> diagnostics = diagnostics(t, drift, action, lost);
        return new Measurement(t.vcpus(), t.settleS(), t.settleWhy(), drift, action.sinceSnapshotNs(), action.window(),
                action.oldAtNewReferenceNs(), before.pages().getFirst().reference(), after.pages().getFirst().reference(),
                before.masterClock(), after.masterClock(), lost, t.offsetKnown() ? action.tscStep0() : null, t.action().effect(),
                diagnostics, t.plot());
    }

    /** The kernel's arithmetic for this VM (applicable or not); null without a TSC rate. */
    public static AnalyticDrift analytic(Trace t) {
        return AnalyticDrift.orNull(t.tscKhz(), t.clocksource(), t.vdsoRaw(), t.vdsoUnavailable(), t.startParams());
    }

    public static Across across(Trace.Window w) {
        int vcpus = w.before().pages().size();
        long[] steps = new long[vcpus];
        for (int i = 0; i < vcpus; i++) steps[i] = w.after().tscOffsets().get(i) - w.before().tscOffsets().get(i);
        TriggerWindow tw = TriggerWindow.derive(w.events(), steps, w.before().pages(), w.after().pages());
        GuestEvent first = tw.firstChangeOnVcpu0();
        long since = first == null ? w.before().sinceSnapshotNs() + (w.effect().rawAfterNs() - w.before().rawNs()) : sinceSnapshot(first, steps[0]);
        Long oldAtNew = first == null ? null : first.oldParams().nsAt(first.newParams().tscTimestamp() - steps[0]);
        return new Across(tw, since, oldAtNew, steps[0]);
    }

    /**
     * The guest time from the last snapshot to the one at {@code change}. A new snapshot's
     * {@code system_time} is {@code master_kernel_ns + kvmclock_offset}: the clock at the
     * instant KVM took it, so the difference of the two references is that time exactly, however
     * late the guest sampled the new page (under TCG, up to a scheduling delay later). Where the
     * reference did not move forward (no snapshot), the guest's own reading at its first sample
     * after the change.
     */
    static long sinceSnapshot(GuestEvent change, long tscStep) {
        long bySnapshots = change.newParams().systemTimeNs() - change.oldParams().systemTimeNs();
        long bySample = change.oldParams().nsAt(change.tsc() - tscStep) - change.oldParams().systemTimeNs();
        return bySnapshots > 0 && bySnapshots <= bySample ? bySnapshots : bySample;
    }

    /** The control re-snapshot's jump on vCPU 0 and the time since the snapshot before it; the vDSO arithmetic's prediction where it exists. */
    static ControlResnapshot control(Trace.Window w, AnalyticDrift analytic) {
        Across c = across(w);
        Long predicted = analytic != null && analytic.tscClocksource() && analytic.vdsoRaw() != null
                ? DriftEstimate.resnapshotJumpNs(analytic.bMinusANsPerSec(), c.sinceSnapshotNs()) : null;
        return new ControlResnapshot(String.join("; ", w.effect().notes()), c.window().jumpsNs().getFirst(), c.sinceSnapshotNs(),
                c.window().resnapshotSeen(), predicted);
    }

    private static List<String> diagnostics(Trace t, DriftEstimate drift, Across a, boolean lost) {
        List<String> d = new ArrayList<>();
        d.add("settle " + t.settleWhy());
        d.add("drift: " + drift.source().label() + ": " + drift.why());
        DriftResult fit = drift.fit();
        if (fit != null) {
            String err = Double.isFinite(fit.bMinusAErrNsPerSec())
                    ? String.format(Locale.ROOT, "± %.2f ns/s (block scatter; textbook ± %.2f)", fit.bMinusAErrNsPerSec(), fit.bMinusAStderrNsPerSec())
                    : "ns/s (too few readings for an error bar)";
            d.add(String.format(Locale.ROOT, "fit (a diagnostic): B-A %+.2f %s over %.1f s (%d readings); C-B %+.2f ns/s",
                    fit.bMinusANsPerSec(), err, fit.durationS(), fit.readingsUsed(), fit.cMinusBNsPerSec()));
        }
        AnalyticDrift an = drift.analytic();
        if (an != null && !an.kvmTimeScale().equals(an.pvclock())) {
            d.add("the guest's pvclock mul/shift " + an.pvclock() + " differ from kvm_get_time_scale for " + an.tscKhz() + " kHz " + an.kvmTimeScale());
        }
        d.add(String.format(Locale.ROOT, "%.3f s of guest time since the last master-clock snapshot", a.sinceSnapshotNs() / 1e9));
        ReferencePoint before = t.action().before().pages().getFirst().reference(), after = t.action().after().pages().getFirst().reference();
        d.add("reference point (vCPU 0): before " + before + "; after " + after);
        d.addAll(a.window().resnapshotSeen() ? a.window().moves().stream().map(m -> "re-snapshot: " + m).toList()
                : List.of("no re-snapshot: no vCPU's reference point moved"));
        d.add("A/B samples: " + t.readerMethod());
        d.addAll(t.action().effect().notes());
        d.add(t.offsetKnown() ? "guest TSC step at the trigger: " + a.tscStep0() + " cycles (KVM_VCPU_TSC_OFFSET before/after)"
                : "guest TSC step unknown: no KVM_VCPU_TSC_OFFSET (assumed 0)");
        Trace.GuestCounters g = t.guestCounters();
        d.add("guest: " + a.window().changes() + " pvclock change(s) after the trigger, jumps per vCPU " + a.window().jumpsNs()
                + ", PVCLOCK_GUEST_STOPPED seen per vCPU " + a.window().guestStoppedSeen() + ", backward steps " + g.backwardSteps()
                + ", cross-vCPU violations " + g.crossVcpuViolations() + ", events lost " + g.eventsLost());
        if (lost) {
            d.add("the master clock went off after the trigger" + (a.window().stableLost() ? " (the guest's pvclock lost PVCLOCK_TSC_STABLE_BIT)" : "")
                    + (t.action().after().masterClock() ? " and came back on" : " and was still off at the end"));
        }
        if (t.control() != null) d.add("control re-snapshot: " + control(t.control(), an).describe());
        return d;
    }
}

package kvmclockprobe.restore;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.VcpuStatus;
import kvmclockprobe.sys.HostInstant;

/**
 * A recipe's recorded run ({@link RestoreTrace}) → what the guest clock did across the pause
 * against the sequence's intent and prediction ({@link RestoreMeasurement}). Pure: no I/O.
 */
public final class RestoreDerivation {
    private RestoreDerivation() {}

    /** The guest TSC's step across the pause in ns; null where there was none to see or it went back. */
    private static Long tscStepNs(GuestEvent first, Long tscCycles) {
        return first == null || tscCycles < 0 ? null : cyclesToNs(first, tscCycles);
    }

    /**
     * The guest clock at its first entry after the resume against the sequence's intent.
     *
     * @param stepNs         the step the guest saw across the pause
     * @param errorNs        its clock at the entry minus the intent (the clock at the exit, plus the gap for a real-time VMM)
     * @param predictedNs    that error as the sequence's ioctls predict it, null where they cannot
     * @param intendedStepNs the step the intent accounts for
     */
    record AtEntry(Long stepNs, Long errorNs, Long predictedNs, Long intendedStepNs) {
        static AtEntry of(GuestEvent first, long lastBeforeNs, Timing t, Prediction p, long realGapNs) {
            if (first == null) return new AtEntry(null, null, null, null);
            long intendedAtEntry = t.clockAtExit() + realGapNs;
            long step = first.ns() - lastBeforeNs;
            long error = t.clockAtEntry() - intendedAtEntry;
            Long predicted = p.clockAtEntryNs() == null ? null : p.clockAtEntryNs() - intendedAtEntry;
            return new AtEntry(step, error, predicted, step - error);
        }
    }

    /** The guest clock's rate against raw time over a gap of a few seconds: 1 us covers drift up to ~100 ns/s over 10 s. */
    static final long RATE_GUARD_NS = 1_000;

    /** The measurement of a recorded run. */
    public static RestoreMeasurement measurement(RestoreTrace ctx) {
        List<String> diagnostics = new ArrayList<>(ctx.notes());
        VcpuStatus before = ctx.lastBefore();
        List<GuestEvent> changes = ctx.events().stream().filter(e -> e.vcpu() == 0 && e.isVersionChange()).toList();
        GuestEvent first = changes.isEmpty() ? null : changes.get(0);
        // The reading before the first pvclock change used the old parameters, so it was taken before
        // the pause; it is the last one (the block's last_ns may lag it by one unstored sample).
        long lastBeforeNs = first != null ? first.prevNs() : before.lastNs();
        HostInstant exit = ctx.stopped(), entry = ctx.firstEntry();
        long hostGapNs = entry.rawNs() - exit.rawNs();
        boolean real = ctx.intent() == Intent.REAL_TIME;

        Prediction prediction = Prediction.atEntry(ctx.savedGuestClock(), ctx.sets(), ctx.atResume(), ctx.atResumeRawNs(), entry,
                ctx.targetTscOffset());

        TscOffset src = ctx.sourceTscOffset(), dst = ctx.targetTscOffset();
        Timing t = first == null ? Timing.none(prediction.bracketNs() + RATE_GUARD_NS)
                : exit.hasTsc() && entry.hasTsc() && src != null && dst != null
                ? Timing.onGuestTsc(first, lastBeforeNs, exit, entry, src, dst, ctx.atResume(), prediction.bracketNs(), diagnostics)
                : Timing.coarse(first, lastBeforeNs, exit, ctx.atStop(), prediction.bracketNs(), diagnostics);
        AtEntry at = AtEntry.of(first, lastBeforeNs, t, prediction, real ? hostGapNs : 0);
        Long error = at.errorNs(), predicted = at.predictedNs(), intended = at.intendedStepNs(), step = at.stepNs();
        ClockData captured = ctx.captured() != null ? ctx.captured() : ctx.atStop();
        long stopLatency = captured.clockNs() - lastBeforeNs;
        CaptureCheck cap = first == null ? new CaptureCheck(null, null, null) : CaptureCheck.of(ctx, captured, first, exit, src, diagnostics);
        List<Long> later = changes.stream().skip(1).map(GuestEvent::jumpNs).filter(j -> j != 0).toList();
        boolean guestStopped = changes.stream().anyMatch(e -> e.newParams().guestStopped());
        Long tscCycles = first == null ? null : first.tsc() - first.prevTsc(), tscNs = tscStepNs(first, tscCycles);

        List<String> steps = steps(ctx, lastBeforeNs, hostGapNs, src, dst, prediction);
        return new RestoreMeasurement(ctx.recipe(), ctx.intent(), ctx.vcpus(), ctx.pauseMs(),
                lastBeforeNs, first == null ? null : first.ns(), step, hostGapNs, t.exitSlackNs(), t.entrySlackNs(), intended, error, predicted,
                t.uncertaintyNs(), t.name(), t.pvclockVsKvmNs(), cap.driftNsPerSec(), cap.captureVsGuestNs(), cap.predictedNs(), stopLatency,
                prediction.resumeLatencyNs(), realtimeSlewNs(ctx), later, predictedLaterJumps(ctx), tscCycles, tscNs, guestStopped,
                ctx.atStop().tscStable(), ctx.end().tscStable(), before.samples(), ctx.lastAll().getFirst().samples(), steps, diagnostics,
                MasterClockAfter.of(changes), crossVcpu(ctx));
    }

    /** For each {@code KVM_SET_CLOCK} while the guest ran: the value set minus the clock read just before. */
    static List<Long> predictedLaterJumps(RestoreTrace ctx) {
        return ctx.sets().stream().filter(SetClockStep::guestRunning).map(s -> Prediction.effectiveClock(s) - s.before().clockNs()).toList();
    }

    /** With {@code KVM_CLOCK_REALTIME}: realtime minus raw time elapsed from the capture to the last set before the resume. */
    static long realtimeSlewNs(RestoreTrace ctx) {
        SetClockStep s = Prediction.lastBeforeResume(ctx.sets());
        if (s == null || (s.flags() & kvm_h.KVM_CLOCK_REALTIME) == 0 || ctx.captured() == null) return 0;
        return (s.realNs() - ctx.capturedRealNs()) - (s.rawBeforeNs() - ctx.capturedRawNs());
    }

    /** The sequence as issued, one line per step, for the report. */
    static List<String> steps(RestoreTrace ctx, long lastBeforeNs, long hostGapNs, TscOffset src, TscOffset dst, Prediction prediction) {
        List<String> steps = new ArrayList<>();
        steps.add(String.format("pause: vCPU 0 out of the guest; its last reading %d ns; KVM_GET_CLOCK %d ns (%s)",
                lastBeforeNs, ctx.atStop().clockNs(), ctx.atStop().tscStable() ? "master clock on" : "master clock off"));
        if (ctx.captured() != null) steps.add("capture: KVM_GET_CLOCK " + ctx.captured().clockNs() + " ns, flags 0x" + Integer.toHexString(ctx.captured().flags())
                + (ctx.captured().hasRealtime() ? "; its realtime minus CLOCK_REALTIME read just before it " + (ctx.captured().realtimeNs() - ctx.capturedRealNs()) + " ns" : ""));
        for (SetClockStep s : ctx.sets()) {
            steps.add(String.format("KVM_SET_CLOCK %d ns, flags 0x%x%s%s", s.clockNs(), s.flags(),
                    (s.flags() & kvm_h.KVM_CLOCK_REALTIME) != 0 ? ", realtime " + s.realtimeNs() : "",
                    s.guestRunning() ? " while the guest ran (its clock read " + s.before().clockNs() + " ns just before)" : " before the resume"));
        }
        steps.addAll(ctx.ctrl());
        steps.add(String.format("resume: KVM_GET_CLOCK %d ns just before; vCPU 0 entered %d us after it left", ctx.atResume().clockNs(), hostGapNs / 1000));
        if (src != null && dst != null) steps.add("TSC offsets from " + src.how() + " and " + dst.how());
        steps.add("the prediction: " + prediction.from());
        return steps;
    }

    /** The resumed vCPUs against one another: their TSC offsets and the guest's cross-vCPU readings. */
    static CrossVcpu crossVcpu(RestoreTrace ctx) {
        List<Long> offsets = ctx.targetTscOffsets().stream().map(o -> o == null ? null : o.cycles()).toList();
        return CrossVcpu.of(offsets, ctx.sourceTscKhz(), ctx.lastBeforeAll(), ctx.lastAll(), ctx.events());
    }

    /** {@code cycles} (>= 0) in ns through the guest's new pvclock scale. */
    static long cyclesToNs(GuestEvent e, long cycles) {
        var p = e.newParams();
        return p.nsAt(p.tscTimestamp() + cycles) - p.systemTimeNs();
    }
}

package kvmclockprobe.restore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.KvmUnavailableException;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sys.HostInstant;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * Runs recipes, each on its own fresh sampler VM: the guest samples its clock for a warm-up,
 * the recipe pauses, saves, waits out the downtime, restores and resumes it, the guest samples
 * on for a while, and the harness turns what vCPU 0 saw into a {@link RestoreMeasurement}.
 */
public final class RestoreRun {
    private static final Logger log = LoggerFactory.getLogger(RestoreRun.class);

    /**
     * Sampling before the pause: long enough for KVM's master clock to come on after the vCPUs'
     * TSC sync, and for the guest clock to stand well above where a fresh VM's clock starts (0 at
     * its creation), so that a sequence which runs the guest on the fresh VM's clock shows it.
     */
    static final Duration WARM_UP = Duration.ofMillis(1500);

    /** @param pause the downtime; @param after sampling after the resume */
    public record Settings(Duration pause, Duration after, int vcpus) {}

    private RestoreRun() {}

    public static List<RestoreResult> run(Kvm kvm, List<Recipe> recipes, Settings settings, BooleanSupplier stop) {
        return run(kvm, recipes, settings, stop, r -> { });
    }

    /** @param soFar given the results finished so far, after each recipe */
    public static List<RestoreResult> run(Kvm kvm, List<Recipe> recipes, Settings settings, BooleanSupplier stop,
                                          java.util.function.Consumer<List<RestoreResult>> soFar) {
        List<RestoreResult> results = new ArrayList<>();
        HostClock clock = HostClock.read();
        for (Recipe r : recipes) {
            if (stop.getAsBoolean()) break;
            results.add(runOne(kvm, r, settings, clock));
            soFar.accept(List.copyOf(results));
        }
        return results;
    }

    static RestoreResult runOne(Kvm kvm, Recipe recipe, Settings settings, HostClock clock) {
        log.info("restore: {}", recipe.name());
        SamplerSession.Options options = SamplerSession.Options.defaults();
        String clocksourceBefore = HostProbe.clocksource();
        try (SamplerSession source = SamplerSession.start(kvm, settings.vcpus(), options);
             RestoreContext ctx = new RestoreContext(kvm, source, settings.pause(), options, clock)) {
            source.sampleFor(WARM_UP);
            try (SamplerSession target = recipe.run(ctx)) {
                target.sampleFor(settings.after());
                ClockData end = target.machine().vm().getClock();
                List<VcpuStatus> last = target.stop(RestoreContext.STEP_TIMEOUT);
                RestoreMeasurement m = measure(recipe, ctx, settings, target.events(), last, end);
                RestoreVerdict v = RestoreJudge.knownBad(recipe, RestoreJudge.judge(recipe, m, clocksourceBefore, HostProbe.clocksource()));
                return new RestoreResult.Measured(recipe, m, v);
            }
        } catch (RecipeUnsupported e) {
            return new RestoreResult.Skipped(recipe, e.getMessage());
        } catch (KvmUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            log.debug("restore {} failed", recipe.name(), e);
            return new RestoreResult.Errored(recipe, String.valueOf(e.getMessage()), List.of(e.getClass().getSimpleName()));
        }
    }

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

    static RestoreMeasurement measure(Recipe recipe, RestoreContext ctx, RestoreRun.Settings settings, List<GuestEvent> events,
                                      List<VcpuStatus> lastAll, ClockData end) {
        VcpuStatus last = lastAll.getFirst();
        List<String> diagnostics = new ArrayList<>(ctx.notes());
        VcpuStatus before = ctx.lastBefore();
        List<GuestEvent> changes = events.stream().filter(e -> e.vcpu() == 0 && e.isVersionChange()).toList();
        GuestEvent first = changes.isEmpty() ? null : changes.get(0);
        // The reading before the first pvclock change used the old parameters, so it was taken before
        // the pause; it is the last one (the block's last_ns may lag it by one unstored sample).
        long lastBeforeNs = first != null ? first.prevNs() : before.lastNs();
        HostInstant exit = ctx.stopped(), entry = ctx.firstEntry();
        long hostGapNs = entry.rawNs() - exit.rawNs();
        boolean real = recipe.intent() == Intent.REAL_TIME;

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
        CrossVcpu cross = crossVcpu(ctx, lastAll, events);
        return new RestoreMeasurement(recipe.name(), recipe.intent(), settings.vcpus(), settings.pause().toMillis(),
                lastBeforeNs, first == null ? null : first.ns(), step, hostGapNs, t.exitSlackNs(), t.entrySlackNs(), intended, error, predicted,
                t.uncertaintyNs(), t.name(), t.pvclockVsKvmNs(), cap.driftNsPerSec(), cap.captureVsGuestNs(), cap.predictedNs(), stopLatency,
                prediction.resumeLatencyNs(), realtimeSlewNs(ctx), later, predictedLaterJumps(ctx), tscCycles, tscNs, guestStopped,
                ctx.atStop().tscStable(), end.tscStable(), before.samples(), last.samples(), steps, diagnostics,
                MasterClockAfter.of(changes), cross);
    }

    /** For each {@code KVM_SET_CLOCK} while the guest ran: the value set minus the clock read just before. */
    static List<Long> predictedLaterJumps(RestoreContext ctx) {
        return ctx.sets().stream().filter(SetClockStep::guestRunning).map(s -> Prediction.effectiveClock(s) - s.before().clockNs()).toList();
    }

    /** With {@code KVM_CLOCK_REALTIME}: realtime minus raw time elapsed from the capture to the last set before the resume. */
    static long realtimeSlewNs(RestoreContext ctx) {
        SetClockStep s = Prediction.lastBeforeResume(ctx.sets());
        if (s == null || (s.flags() & kvm_h.KVM_CLOCK_REALTIME) == 0 || ctx.captured() == null) return 0;
        return (s.realNs() - ctx.capturedRealNs()) - (s.rawBeforeNs() - ctx.capturedRawNs());
    }

    /** The sequence as issued, one line per step, for the report. */
    static List<String> steps(RestoreContext ctx, long lastBeforeNs, long hostGapNs, TscOffset src, TscOffset dst, Prediction prediction) {
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
    static CrossVcpu crossVcpu(RestoreContext ctx, List<VcpuStatus> lastAll, List<GuestEvent> events) {
        List<Long> offsets = ctx.targetTscOffsets().stream().map(o -> o == null ? null : o.cycles()).toList();
        return CrossVcpu.of(offsets, ctx.sourceTscKhz(), ctx.lastBeforeAll(), lastAll, events);
    }

    /** {@code cycles} (>= 0) in ns through the guest's new pvclock scale. */
    static long cyclesToNs(GuestEvent e, long cycles) {
        var p = e.newParams();
        return p.nsAt(p.tscTimestamp() + cycles) - p.systemTimeNs();
    }


}

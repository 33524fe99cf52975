package kvmclockprobe.restore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.KvmUnavailableException;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * Runs recipes, each on its own fresh sampler VM: the guest samples its clock for a warm-up,
 * the recipe pauses, saves, waits out the downtime, restores and resumes it, the guest samples
 * on for a while, and the harness turns what vCPU 0 saw into a {@link RestoreMeasurement}.
 */
public final class RestoreRun {
    private static final Logger log = LoggerFactory.getLogger(RestoreRun.class);

    /** Sampling before the pause: long enough for KVM's master clock to come on after the vCPUs' TSC sync. */
    static final Duration WARM_UP = Duration.ofMillis(500);

    /** @param pause the downtime; @param after sampling after the resume */
    public record Settings(Duration pause, Duration after, int vcpus) {}

    private RestoreRun() {}

    public static List<RestoreResult> run(Kvm kvm, List<Recipe> recipes, Settings settings, BooleanSupplier stop) {
        List<RestoreResult> results = new ArrayList<>();
        for (Recipe r : recipes) {
            if (stop.getAsBoolean()) break;
            results.add(runOne(kvm, r, settings));
        }
        return results;
    }

    public static RestoreResult runOne(Kvm kvm, Recipe recipe, Settings settings) {
        log.info("restore: {}", recipe.name());
        SamplerSession.Options options = SamplerSession.Options.defaults();
        try (SamplerSession source = SamplerSession.start(kvm, settings.vcpus(), options);
             RestoreContext ctx = new RestoreContext(kvm, source, settings.pause(), options)) {
            source.sampleFor(WARM_UP);
            try (SamplerSession target = recipe.run(ctx)) {
                target.sampleFor(settings.after());
                long tscKhz = target.onVcpu(0, v -> v.getTscKhz(), RestoreContext.STEP_TIMEOUT);
                ClockData end = target.machine().vm().getClock();
                target.stop(RestoreContext.STEP_TIMEOUT);
                VcpuStatus last = target.status(0);
                RestoreMeasurement m = measure(recipe, ctx, settings, target.events(), last, tscKhz, end);
                return new RestoreResult.Measured(recipe, m, RestoreJudge.judge(recipe, m));
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

    static RestoreMeasurement measure(Recipe recipe, RestoreContext ctx, RestoreRun.Settings settings, List<GuestEvent> events,
                                      VcpuStatus last, long tscKhz, ClockData end) {
        List<String> diagnostics = new ArrayList<>(ctx.notes());
        VcpuStatus before = ctx.lastBefore();
        List<GuestEvent> changes = events.stream().filter(e -> e.vcpu() == 0 && e.isVersionChange()).toList();
        GuestEvent first = changes.isEmpty() ? null : changes.get(0);
        // The reading before the first pvclock change used the old parameters, so it was taken before
        // the pause; it is the last one (the block's last_ns may lag it by one unstored sample).
        long lastBeforeNs = first != null ? first.prevNs() : before.lastNs();
        long hostGapNs = ctx.firstEntryRawNs() - ctx.stoppedRawNs();
        long intended = recipe.intent() == Intent.FROZEN ? 0 : hostGapNs;
        Long step = first == null ? null : first.ns() - lastBeforeNs;
        ClockData captured = ctx.captured() != null ? ctx.captured() : ctx.atStop();
        long stopLatency = captured.clockNs() - lastBeforeNs;
        long stopSlack = ctx.atStop().clockNs() - lastBeforeNs;
        Long resumeLatency = null;
        long slew = 0;
        List<Long> predictedLater = new ArrayList<>();
        for (SetClockStep s : ctx.sets()) {
            if (s.guestRunning()) {
                predictedLater.add(effectiveClock(s) - s.before().clockNs());
            } else {
                resumeLatency = ctx.firstEntryRawNs() - s.rawAfterNs();
                if ((s.flags() & kvm_h.KVM_CLOCK_REALTIME) != 0 && ctx.captured() != null) {
                    slew = (s.realNs() - ctx.capturedRealNs()) - (s.rawBeforeNs() - ctx.capturedRawNs());
                }
            }
        }
        long predictedStep = ctx.atResume().clockNs() + (ctx.firstEntryRawNs() - ctx.atResumeRawNs()) - lastBeforeNs;
        List<Long> later = changes.stream().skip(1).map(GuestEvent::jumpNs).toList();
        boolean guestStopped = changes.stream().anyMatch(e -> (e.newParams().flags() & 2) != 0);
        Long tscCycles = first == null ? null : first.tsc() - first.prevTsc();
        Long tscNs = tscCycles == null || tscKhz <= 0 ? null : Math.round(tscCycles * 1e6 / tscKhz);
        List<String> steps = new ArrayList<>();
        steps.add(String.format("pause: vCPUs out of the guest; the guest's last reading %d ns; KVM_GET_CLOCK %d ns (%s)",
                lastBeforeNs, ctx.atStop().clockNs(), masterClock(ctx.atStop())));
        if (ctx.captured() != null) steps.add("capture: KVM_GET_CLOCK " + ctx.captured().clockNs() + " ns, flags 0x" + Integer.toHexString(ctx.captured().flags()));
        for (SetClockStep s : ctx.sets()) {
            steps.add(String.format("KVM_SET_CLOCK %d ns, flags 0x%x%s%s", s.clockNs(), s.flags(),
                    (s.flags() & kvm_h.KVM_CLOCK_REALTIME) != 0 ? ", realtime " + s.realtimeNs() : "",
                    s.guestRunning() ? " while the guest ran (its clock read " + s.before().clockNs() + " ns just before)" : " before the resume"));
        }
        steps.addAll(ctx.ctrl());
        steps.add(String.format("resume: KVM_GET_CLOCK %d ns just before; vCPU 0 entered %d us after the pause", ctx.atResume().clockNs(), hostGapNs / 1000));
        return new RestoreMeasurement(recipe.name(), recipe.intent(), settings.vcpus(), settings.pause().toMillis(),
                lastBeforeNs, first == null ? null : first.ns(), step, hostGapNs, intended, step == null ? null : step - intended,
                predictedStep, stopLatency, resumeLatency, slew, quantumNs(recipe), Math.max(20_000, 2 * Math.abs(stopSlack)), stopSlack,
                later, predictedLater, tscCycles, tscNs, guestStopped, ctx.atStop().tscStable(), end.tscStable(),
                before.samples(), last.samples(), steps, diagnostics);
    }

    /** The clock a {@code KVM_SET_CLOCK} gives, with the kernel's {@code KVM_CLOCK_REALTIME} correction (never backwards). */
    static long effectiveClock(SetClockStep s) {
        if ((s.flags() & kvm_h.KVM_CLOCK_REALTIME) == 0) return s.clockNs();
        return s.clockNs() + Math.max(0, s.realNs() - s.realtimeNs());
    }

    private static long quantumNs(Recipe r) {
        return r instanceof Quantized q ? q.quantumNs() : 0;
    }

    private static String masterClock(ClockData c) {
        return c.tscStable() ? "master clock on" : "master clock off";
    }

    /** A recipe that stores the clock in coarser units than ns. */
    public interface Quantized {
        long quantumNs();
    }
}

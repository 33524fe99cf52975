package kvmclockprobe.restore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.host.HostClock;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.KvmUnavailableException;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * Runs recipes, each on its own fresh sampler VM: the guest samples its clock for a warm-up,
 * the recipe pauses, saves, waits out the downtime, restores and resumes it, the guest samples
 * on for a while; what was recorded ({@link RestoreTrace}) becomes a {@link RestoreMeasurement}
 * ({@link RestoreDerivation}) and a verdict ({@link RestoreJudge}).
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
    /**
     * @param traces given each recipe's name and raw trace as it is recorded ({@code restore --trace}), or null
     */
    public record Settings(Duration pause, Duration after, int vcpus, BiConsumer<String, RestoreTrace> traces) {
        public Settings(Duration pause, Duration after, int vcpus) {
            this(pause, after, vcpus, null);
        }
    }

    private RestoreRun() {}

    public static List<RestoreResult> run(Kvm kvm, List<Recipe> recipes, Settings settings, BooleanSupplier stop) {
        return run(kvm, HostClock.read(), recipes, settings, stop, r -> { });
    }

    /**
     * @param clock the host's clock facts, read once for the run (the command's {@code HostFacts.clock()})
     * @param soFar given the results finished so far, after each recipe
     */
    public static List<RestoreResult> run(Kvm kvm, HostClock clock, List<Recipe> recipes, Settings settings, BooleanSupplier stop,
                                          java.util.function.Consumer<List<RestoreResult>> soFar) {
        List<RestoreResult> results = new ArrayList<>();
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
                RestoreTrace trace = ctx.trace(recipe, settings.vcpus(), target.events(), last, end, clocksourceBefore, HostProbe.clocksource());
                if (settings.traces() != null) settings.traces().accept(recipe.name(), trace);
                RestoreMeasurement m = RestoreDerivation.measurement(trace);
                RestoreVerdict v = RestoreJudge.knownBad(recipe, RestoreJudge.judge(recipe, m, trace.clocksource(), trace.clocksourceAfter()));
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
}

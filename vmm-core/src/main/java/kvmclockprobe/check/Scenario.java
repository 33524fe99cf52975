package kvmclockprobe.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.check.triggers.KvmclockRate;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.measurement.Derivation;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.Trace;
import kvmclockprobe.measurement.SettlePolicy;

/**
 * One trigger on a fresh VM: skip when the host lacks its capability; else boot the sampler
 * guest, wait for master-clock mode, let the trigger prepare, measure around it
 * ({@link ClockProbe#measure}) and judge ({@link Judge}). A failure of the probe or the guest is
 * an {@link TriggerResult.Errored}, never a verdict on the kernel.
 */
public final class Scenario {
    private static final Logger log = LoggerFactory.getLogger(Scenario.class);

    /**
     * @param settle how long to measure the drift before the trigger
     * @param after  how long to keep sampling after it
     * @param vcpus  sampling vCPUs
     * @param strict fail every observed jump, whatever the trigger
     * @param traces   given each trigger's name and raw trace as it is recorded ({@code check --trace}), or null
     */
    public record Settings(SettlePolicy settle, Duration after, int vcpus, boolean strict, BiConsumer<String, Trace> traces) {
        public Settings(SettlePolicy settle, Duration after, int vcpus, boolean strict) {
            this(settle, after, vcpus, strict, null);
        }
    }

    private Scenario() {}

    /** How long the guest runs before the control re-snapshot of {@code kvmclock-rate}: D to ±2 ns/s. */
    static final Duration RATE_SETTLE = Duration.ofSeconds(1);

    /**
     * @param masterClockFailure the reason {@code master-clock} failed earlier in this run, or
     *                           null: the triggers that need the master clock then skip, naming it
     */
    public static TriggerResult run(Kvm kvm, HostFacts host, Trigger trigger, Settings settings, String masterClockFailure,
                                    Consumer<Double> progress) {
        Optional<String> missing = trigger.missingCapability(host);
        if (missing.isPresent()) {
            return new TriggerResult.Skipped(trigger.name(), trigger.expectation(), settings.vcpus(), missing.get());
        }
        if (masterClockFailure != null && trigger.expectation() != Expectation.MASTER_CLOCK) {
            return new TriggerResult.Skipped(trigger.name(), trigger.expectation(), settings.vcpus(),
                    "needs a sound master clock, and master-clock failed: " + masterClockFailure);
        }
        try (ClockProbe probe = ClockProbe.start(kvm, settings.vcpus(), host.clock())) {
            boolean on = probe.awaitMasterClock();
            if (trigger.expectation() == Expectation.MASTER_CLOCK) return masterClock(trigger, probe, on, settings.vcpus());
            if (!on) {
                return new TriggerResult.Skipped(trigger.name(), trigger.expectation(), settings.vcpus(),
                        "the VM never reached master-clock mode: " + probe.masterClockOffReason());
            }
            return measured(host, trigger, settings, probe, progress);
        } catch (RuntimeException e) {
            log.debug("{} failed", trigger.name(), e);
            String reason = Thread.currentThread().isInterrupted()
                    ? "interrupted (SIGINT/SIGTERM) before a verdict: " + e.getMessage()
                    : "probe error: " + e.getMessage();
            return new TriggerResult.Errored(trigger.name(), trigger.expectation(), settings.vcpus(), reason, List.of("error: " + e));
        }
    }

    private static TriggerResult masterClock(Trigger trigger, ClockProbe probe, boolean on, int vcpus) {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < vcpus; i++) offsets.add(probe.tscOffset(i));
        List<Boolean> stable = on ? probe.guestTscStableBits(STABLE_BIT_WAIT) : List.of();
        Verdict v = MasterClockJudge.judge(on, probe.hostClock().clocksource(), vcpus, offsets, stable, probe.masterClockOffReason());
        return new TriggerResult.Observed(trigger.name(), trigger.expectation(), vcpus, v.status(), v.reason(),
                List.of("vCPU TSC offsets (KVM_VCPU_TSC_OFFSET): " + offsets, "PVCLOCK_TSC_STABLE_BIT in each vCPU's pvclock: " + stable));
    }

    /** How long the pvclock pages may take to show PVCLOCK_TSC_STABLE_BIT once KVM reports the master clock. */
    static final Duration STABLE_BIT_WAIT = Duration.ofSeconds(2);

    private static TriggerResult measured(HostFacts host, Trigger trigger, Settings settings, ClockProbe probe, Consumer<Double> progress) {
        TriggerContext ctx = new TriggerContext(host, probe);
        trigger.prepare(ctx);
        boolean rate = trigger.expectation() == Expectation.KVMCLOCK_RATE;
        Trigger control = KvmclockRate.control(host);
        ClockProbe.Plan plan = new ClockProbe.Plan(trigger.expectation() == Expectation.RESNAPSHOT, rate ? RATE_SETTLE : Duration.ZERO,
                settings.settle(), settings.after(), () -> trigger.apply(ctx), rate ? null : () -> control.apply(ctx));
        Trace trace = probe.record(plan, progress);
        if (settings.traces() != null) settings.traces().accept(trigger.name(), trace);
        Measurement m = Derivation.measurement(trace);
        Verdict v = rate ? RateJudge.judge(m, host.clock()) : Judge.judge(trigger.expectation(), trigger.reference(), settings.strict(), m);
        return new TriggerResult.Measured(trigger.name(), trigger.expectation(), m, v);
    }
}

package kvmclockprobe.check;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.measurement.Measurement;
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
     */
    public record Settings(SettlePolicy settle, Duration after, int vcpus, boolean strict) {
    }

    private Scenario() {}

    public static TriggerResult run(Kvm kvm, HostFacts host, Trigger trigger, Settings settings, Consumer<Double> progress) {
        Optional<String> missing = trigger.missingCapability(host);
        if (missing.isPresent()) {
            return new TriggerResult.Skipped(trigger.name(), trigger.expectation(), settings.vcpus(), missing.get());
        }
        try (ClockProbe probe = ClockProbe.start(kvm, settings.vcpus(), host.clocksource())) {
            if (!probe.awaitMasterClock()) {
                return new TriggerResult.Skipped(trigger.name(), trigger.expectation(), settings.vcpus(),
                        "the VM never reached master-clock mode: " + probe.masterClockOffReason());
            }
            TriggerContext ctx = new TriggerContext(host, probe);
            trigger.prepare(ctx);
            Measurement m = probe.measure(settings.settle(), settings.after(), () -> trigger.apply(ctx), progress);
            return new TriggerResult.Measured(trigger.name(), trigger.expectation(), m,
                    Judge.judge(trigger.expectation(), trigger.reference(), settings.strict(), settings.settle().marginNs(), m));
        } catch (RuntimeException e) {
            log.debug("{} failed", trigger.name(), e);
            String reason = Thread.currentThread().isInterrupted()
                    ? "interrupted (SIGINT/SIGTERM) before a verdict: " + e.getMessage()
                    : "probe error: " + e.getMessage();
            return new TriggerResult.Errored(trigger.name(), trigger.expectation(), settings.vcpus(), reason, List.of("error: " + e));
        }
    }
}

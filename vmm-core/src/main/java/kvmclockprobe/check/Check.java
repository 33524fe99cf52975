package kvmclockprobe.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.verdict.Status;

/** A whole {@code check}: each selected trigger on a fresh VM, in order. */
public final class Check {
    private Check() {}

    /**
     * @param progress called with (trigger name, seconds into its settle time) while settling
     */
    public static CheckReport run(Kvm kvm, HostFacts host, List<Trigger> triggers, Scenario.Settings settings,
                                  BiConsumer<String, Double> progress) {
        return run(kvm, host, triggers, settings, progress, () -> false, r -> { });
    }

    /**
     * @param stopRequested polled before each trigger; a trigger under way when it turns true is
     *                      cut short by interrupting this thread (its VM closed, its result an error)
     * @param soFar         given the report of the triggers finished so far, after each
     */
    public static CheckReport run(Kvm kvm, HostFacts host, List<Trigger> triggers, Scenario.Settings settings,
                                  BiConsumer<String, Double> progress, BooleanSupplier stopRequested,
                                  Consumer<CheckReport> soFar) {
        List<TriggerResult> results = new ArrayList<>();
        List<Double> wallS = new ArrayList<>();
        Duration fixed = settings.settle().fixed();
        Double settleS = fixed == null ? null : fixed.toMillis() / 1000.0;
        double maxS = settings.settle().max().toMillis() / 1000.0;
        soFar.accept(new CheckReport(host, settleS, maxS, settings.strict(), List.of(), List.of(), triggers.size(), false));
        String masterClockFailure = null;
        for (Trigger t : triggers) {
            if (stopRequested.getAsBoolean()) break;
            long start = System.nanoTime();
            TriggerResult result = Scenario.run(kvm, host, t, settings, masterClockFailure, s -> progress.accept(t.name(), s));
            if (t.expectation() == Expectation.MASTER_CLOCK && result.status() == Status.FAIL) masterClockFailure = result.reason();
            results.add(result);
            wallS.add((System.nanoTime() - start) / 1e9);
            soFar.accept(new CheckReport(host, settleS, maxS, settings.strict(), List.copyOf(results), List.copyOf(wallS),
                    triggers.size(), false));
        }
        return new CheckReport(host, settleS, maxS, settings.strict(), List.copyOf(results), List.copyOf(wallS), triggers.size(),
                stopRequested.getAsBoolean());
    }
}

package kvmclockprobe.check;

import kvmclockprobe.verdict.Result;
import kvmclockprobe.verdict.Status;

import java.util.List;
import java.util.Optional;

import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.PlotPoint;

/** What became of one trigger: skipped before measuring, errored, or measured and judged. */
public sealed interface TriggerResult extends Result permits TriggerResult.Skipped, TriggerResult.Errored, TriggerResult.Observed, TriggerResult.Measured {

    /** The trigger's name ({@code xen-shared-info}, {@code tsc-write}, ...). */
    String trigger();

    default String name() {
        return trigger();
    }

    /** What a correct kernel does there. */
    Expectation expectation();

    /** vCPUs asked for. */
    int vcpus();

    Status status();

    /** One line: why. */
    String reason();

    /** Lines for a reader (TAP {@code #} lines). */
    List<String> diagnostics();

    default boolean expectedJump() {
        return expectation().jumps();
    }

    default Optional<Measured> measured() {
        return this instanceof Measured m ? Optional.of(m) : Optional.empty();
    }

    /** For reports: the jump vCPU 0 saw; null when nothing was measured. */
    default Long observedJumpNs() {
        return measured().map(m -> m.measurement().observedJumpNs()).orElse(null);
    }

    /** For reports: what the verdict compared it with; null when unknown. */
    default Long predictedJumpNs() {
        return measured().map(m -> m.verdict().predictedJumpNs()).orElse(null);
    }

    /** For reports: guest clock minus host raw time around the trigger; empty when nothing was measured. */
    default List<PlotPoint> plot() {
        return measured().map(m -> m.measurement().plot()).orElse(List.of());
    }

    /** The host lacks what the trigger needs (or the VM never reached master-clock mode); nothing measured. */
    record Skipped(String trigger, Expectation expectation, int vcpus, String reason) implements TriggerResult {
        public Status status() {
            return Status.SKIP;
        }

        public List<String> diagnostics() {
            return List.of();
        }
    }

    /** The probe or the guest failed: no claim about the kernel. */
    record Errored(String trigger, Expectation expectation, int vcpus, String reason, List<String> diagnostics) implements TriggerResult {
        public Errored {
            diagnostics = List.copyOf(diagnostics);
        }

        public Status status() {
            return Status.ERROR;
        }
    }

    /** Judged from what KVM reported, with no jump measured (whether master-clock mode came on). */
    record Observed(String trigger, Expectation expectation, int vcpus, Status status, String reason, List<String> diagnostics)
            implements TriggerResult {
        public Observed {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Measured and judged (the verdict may still be an inconclusive skip). */
    record Measured(String trigger, Expectation expectation, Measurement measurement, Verdict verdict) implements TriggerResult {
        public int vcpus() {
            return measurement.vcpus();
        }

        public Status status() {
            return verdict.status();
        }

        public String reason() {
            return verdict.reason();
        }

        public List<String> diagnostics() {
            return measurement.diagnostics();
        }
    }
}

package kvmclockprobe.check;

import kvmclockprobe.verdict.UpstreamChange;
import java.util.Optional;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.measurement.TriggerEffect;

/**
 * An operation that may re-snapshot the KVM master clock, applied to a running sampler guest.
 * Each trigger is one class: its name, what it needs from the host, how it is applied, and what
 * a correct kernel does.
 */
public interface Trigger {

    /** The name on the command line and in reports ({@code xen-shared-info}, {@code tsc-write}, ...). */
    String name();

    /** What a correct kernel does to the guest clock. */
    Expectation expectation();

    /** The upstream reference a failure message cites (commit, kernel version), or empty. */
    default String reference() {
        return "";
    }

    /**
     * The upstream change that made a correct kernel behave as {@link #expectation()} says, when
     * older kernels did otherwise (the matrix expects the old behaviour before that release).
     */
    default Optional<UpstreamChange> changedIn() {
        return Optional.empty();
    }

    /** The capability this host lacks for the trigger, named exactly; empty when it can run. */
    Optional<String> missingCapability(HostFacts host);

    /** Set-up before the settle time (VM-level configuration the trigger builds on). */
    default void prepare(TriggerContext ctx) {
    }

    /** Applies the trigger while the guest samples. */
    TriggerEffect apply(TriggerContext ctx);
}

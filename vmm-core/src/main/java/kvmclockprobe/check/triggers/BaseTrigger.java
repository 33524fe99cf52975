package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.Trigger;
import kvmclockprobe.host.HostFacts;

/** A trigger's fixed facts: its name, what a correct kernel does, the reference a failure cites. */
abstract class BaseTrigger implements Trigger {
    private final String name;
    private final Expectation expectation;
    private final String reference;

    BaseTrigger(String name, Expectation expectation, String reference) {
        this.name = name;
        this.expectation = expectation;
        this.reference = reference;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Expectation expectation() {
        return expectation;
    }

    @Override
    public final String reference() {
        return reference;
    }

    /** Runs on any KVM host unless a subclass says otherwise. */
    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name;
    }
}

package kvmclockprobe.restore;

import kvmclockprobe.sampler.SamplerSession;

/**
 * One VMM's sequence of KVM clock operations around a pause, snapshot or migration, replayed on
 * the sampler guest. A recipe pauses the running guest, saves what its VMM saves, waits out the
 * downtime, restores (into the same VM or a fresh one, as its VMM does) and resumes, all
 * through {@link RestoreContext}'s steps, which time each one; the harness then measures what the
 * guest saw.
 */
public interface Recipe {
    /** {@code qemu-stop-cont}, {@code firecracker-snapshot}, ... */
    String name();

    /** The VMM whose sequence this is. */
    String vmm();

    /** The VMM's own intent for the guest clock across the pause. */
    Intent intent();

    /** Where in the VMM's source the sequence comes from (file and function). */
    String source();

    /** A documented wrong order, replayed to show its effect: its failure is expected (TAP {@code # TODO}). */
    default boolean knownBad() {
        return false;
    }

    /** Whether the guest should see {@code PVCLOCK_GUEST_STOPPED} after the resume; null when the recipe makes no claim. */
    default Boolean expectsGuestStopped() {
        return null;
    }

    /**
     * Whether the VMM means KVM to keep its master clock across the restore (every vCPU's TSC
     * offset matched, {@code KVM_CLOCK_TSC_STABLE}): then a master clock that stays off after the
     * resume fails the recipe, where KVM had one before the pause.
     */
    default boolean intendsMasterClock() {
        return true;
    }

    /**
     * Runs the sequence on {@code ctx}'s running guest and returns the session now running it
     * (on the same machine or a restored one). Throws {@link RecipeUnsupported} when the kernel
     * lacks what the sequence needs.
     */
    SamplerSession run(RestoreContext ctx);
}

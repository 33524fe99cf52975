package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.sampler.GuestEvent;

/**
 * KVM's master clock after the resume, as the guest saw it: {@code PVCLOCK_TSC_STABLE_BIT} in each
 * pvclock page vCPU 0 read from the resume on. KVM sets that bit exactly when it writes the page
 * from its master-clock reference ({@code kvm_guest_time_update}, {@code use_master_clock}), and a
 * master-clock change rewrites every vCPU's page, so vCPU 0's updates are the timeline.
 *
 * @param state        {@link State}
 * @param backOnAfterNs for {@link State#BACK_ON}: guest clock from the first update after the resume to the
 *                     first one with the bit set; else null
 * @param updates      how many pvclock updates vCPU 0 saw after the resume
 */
public record MasterClockAfter(State state, Long backOnAfterNs, int updates) {
    public enum State {
        /** Set at the first update after the resume and at every later one. */
        ON("on"),
        /** Clear at the last update: the master clock stayed off. */
        OFF("off"),
        /** Clear at the first update, set from a later one on. */
        BACK_ON("back on"),
        /** No update after the resume: nothing to tell. */
        UNKNOWN("unknown");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Whether the guest ended on the master clock. */
    public boolean endedOn() {
        return state == State.ON || state == State.BACK_ON;
    }

    /** From vCPU 0's pvclock version changes after the resume, in the order it saw them. */
    static MasterClockAfter of(List<GuestEvent> vcpu0Changes) {
        if (vcpu0Changes.isEmpty()) return new MasterClockAfter(State.UNKNOWN, null, 0);
        int n = vcpu0Changes.size();
        GuestEvent first = vcpu0Changes.getFirst();
        if (!vcpu0Changes.getLast().newParams().tscStable()) return new MasterClockAfter(State.OFF, null, n);
        if (vcpu0Changes.stream().allMatch(e -> e.newParams().tscStable())) return new MasterClockAfter(State.ON, null, n);
        // Set at the end but clear somewhere before: on again from the last clear update's successor.
        int lastClear = 0;
        for (int i = 0; i < n; i++) if (!vcpu0Changes.get(i).newParams().tscStable()) lastClear = i;
        GuestEvent on = vcpu0Changes.get(lastClear + 1);
        return new MasterClockAfter(State.BACK_ON, on.ns() - first.ns(), n);
    }

    /** {@code on}, {@code off}, {@code back on after 12.3 ms}, {@code unknown}. */
    public String describe() {
        if (state != State.BACK_ON) return state.label();
        return String.format("back on after %.3f ms", backOnAfterNs / 1e6);
    }
}

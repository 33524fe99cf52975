package kvmclockprobe.check;

/** What a correct kernel does when a trigger is applied, or what a check of the VM's clock holds it to. */
public enum Expectation {
    /** Nothing: no re-snapshot (the reference point stays), and the guest clock does not move (|jump| ≤ 2 ns). */
    NO_JUMP,
    /** As {@link #NO_JUMP}, and every vCPU's guest sees {@code PVCLOCK_GUEST_STOPPED}. */
    GUEST_STOPPED,
    /** A master-clock re-snapshot: the reference point moves and the guest clock by −(B−A drift) × time since the last snapshot. */
    RESNAPSHOT,
    /** {@code KVM_SET_CLOCK} to the value read: the guest loses exactly the GET→SET interval. */
    SET_CLOCK,
    /** {@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME}: KVM adds the elapsed realtime; what remains is the SET call's own timing. */
    SET_CLOCK_REALTIME,
    /** The VM enters master-clock mode where the host clocksource and the vCPUs' TSCs allow it. */
    MASTER_CLOCK,
    /** The pvclock runs at the raw clock's rate, to within the kernel's integer roundings. */
    KVMCLOCK_RATE;

    /** Whether a correct kernel moves the guest clock here. */
    public boolean jumps() {
        return this == RESNAPSHOT || this == SET_CLOCK || this == SET_CLOCK_REALTIME || this == KVMCLOCK_RATE;
    }
}

package kvmclockprobe.check;

/** What a correct kernel does to the guest clock when a trigger is applied. */
public enum Expectation {
    /** Nothing: the guest clock must not move (|jump| ≤ 2 ns). */
    NO_JUMP,
    /** A master-clock re-snapshot: the guest clock moves by −(B−A drift) × time since the last snapshot. */
    RESNAPSHOT,
    /** {@code KVM_SET_CLOCK} to the value read: the guest loses exactly the GET→SET interval. */
    SET_CLOCK,
    /** {@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME}: KVM adds the elapsed realtime; what remains is the SET call's own timing. */
    SET_CLOCK_REALTIME;

    public boolean jumps() {
        return this != NO_JUMP;
    }
}

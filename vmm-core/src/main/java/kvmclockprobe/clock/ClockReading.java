package kvmclockprobe.clock;

/**
 * The three clock definitions read from the host at one instant.
 *
 * <p>Two samples make one reading. An A/B sample pairs host {@code CLOCK_MONOTONIC_RAW} (A
 * advances exactly like it) with B, the guest's pvclock evaluated at the host TSC of the same
 * instant; {@code bracketNs} bounds how far apart the two really were. And {@code KVM_GET_CLOCK}
 * gives C and the host TSC it was taken at, where B is evaluated too, so C − B is exact.
 *
 * @param rawNs            host {@code CLOCK_MONOTONIC_RAW} of the A/B sample
 * @param bracketNs        uncertainty of that pairing (the width of the bracket around it)
 * @param bAtRawNs         B at that instant
 * <p>Out of master-clock mode KVM gives no host TSC: then {@code hostTsc}, {@code guestTsc} and
 * {@code bNs} are {@link #NONE} ({@link #hasHostTsc()} false), and without the user-space pair
 * so is {@code bAtRawNs} (with an infinite bracket, so no fit or plot takes it).
 *
 * @param hostTsc          the host TSC {@code KVM_GET_CLOCK} reported
 * @param guestTsc         that host TSC as the vCPU's guest TSC
 * @param bNs              B at {@code guestTsc}
 * @param cNs              definition C: {@code KVM_GET_CLOCK}'s {@code clock}
 * @param masterClock      {@code KVM_CLOCK_TSC_STABLE} in that {@code KVM_GET_CLOCK}
 * @param params           the pvclock parameters B was computed with
 * @param getClockBracketNs the {@code CLOCK_MONOTONIC_RAW} bracket around {@code KVM_GET_CLOCK}
 */
public record ClockReading(long rawNs, long bracketNs, long bAtRawNs, long hostTsc, long guestTsc, long bNs, long cNs,
                           boolean masterClock, PvclockParams params, long getClockBracketNs) {

    /** The value of a field that could not be read. */
    public static final long NONE = Long.MIN_VALUE;

    public boolean hasHostTsc() {
        return hostTsc != NONE;
    }

    /** B − raw: its slope over time is the B−A drift. */
    public long bMinusRawNs() {
        return bAtRawNs - rawNs;
    }

    /** C − B at the same host TSC. */
    public long cMinusBNs() {
        return cNs - bNs;
    }

    /** Time since the last master-clock snapshot, on the guest's clock (B since the pvclock reference point). */
    public long sinceSnapshotNs() {
        return bAtRawNs - params.systemTimeNs();
    }
}

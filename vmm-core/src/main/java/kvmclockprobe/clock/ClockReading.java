package kvmclockprobe.clock;

/**
 * The three clock definitions read from the host at one instant.
 *
 * @param rawBeforeNs  host {@code CLOCK_MONOTONIC_RAW} just before {@code KVM_GET_CLOCK}
 * @param rawAfterNs   host {@code CLOCK_MONOTONIC_RAW} just after it
 * @param hostTsc      the host TSC {@code KVM_GET_CLOCK} reported
 * @param guestTsc     that host TSC as the vCPU's guest TSC (offset, and scaling when any)
 * @param bNs          definition B: the guest's pvclock at {@code guestTsc}
 * @param cNs          definition C: {@code KVM_GET_CLOCK}'s {@code clock}
 * @param masterClock  {@code KVM_CLOCK_TSC_STABLE} in that {@code KVM_GET_CLOCK}
 * @param params       the pvclock parameters B was computed with
 */
public record ClockReading(long rawBeforeNs, long rawAfterNs, long hostTsc, long guestTsc, long bNs, long cNs,
                           boolean masterClock, PvclockParams params) {

    /** Midpoint of the bracket: the best estimate of the host raw time of the reading. */
    public long rawMidNs() {
        return rawBeforeNs + (rawAfterNs - rawBeforeNs) / 2;
    }

    /** Width of the bracket: the uncertainty of {@link #rawMidNs()} (±half of it). */
    public long bracketNs() {
        return rawAfterNs - rawBeforeNs;
    }

    /** B − raw: its slope over time is the B−A drift (A advances exactly like raw). */
    public long bMinusRawNs() {
        return bNs - rawMidNs();
    }

    public long cMinusBNs() {
        return cNs - bNs;
    }

    /** Time since the last master-clock snapshot, on the guest's clock (B since the pvclock reference point). */
    public long sinceSnapshotNs() {
        return bNs - params.systemTimeNs();
    }
}

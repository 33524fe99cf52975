package kvmclockprobe.clock;

/**
 * The master-clock reference point a pvclock page is written from: in master-clock mode
 * {@code kvm_guest_time_update} sets {@code tsc_timestamp} to the guest TSC at
 * {@code master_cycle_now} and {@code system_time} to {@code master_kernel_ns + kvmclock_offset}.
 * It moves only when the master clock is re-snapshotted ({@code pvclock_update_vm_gtod_copy}) or
 * the vCPU's TSC offset changes (then {@code tsc_timestamp} moves by exactly that step); a plain
 * {@code KVM_REQ_CLOCK_UPDATE} rewrites the page (version, flags) from the same point.
 *
 * @param tscTimestamp guest TSC at the reference point (unsigned)
 * @param systemTimeNs kvmclock at the reference point, ns (unsigned)
 */
public record ReferencePoint(long tscTimestamp, long systemTimeNs) {

    public static ReferencePoint of(PvclockParams p) {
        return new ReferencePoint(p.tscTimestamp(), p.systemTimeNs());
    }

    /**
     * True when {@code later} is this point after nothing but a TSC offset change of
     * {@code tscStepCycles} (or none): the same master-clock snapshot.
     */
    public boolean sameSnapshotAs(ReferencePoint later, long tscStepCycles) {
        long delta = later.tscTimestamp - tscTimestamp;
        return later.systemTimeNs == systemTimeNs && (delta == 0 || delta == tscStepCycles);
    }

    /**
     * The guest TSC rate KVM itself assumed between two snapshots, kHz: how far the guest TSC
     * ({@code tsc_timestamp}, net of the TSC step) advanced per ns of {@code system_time}. Both
     * come from KVM's own reading ({@code kvm_read_l1_tsc} at {@code master_cycle_now}, and
     * {@code master_kernel_ns}), so this is the rate at which KVM's view of the guest TSC runs. It
     * is the vCPU's TSC rate in a correct kernel; 0 where KVM scales the host TSC by a multiplier of
     * 0. NaN when {@code system_time} did not advance.
     */
    public static double tscKhzBetween(ReferencePoint before, ReferencePoint after, long tscStepCycles) {
        long elapsedNs = after.systemTimeNs - before.systemTimeNs;
        if (elapsedNs <= 0) return Double.NaN;
        return (after.tscTimestamp - before.tscTimestamp - tscStepCycles) * 1e6 / elapsedNs;
    }

    @Override
    public String toString() {
        return "tsc_timestamp " + Long.toUnsignedString(tscTimestamp) + ", system_time " + Long.toUnsignedString(systemTimeNs);
    }
}

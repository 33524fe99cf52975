package kvmclockprobe.check;

import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Objects;

import kvmclockprobe.verdict.Status;

/**
 * Whether KVM entered master-clock mode where it must. With the {@code tsc} clocksource and the
 * vCPUs' TSCs matched (one vCPU always is), {@code pvclock_update_vm_gtod_copy} must set
 * {@code use_master_clock}: never doing so is a kernel failure. On another clocksource
 * ({@code gtod_is_based_on_tsc} accepts only tsc and Hyper-V's TSC page), or with TSCs that may
 * be unmatched, it is a skip that names why. With the mode on, every vCPU's pvclock must say
 * {@code PVCLOCK_TSC_STABLE_BIT} and every vCPU must have the same TSC offset. Pure.
 */
public final class MasterClockJudge {
    private MasterClockJudge() {}

    /**
     * @param on          {@code KVM_CLOCK_TSC_STABLE} came on
     * @param clocksource the host's current clocksource
     * @param vcpus       vCPUs in the VM
     * @param tscOffsets  each vCPU's {@code KVM_VCPU_TSC_OFFSET}, null where unreadable
     * @param stableBits  whether each vCPU's pvclock shows {@code PVCLOCK_TSC_STABLE_BIT} (with the mode on)
     * @param offReason   what KVM reported (for the reason)
     */
    public static Verdict judge(boolean on, String clocksource, int vcpus, List<Long> tscOffsets, List<Boolean> stableBits,
                                String offReason) {
        if (on && stableBits.contains(Boolean.FALSE)) {
            return new Verdict(Status.FAIL, "master-clock mode on (KVM_CLOCK_TSC_STABLE), but the guest's pvclock lacks "
                    + "PVCLOCK_TSC_STABLE_BIT (per vCPU " + stableBits + "): kvm_guest_time_update sets it in master-clock mode, "
                    + "and without it the guest cannot trust its TSC across vCPUs", null, null, null);
        }
        if (on && tscOffsets != null && tscOffsets.stream().noneMatch(Objects::isNull) && tscOffsets.stream().distinct().count() > 1) {
            LongSummaryStatistics range = tscOffsets.stream().mapToLong(Long::longValue).summaryStatistics();
            long spread = range.getMax() - range.getMin();
            return new Verdict(Status.FAIL, "master-clock mode on (KVM_CLOCK_TSC_STABLE), but the vCPUs' TSC offsets differ "
                    + "(KVM_VCPU_TSC_OFFSET " + tscOffsets + ", " + spread + " cycles apart): KVM enters master-clock mode only with "
                    + "every vCPU's TSC matched (kvm_track_tsc_matching), and vCPUs created without a TSC write are synchronised "
                    + "to one offset (kvm_synchronize_tsc); the guest's TSC, and so its kvmclock, can step back across vCPUs",
                    null, null, null);
        }
        if (on) return new Verdict(Status.PASS, "master-clock mode on (KVM_CLOCK_TSC_STABLE) with " + vcpus + " vCPU(s), host clocksource "
                + clocksource + ", PVCLOCK_TSC_STABLE_BIT in every vCPU's pvclock", null, null, null);
        if (!"tsc".equals(clocksource)) {
            return new Verdict(Status.SKIP, offReason + ": KVM runs its master clock only on a TSC-based host clocksource "
                    + "(tsc, or Hyper-V's TSC page), and this host's is " + clocksource, null, null, null);
        }
        boolean matched = vcpus == 1 || (tscOffsets != null && tscOffsets.stream().noneMatch(Objects::isNull)
                && tscOffsets.stream().filter(Objects::nonNull).distinct().count() == 1);
        if (!matched) {
            return new Verdict(Status.SKIP, offReason + ": the vCPUs' TSCs may be unmatched (TSC offsets "
                    + (tscOffsets == null ? "unreadable" : tscOffsets) + ")", null, null, null);
        }
        return new Verdict(Status.FAIL, offReason + ": with the tsc clocksource and " + (vcpus == 1 ? "one vCPU" : "matched vCPU TSCs "
                + tscOffsets) + " KVM must enter master-clock mode (pvclock_update_vm_gtod_copy), and it never did", null, null, null);
    }
}

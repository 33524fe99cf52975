package kvmclockprobe.check;

import java.util.List;

/**
 * What one trigger's scenario measured and the verdict.
 *
 * @param trigger               the trigger's name ({@code xen-shared-info}, {@code tsc-write}, ...)
 * @param status                the verdict
 * @param reason                one line: why (for a fail, the numbers and the upstream reference)
 * @param observedJumpNs        the step in the guest's own clock at the trigger, net of any guest
 *                              TSC step, on vCPU 0 (null when skipped)
 * @param predictedJumpNs       what a re-snapshot at that instant gives, from the measured drift
 *                              (set-clock: the exact expected step); null when skipped
 * @param expectedJump          whether a correct kernel moves the guest clock here
 * @param masterClockBefore     {@code KVM_CLOCK_TSC_STABLE} just before the trigger (null when skipped)
 * @param masterClockAfter      {@code KVM_CLOCK_TSC_STABLE} after it settled (null when skipped)
 * @param vcpus                 vCPUs sampling during the trigger
 * @param tscStepCycles         change of vCPU 0's TSC offset across the trigger (null when unknown)
 * @param wallclockStepNs       Xen only: change of the shared_info wallclock epoch across the trigger
 * @param observedJumpNsPerVcpu the observed jump on each vCPU that sampled across the trigger
 * @param diagnostics           extra lines for a reader (TAP {@code #} lines)
 * @param plot                  guest clock minus host raw time around the trigger
 * @param driftNsPerSec         the B−A drift measured during the settle time (null when skipped)
 * @param wallclockInRange      Xen only: shared_info wallclock + KVM clock within [realtime before,
 *                              realtime after] (the kernel's xen_shinfo_test check); else null
 */
public record TriggerResult(
        String trigger,
        Status status,
        String reason,
        Long observedJumpNs,
        Long predictedJumpNs,
        boolean expectedJump,
        Boolean masterClockBefore,
        Boolean masterClockAfter,
        int vcpus,
        Long tscStepCycles,
        Long wallclockStepNs,
        List<Long> observedJumpNsPerVcpu,
        List<String> diagnostics,
        List<PlotPoint> plot,
        Double driftNsPerSec,
        Boolean wallclockInRange) {

    public static TriggerResult skip(String trigger, boolean expectedJump, String reason, int vcpus) {
        return new TriggerResult(trigger, Status.SKIP, reason, null, null, expectedJump, null, null, vcpus,
                null, null, List.of(), List.of(), List.of(), null, null);
    }
}

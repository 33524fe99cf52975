package kvmclockprobe.restore;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.check.Status;

/**
 * The restore verdict, a pure function of a {@link RestoreMeasurement} and what the recipe
 * claims (its intent, whether the guest should see {@code PVCLOCK_GUEST_STOPPED}).
 *
 * <p>The bound. A VMM cannot stop the guest clock at the instant the guest stops: the clock runs
 * on from the guest's last reading until the VMM captures it ({@code stopLatencyNs}, measured in
 * the guest clock's own ns), and after {@code KVM_SET_CLOCK} it runs until the vCPU enters again
 * ({@code resumeLatencyNs}, host raw time). So a sequence that keeps the clock frozen leaves an
 * error of exactly those two windows, plus the resolution it stores the clock in
 * ({@code quantumNs}); one that advances it with {@code KVM_CLOCK_REALTIME} leaves only the NTP
 * slew between realtime and raw time over the downtime ({@code realtimeSlewNs}), because the
 * kernel adds the realtime elapsed between the capture and the set. Both also carry the guest's
 * own running time between its last reading and the stop and between the entry and its first
 * reading ({@code toleranceNs}: twice the measured stop slack, at least 20 us). A later pvclock
 * change that moves the clock by more than the tolerance is a second jump: no correct sequence
 * makes one, because every clock operation comes before the vCPUs run.
 */
public final class RestoreJudge {
    private RestoreJudge() {}

    /** The largest error at resume the recipe's own sequence explains. */
    public static long boundNs(RestoreMeasurement m) {
        long windows = m.intent() == Intent.FROZEN
                ? Math.max(0, m.stopLatencyNs()) + Math.max(0, m.resumeLatencyNs() == null ? 0 : m.resumeLatencyNs())
                : Math.abs(m.realtimeSlewNs());
        return windows + m.quantumNs() + m.toleranceNs();
    }

    public static RestoreVerdict judge(Recipe recipe, RestoreMeasurement m) {
        if (m.errorAtResumeNs() == null) {
            return new RestoreVerdict(Status.ERROR, "the guest saw no pvclock update after the resume: it cannot say where its clock resumed", null);
        }
        long bound = boundNs(m);
        List<String> failures = new ArrayList<>();
        long error = m.errorAtResumeNs();
        if (Math.abs(error) > bound) {
            failures.add(String.format("the guest clock resumed %+d ns off its intent (%s), beyond the sequence's bound of %d ns",
                    error, m.intent().description(), bound));
        }
        for (long jump : m.laterJumpsNs()) {
            if (Math.abs(jump) > m.toleranceNs()) {
                failures.add(String.format("a second jump of %+d ns after the resume (the clock was set while the guest ran)", jump));
                break;
            }
        }
        Boolean stopped = recipe.expectsGuestStopped();
        if (stopped != null && stopped != m.guestStopped()) {
            failures.add(stopped ? "the guest never saw PVCLOCK_GUEST_STOPPED, which this sequence sets"
                    : "the guest saw PVCLOCK_GUEST_STOPPED, which this sequence does not set");
        }
        if (!failures.isEmpty()) return new RestoreVerdict(Status.FAIL, String.join("; ", failures), bound);
        return new RestoreVerdict(Status.PASS, String.format("the guest clock resumed %+d ns off its intent (%s), within %d ns%s",
                error, m.intent().description(), bound, m.guestStopped() ? "; the guest saw PVCLOCK_GUEST_STOPPED" : ""), bound);
    }
}

package kvmclockprobe.restore;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.verdict.Status;

/**
 * The restore verdict, a pure function of a {@link RestoreMeasurement} and what the recipe
 * claims (whether the guest should see {@code PVCLOCK_GUEST_STOPPED}).
 *
 * <p>What is judged is whether the guest clock resumed where this sequence puts it on a kernel
 * that does what the KVM API says: {@code KVM_SET_CLOCK} makes the clock read the value set
 * (plus the realtime elapsed since the value's {@code realtime}, with {@code KVM_CLOCK_REALTIME})
 * from that instant on, so the clock at the entry is predicted from the set and the raw time to
 * the entry. The bound is the measurement's own uncertainty ({@code uncertaintyNs}: half the
 * set's raw bracket, the widths of the TSC/raw pairs that place the exit and the entry, the TSC
 * offsets' uncertainty, and 1 us for the guest clock's rate against raw time over the gap), so a
 * kernel that re-snapshots or otherwise moves the clock on the way shows. The error against the
 * VMM's intent is reported beside it: it is the sequence's own doing (the time the VMM lets the
 * clock run while the guest does not), not the kernel's. A later pvclock change that moves the
 * clock beyond the bound is a second jump and fails whatever predicted it: the clock was set
 * while the guest ran, which no correct sequence does.
 */
public final class RestoreJudge {
    private RestoreJudge() {}

    /**
     * The guest's pvclock against {@code KVM_GET_CLOCK} on the host TSC: both are the same line from
     * the same master-clock reference, through the guest's and the host's scale for one TSC rate,
     * so they agree to a few ns over the milliseconds between; 1 us leaves room for a TSC/raw pair.
     */
    static final long PVCLOCK_VS_KVM_BOUND_NS = 1_000;

    /** The host clocksources with which KVM keeps a master clock ({@code gtod_is_based_on_tsc()}, arch/x86/kvm/x86.c). */
    static final java.util.Set<String> TSC_CLOCKSOURCES = java.util.Set.of("tsc", "hyperv_clocksource_tsc_page");

    /**
     * {@link #judge(Recipe, RestoreMeasurement)} on a host whose clocksource was {@code before} when the
     * recipe started and {@code after} when it ended. Off the TSC (a kernel that found its TSC unstable
     * switches away, as a loaded TCG lab's watchdog does), KVM keeps no master clock and rewrites the
     * vCPUs' TSC offsets as they move between host CPUs: the guest TSC is no longer the host TSC plus
     * a fixed offset, which the timing rests on, so nothing can be judged.
     */
    /**
     * A known-bad recipe (a VMM release before its fix) must show its problem: its failure is an
     * expected one ({@code xfail}), and its pass a failure of the probe to show what the fix
     * describes. Other recipes' verdicts are as they are.
     */
    public static RestoreVerdict knownBad(Recipe recipe, RestoreVerdict v) {
        if (!recipe.knownBad()) return v;
        return switch (v.status()) {
            case FAIL -> new RestoreVerdict(Status.XFAIL, "known-bad sequence, shown for contrast: " + v.reason(), v.boundNs());
            case PASS -> new RestoreVerdict(Status.FAIL, "the known-bad sequence did not show its problem: " + v.reason(), v.boundNs());
            default -> v;
        };
    }

    public static RestoreVerdict judge(Recipe recipe, RestoreMeasurement m, String before, String after) {
        if (before == null || before.startsWith("unknown") || after == null || after.startsWith("unknown")) return judge(recipe, m);
        if (before != null && !before.equals(after)) {
            return new RestoreVerdict(Status.INCONCLUSIVE, "the host clocksource changed from " + before + " to " + after
                    + " during the recipe (the kernel gave up its TSC): KVM's master clock and the vCPUs' TSC offsets went with it", null);
        }
        if (before != null && !TSC_CLOCKSOURCES.contains(before)) {
            return new RestoreVerdict(Status.INCONCLUSIVE, "the host clocksource is " + before + ", not the TSC: KVM keeps no master "
                    + "clock and the guest TSC is not the host TSC plus a fixed offset, which the timing needs", null);
        }
        return judge(recipe, m);
    }

    public static RestoreVerdict judge(Recipe recipe, RestoreMeasurement m) {
        if (m.errorAtResumeNs() == null) {
            return new RestoreVerdict(Status.ERROR, "the guest saw no pvclock update after the resume: it cannot say where its clock resumed", null);
        }
        if (m.predictedErrorNs() == null) {
            return new RestoreVerdict(Status.ERROR, "the sequence's clock at the entry cannot be predicted here (no host TSC or TSC offset)", null);
        }
        long bound = m.uncertaintyNs();
        List<String> failures = new ArrayList<>();
        clockFailures(m, bound, failures);
        stoppedFailure(recipe, m, failures);
        masterClockFailure(recipe, m, failures);
        if (!failures.isEmpty()) return new RestoreVerdict(Status.FAIL, String.join("; ", failures), bound);
        return new RestoreVerdict(Status.PASS, String.format("the guest clock resumed %+d ns off its intent (%s), as the sequence "
                + "predicts (%+d ns, within %d ns)%s%s", m.errorAtResumeNs(), m.intent().description(), m.predictedErrorNs(), bound,
                m.guestStopped() ? "; the guest saw PVCLOCK_GUEST_STOPPED" : "", masterClockNote(m)), bound);
    }

    /** Where the clock resumed against the prediction, the pvclock against KVM's clock, and no second jump. */
    static void clockFailures(RestoreMeasurement m, long bound, List<String> failures) {
        long error = m.errorAtResumeNs();
        long off = error - m.predictedErrorNs();
        if (Math.abs(off) > bound) {
            failures.add(String.format("the guest clock resumed %+d ns from where the sequence puts it (error %+d ns against the intent, "
                    + "predicted %+d ns; bound %d ns)", off, error, m.predictedErrorNs(), bound));
        }
        if (m.pvclockVsKvmClockNs() != null && Math.abs(m.pvclockVsKvmClockNs()) > PVCLOCK_VS_KVM_BOUND_NS) {
            failures.add(String.format("the pvclock the guest resumed on is %+d ns off KVM's own clock for the VM (KVM_GET_CLOCK)",
                    m.pvclockVsKvmClockNs()));
        }
        m.laterJumpsNs().stream().filter(j -> Math.abs(j) > bound).findFirst().ifPresent(jump -> failures.add(
                String.format("a second jump of %+d ns after the resume (the clock was set while the guest ran)", jump)));
    }

    static void stoppedFailure(Recipe recipe, RestoreMeasurement m, List<String> failures) {
        Boolean stopped = recipe.expectsGuestStopped();
        if (stopped != null && stopped != m.guestStopped()) {
            failures.add(stopped ? "the guest never saw PVCLOCK_GUEST_STOPPED, which this sequence sets"
                    : "the guest saw PVCLOCK_GUEST_STOPPED, which this sequence does not set");
        }
    }

    /**
     * A VMM that means KVM to keep its master clock fails when the guest's pvclock says it stayed
     * off after the resume, provided KVM had one before the pause (the host's clocksource allows it).
     */
    static void masterClockFailure(Recipe recipe, RestoreMeasurement m, List<String> failures) {
        MasterClockAfter mc = m.masterClock();
        if (!recipe.intendsMasterClock() || !Boolean.TRUE.equals(m.masterClockAtSave()) || mc == null) return;
        if (mc.state() != MasterClockAfter.State.OFF) return;
        Long spread = m.crossVcpu() == null ? null : m.crossVcpu().tscOffsetSpreadCycles();
        failures.add("the master clock stayed off after the resume (PVCLOCK_TSC_STABLE_BIT clear in all of vCPU 0's " + mc.updates()
                + " pvclock updates; it was on before the pause" + (spread == null ? "" : "; the vCPUs' TSC offsets spread " + spread + " cycles")
                + ")");
    }

    static String masterClockNote(RestoreMeasurement m) {
        if (m.masterClock() == null || m.masterClock().state() == MasterClockAfter.State.UNKNOWN) return "";
        return "; master clock " + m.masterClock().describe() + " after the resume";
    }
}

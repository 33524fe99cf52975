package kvmclockprobe.restore;

import java.util.List;

/**
 * What one recipe did to vCPU 0's clock, as the guest saw it and as the host timed the steps.
 * All times in ns; "raw" is the host's {@code CLOCK_MONOTONIC_RAW}.
 *
 * <p>The error is taken between two host instants: the exit (vCPU 0 left the guest for the
 * pause) and the entry (it entered again). With the host TSC and each VM's TSC offset those
 * instants sit on the guest's TSC, so the old pvclock parameters give the guest clock at the exit
 * and the new ones the guest clock at the entry, to the cycle ({@code timing} "guest TSC");
 * without them ("coarse") the guest's last and first readings stand in, and the guest's own
 * running time around the pause counts as error.
 *
 * @param lastBeforeNs          the guest's last clock reading before the pause
 * @param firstAfterNs          its first reading after the resume (the first pvclock change it saw); null if none
 * @param guestStepNs           {@code firstAfterNs - lastBeforeNs}
 * @param hostGapNs             raw time from the exit to the entry
 * @param exitSlackNs           guest clock from its last reading to the exit (it ran that long); null when coarse
 * @param entrySlackNs          guest clock from the entry to its first reading; null when coarse
 * @param intendedStepNs        the step the intent allows: the two slacks, plus {@code hostGapNs} when advancing with real time
 * @param errorAtResumeNs       {@code guestStepNs - intendedStepNs}: the guest clock at the entry minus what the intent wants there
 * @param predictedErrorNs      the same, predicted from the sequence's last clock operation before the entry (the
 *                              {@code KVM_SET_CLOCK} value, with the kernel's realtime correction, plus the raw time to the
 *                              entry; or {@code KVM_GET_CLOCK} of the resuming VM when nothing was set)
 * @param uncertaintyNs         how far the measurement and the prediction can disagree for a kernel that does what the API says
 * @param timing                "guest TSC" or "coarse"
 * @param pvclockVsKvmClockNs   the guest's pvclock at the entry minus {@code KVM_GET_CLOCK} of the resuming VM (read just
 *                              before, carried to the entry on the host TSC): 0 for a kernel whose pvclock is its own clock;
 *                              null without the host TSC
 * @param driftNsPerSec         the B-A drift of the source VM's pvclock by the kernel's arithmetic
 * @param captureVsGuestClockNs the clock the VMM captured minus the guest's own clock at that instant (on the host TSC);
 *                              null when {@code KVM_GET_CLOCK} gave no host TSC (master clock off)
 * @param predictedCaptureVsGuestClockNs 0 in master-clock mode ({@code KVM_GET_CLOCK} is the guest's line); without it,
 *                              A minus B: minus the drift times the time since the guest's last pvclock update
 * @param stopLatencyNs         guest clock from its last reading to the clock the VMM captured (the clock ran on that long)
 * @param resumeLatencyNs       raw time from the last {@code KVM_SET_CLOCK} before the entry to the entry; null when none
 * @param realtimeSlewNs        with {@code KVM_CLOCK_REALTIME}: realtime minus raw time elapsed from the capture to the set
 * @param laterJumpsNs          every later pvclock change vCPU 0 saw (new minus old parameters at its TSC) that moved its clock
 * @param predictedLaterJumpsNs for each {@code KVM_SET_CLOCK} while the guest ran: the value set minus the clock read just before
 * @param tscStepCycles         the guest TSC across the pause, first reading after minus last before
 * @param tscStepNs             the same through the new pvclock scale
 * @param guestStopped          whether the guest saw {@code PVCLOCK_GUEST_STOPPED} after the resume
 * @param masterClockAtSave     {@code KVM_CLOCK_TSC_STABLE} of the source VM's clock at the pause
 * @param masterClockAfter      the same on the resumed VM at the end
 * @param steps                 the sequence as issued, one line per step
 * @param masterClock           KVM's master clock after the resume, as vCPU 0's pvclock pages showed it
 * @param crossVcpu             the resumed vCPUs' TSC offsets and the guest's cross-vCPU readings
 */
public record RestoreMeasurement(String recipe, Intent intent, int vcpus, long pauseMs,
                                 long lastBeforeNs, Long firstAfterNs, Long guestStepNs, long hostGapNs,
                                 Long exitSlackNs, Long entrySlackNs, Long intendedStepNs, Long errorAtResumeNs,
                                 Long predictedErrorNs, long uncertaintyNs, String timing, Long pvclockVsKvmClockNs,
                                 Double driftNsPerSec, Long captureVsGuestClockNs, Long predictedCaptureVsGuestClockNs,
                                 long stopLatencyNs, Long resumeLatencyNs, long realtimeSlewNs,
                                 List<Long> laterJumpsNs, List<Long> predictedLaterJumpsNs,
                                 Long tscStepCycles, Long tscStepNs, boolean guestStopped,
                                 Boolean masterClockAtSave, Boolean masterClockAfter,
                                 long samplesBefore, long samplesAfter, List<String> steps, List<String> diagnostics,
                                 MasterClockAfter masterClock, CrossVcpu crossVcpu) {
    public RestoreMeasurement {
        laterJumpsNs = List.copyOf(laterJumpsNs);
        predictedLaterJumpsNs = List.copyOf(predictedLaterJumpsNs);
        steps = List.copyOf(steps);
        diagnostics = List.copyOf(diagnostics);
    }
}

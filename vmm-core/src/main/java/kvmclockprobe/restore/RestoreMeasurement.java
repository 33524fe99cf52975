package kvmclockprobe.restore;

import java.util.List;

/**
 * What one recipe did to vCPU 0's clock, as the guest saw it and as the host timed the steps.
 * All times in ns; "raw" is the host's {@code CLOCK_MONOTONIC_RAW}.
 *
 * @param lastBeforeNs         the guest's last clock reading before the pause
 * @param firstAfterNs         its first reading after the resume (the first pvclock change it saw); null if it saw none
 * @param guestStepNs          {@code firstAfterNs - lastBeforeNs}: how far the guest clock moved across the pause
 * @param hostGapNs            host raw time from the vCPUs leaving the guest to vCPU 0 entering it again
 * @param intendedStepNs       what the recipe's intent makes of that: 0 when frozen, {@code hostGapNs} when advancing with real time
 * @param errorAtResumeNs      {@code guestStepNs - intendedStepNs}
 * @param predictedStepNs      the step predicted from {@code KVM_GET_CLOCK} on the resuming VM just before the entry, plus the raw time to the entry
 * @param stopLatencyNs        guest clock time from its last reading to the clock the VMM captured (or, with no capture, to the pause's own reading)
 * @param resumeLatencyNs      host raw time from the last {@code KVM_SET_CLOCK} before the resume to the entry; null when none came before
 * @param realtimeSlewNs       for {@code KVM_CLOCK_REALTIME}: realtime minus raw time elapsed between the capture and the set (NTP slew)
 * @param quantumNs            the resolution the recipe keeps the clock in (openvmm: 100 ns)
 * @param toleranceNs          the guest's own running time around the pause: max(20 us, twice the stop slack)
 * @param stopSlackNs          the KVM clock just after the pause minus the guest's last reading
 * @param laterJumpsNs         every later pvclock change vCPU 0 saw, new minus old parameters at its TSC
 * @param predictedLaterJumpsNs for each {@code KVM_SET_CLOCK} while the guest ran: the value set minus the clock read just before
 * @param tscStepCycles        the guest TSC across the pause (first reading after minus last before)
 * @param tscStepNs            the same in ns at the vCPU's TSC rate
 * @param guestStopped         whether the guest saw {@code PVCLOCK_GUEST_STOPPED} after the resume
 * @param masterClockAtSave    {@code KVM_CLOCK_TSC_STABLE} of the source VM's clock at the pause
 * @param masterClockAfter     the same on the resumed VM at the end
 * @param steps                the sequence as issued, one line per step
 */
public record RestoreMeasurement(String recipe, Intent intent, int vcpus, long pauseMs,
                                 long lastBeforeNs, Long firstAfterNs, Long guestStepNs, long hostGapNs,
                                 long intendedStepNs, Long errorAtResumeNs, long predictedStepNs,
                                 long stopLatencyNs, Long resumeLatencyNs, long realtimeSlewNs, long quantumNs,
                                 long toleranceNs, long stopSlackNs,
                                 List<Long> laterJumpsNs, List<Long> predictedLaterJumpsNs,
                                 Long tscStepCycles, Long tscStepNs, boolean guestStopped,
                                 Boolean masterClockAtSave, Boolean masterClockAfter,
                                 long samplesBefore, long samplesAfter, List<String> steps, List<String> diagnostics) {
    public RestoreMeasurement {
        laterJumpsNs = List.copyOf(laterJumpsNs);
        predictedLaterJumpsNs = List.copyOf(predictedLaterJumpsNs);
        steps = List.copyOf(steps);
        diagnostics = List.copyOf(diagnostics);
    }

    /** The error predicted from the kernel's clock at the resume: {@code predictedStepNs - intendedStepNs}. */
    public long predictedErrorNs() {
        return predictedStepNs - intendedStepNs;
    }
}

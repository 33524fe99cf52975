package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sys.HostInstant;

/**
 * The guest clock at vCPU 0's exit for the pause and at its entry after the resume, and how well
 * they are known. On the guest TSC ({@code "guest TSC"}): each host instant put on the guest's TSC
 * with that VM's offset, through the old pvclock parameters at the exit and the new ones at the
 * entry, to the cycle. Without the host TSC or the offsets ({@code "coarse"}): the guest's last
 * reading before and first after stand in, and its own running time around the pause counts.
 *
 * @param clockAtExit   the guest clock at the exit (null when the guest saw no update after the resume)
 * @param clockAtEntry  the guest clock at the entry
 * @param exitSlackNs   guest clock from its last reading to the exit; null when coarse
 * @param entrySlackNs  guest clock from the entry to its first reading; null when coarse
 * @param pvclockVsKvmNs the guest's pvclock at the entry minus the resuming VM's {@code KVM_GET_CLOCK} carried there
 * @param uncertaintyNs how far measurement and prediction may disagree for a kernel that does what the API says
 * @param name          {@code "guest TSC"} or {@code "coarse"}
 */
record Timing(Long clockAtExit, Long clockAtEntry, Long exitSlackNs, Long entrySlackNs, Long pvclockVsKvmNs, long uncertaintyNs,
              String name) {

    /** The guest saw no pvclock update after the resume: nothing placed. */
    static Timing none(long uncertaintyNs) {
        return new Timing(null, null, null, null, null, uncertaintyNs, "coarse");
    }

    static Timing onGuestTsc(GuestEvent first, long lastBeforeNs, HostInstant exit, HostInstant entry, TscOffset src, TscOffset dst,
                             ClockData atResume, long predictionBracketNs, List<String> diagnostics) {
        long clockAtExit = first.oldParams().nsAtSigned(exit.hostTsc() + src.cycles());
        long clockAtEntry = first.newParams().nsAtSigned(entry.hostTsc() + dst.cycles());
        long exitSlack = clockAtExit - lastBeforeNs;
        long entrySlack = first.ns() - clockAtEntry;
        Long pvclockVsKvm = null;
        if (atResume.hasHostTsc()) {
            // KVM_GET_CLOCK just before the resume, carried to the entry on the host TSC: the clock
            // KVM holds for the VM, against the pvclock it then wrote for the guest.
            long cycles = entry.hostTsc() - atResume.hostTsc();
            long kvmAtEntry = atResume.clockNs() + (cycles >= 0 ? RestoreDerivation.cyclesToNs(first, cycles) : -RestoreDerivation.cyclesToNs(first, -cycles));
            pvclockVsKvm = clockAtEntry - kvmAtEntry;
        }
        long cycles = exit.widthCycles() + entry.widthCycles() + src.uncertaintyCycles() + dst.uncertaintyCycles();
        long uncertainty = RestoreDerivation.cyclesToNs(first, cycles) + predictionBracketNs + RestoreDerivation.RATE_GUARD_NS;
        if (exitSlack < 0 || entrySlack < 0) {
            diagnostics.add("the host instants do not bracket the guest's readings (exit slack " + exitSlack + " ns, entry slack "
                    + entrySlack + " ns): a TSC offset or the TSC rate is not what the probe assumes");
        }
        return new Timing(clockAtExit, clockAtEntry, exitSlack, entrySlack, pvclockVsKvm, uncertainty, "guest TSC");
    }

    static Timing coarse(GuestEvent first, long lastBeforeNs, HostInstant exit, ClockData atStop, long predictionBracketNs,
                         List<String> diagnostics) {
        long stopSlack = atStop.clockNs() - lastBeforeNs;
        long uncertainty = Math.max(20_000, 2 * Math.abs(stopSlack)) + predictionBracketNs;
        diagnostics.add("coarse timing: " + (!exit.hasTsc() ? "the host TSC cannot be read here" : "no TSC offset")
                + "; the guest's own running time around the pause counts as error");
        return new Timing(lastBeforeNs, first.ns(), null, null, null, uncertainty, "coarse");
    }
}

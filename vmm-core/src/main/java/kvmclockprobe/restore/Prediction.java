package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sys.HostInstant;

/**
 * Where the sequence puts the guest clock at vCPU 0's entry, from what the VMM saved and set, never
 * from the clock the resumed guest then shows. In order of precedence:
 * <ol>
 * <li>{@code KVM_SET_CLOCK_GUEST} with saved pvclock parameters: the series defines the restored
 * clock as those parameters' line through the guest TSC, so the clock at the entry is the saved
 * line at the guest TSC of the entry (the host TSC plus the resumed vCPU's offset);</li>
 * <li>the last {@code KVM_SET_CLOCK} before the entry: its value as of the ioctl's raw midpoint, or
 * with {@code KVM_CLOCK_REALTIME} its value plus the realtime elapsed as of the harness's realtime
 * reading just before the ioctl, carried to the entry in raw time;</li>
 * <li>else the resuming VM's {@code KVM_GET_CLOCK} just before the resume, carried to the entry
 * (the VMM set nothing: the clock is whatever the VM holds).</li>
 * </ol>
 *
 * @param clockAtEntryNs the predicted guest clock at the entry; null when it cannot be predicted
 * @param bracketNs      the prediction's own uncertainty (half the set ioctl's raw bracket, or of the realtime reading's)
 * @param resumeLatencyNs raw time from the set to the entry; null when nothing was set
 * @param from           which of the three it came from
 */
public record Prediction(Long clockAtEntryNs, long bracketNs, Long resumeLatencyNs, String from) {

    static Prediction atEntry(PvclockParams savedGuestClock, List<SetClockStep> sets, ClockData atResume, long atResumeRawNs,
                              HostInstant entry, TscOffset entryOffset) {
        if (savedGuestClock != null) return fromSavedGuestClock(savedGuestClock, entry, entryOffset);
        SetClockStep last = lastBeforeResume(sets);
        if (last != null) return fromSet(last, entry);
        return new Prediction(atResume.clockNs() + (entry.rawNs() - atResumeRawNs), 0, null, "KVM_GET_CLOCK of the resuming VM");
    }

    /** KVM_SET_CLOCK_GUEST: the saved line at the guest TSC of the entry; unknown without the host TSC and the offset. */
    static Prediction fromSavedGuestClock(PvclockParams saved, HostInstant entry, TscOffset entryOffset) {
        if (!entry.hasTsc() || entryOffset == null) return new Prediction(null, 0, null, "the saved pvclock (no guest TSC at the entry)");
        long guestTsc = entry.hostTsc() + entryOffset.cycles();
        return new Prediction(saved.nsAtSigned(guestTsc), 0, null, "the saved pvclock at the guest TSC of the entry");
    }

    /**
     * With {@code KVM_CLOCK_REALTIME} (and realtime that has passed since the saved one) KVM sets the
     * clock to the value plus the realtime elapsed, both taken at one instant inside the ioctl, so
     * the ioctl's own duration cancels: the clock at the entry is the value plus the realtime from
     * the saved one to the harness's reading, plus the raw time from that reading to the entry.
     * Otherwise the value holds from KVM's snapshot inside the ioctl, placed at its raw midpoint.
     */
    static Prediction fromSet(SetClockStep s, HostInstant entry) {
        Long latency = entry.rawNs() - s.rawAfterNs();
        if ((s.flags() & kvm_h.KVM_CLOCK_REALTIME) != 0 && s.realNs() > s.realtimeNs()) {
            long clock = effectiveClock(s) + (entry.rawNs() - s.realRawNs());
            return new Prediction(clock, s.realRawHalfWidthNs(), latency, "the last KVM_SET_CLOCK, with the realtime elapsed");
        }
        long mid = s.rawBeforeNs() + (s.rawAfterNs() - s.rawBeforeNs()) / 2;
        return new Prediction(s.clockNs() + (entry.rawNs() - mid), (s.rawAfterNs() - s.rawBeforeNs()) / 2, latency, "the last KVM_SET_CLOCK");
    }

    /** The last {@code KVM_SET_CLOCK} issued while the guest was not running; null when none. */
    static SetClockStep lastBeforeResume(List<SetClockStep> sets) {
        SetClockStep last = null;
        for (SetClockStep s : sets) if (!s.guestRunning()) last = s;
        return last;
    }

    /** The clock a {@code KVM_SET_CLOCK} gives, with the kernel's {@code KVM_CLOCK_REALTIME} correction (never backwards). */
    static long effectiveClock(SetClockStep s) {
        if ((s.flags() & kvm_h.KVM_CLOCK_REALTIME) == 0) return s.clockNs();
        return s.clockNs() + Math.max(0, s.realNs() - s.realtimeNs());
    }
}

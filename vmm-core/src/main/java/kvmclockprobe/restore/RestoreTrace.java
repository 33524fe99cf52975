package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.VcpuStatus;
import kvmclockprobe.sys.HostInstant;

/**
 * What one recipe's run recorded, before any derivation ({@code restore --trace}): the ioctls'
 * results with the host times that bracket them, and what the guest saw. {@link
 * RestoreDerivation} turns it into a {@link RestoreMeasurement} with no I/O, so that a trace
 * recorded in the lab is derived and judged again by the tests with no KVM.
 *
 * @param recipe           the recipe's name
 * @param intent           what it means the guest clock to do across the pause
 * @param vcpus            the guest's vCPUs
 * @param pauseMs          the downtime asked for
 * @param notes            what the sequence said beyond its steps
 * @param lastBeforeAll    each vCPU's status when it left the guest at the pause
 * @param savedGuestClock  vCPU 0's pvclock as the guest last saw it before the pause
 * @param stopped          vCPU 0's exit from the guest
 * @param sourceTscOffset  vCPU 0's TSC offset in the source VM
 * @param sourceTscKhz     the source VM's {@code KVM_GET_TSC_KHZ}
 * @param targetTscOffsets each resumed vCPU's offset just before the resume (null where unreadable)
 * @param atStop           {@code KVM_GET_CLOCK} once the vCPUs stopped
 * @param captured         the clock the VMM saved, or null where it saved none
 * @param capturedRawNs    host raw time at the capture
 * @param capturedRealNs   host realtime read just before the capture
 * @param atResume         {@code KVM_GET_CLOCK} just before the resume
 * @param atResumeRawNs    host raw time then
 * @param firstEntry       vCPU 0's first entry into the guest after the resume
 * @param sets             each {@code KVM_SET_CLOCK} as issued
 * @param ctrl             the {@code KVM_KVMCLOCK_CTRL} steps, one line each
 * @param clocksource      the host's clocksource before the recipe
 * @param clocksourceAfter the same after it
 * @param vdsoRaw          the raw clock's mult/shift read from the vDSO, or null
 * @param vdsoUnavailable  why it is null
 * @param events           what the guest recorded, every vCPU
 * @param lastAll          each vCPU's status at the end
 * @param end              {@code KVM_GET_CLOCK} at the end
 */
public record RestoreTrace(String recipe, Intent intent, int vcpus, long pauseMs, List<String> notes, List<VcpuStatus> lastBeforeAll,
                           PvclockParams savedGuestClock, HostInstant stopped, TscOffset sourceTscOffset, long sourceTscKhz,
                           List<TscOffset> targetTscOffsets, ClockData atStop, ClockData captured, long capturedRawNs,
                           long capturedRealNs, ClockData atResume, long atResumeRawNs, HostInstant firstEntry, List<SetClockStep> sets,
                           List<String> ctrl, String clocksource, String clocksourceAfter, ClocksourceScale vdsoRaw, String vdsoUnavailable,
                           List<GuestEvent> events, List<VcpuStatus> lastAll, ClockData end) {

    /** vCPU 0's status when it left the guest at the pause. */
    VcpuStatus lastBefore() {
        return lastBeforeAll.getFirst();
    }

    /** vCPU 0's offset just before the resume. */
    TscOffset targetTscOffset() {
        return targetTscOffsets.getFirst();
    }
}

package kvmclockprobe.restore;

import java.util.List;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sys.HostInstant;

/**
 * Where the kernel matters: the clock the VMM captured against the guest's own at that instant.
 * In master-clock mode {@code KVM_GET_CLOCK} is the guest's line (C = B without TSC scaling);
 * without it, it is A, and the guest's B has drifted from A since its last pvclock update by the
 * analytic drift.
 *
 * @param driftNsPerSec    the analytic B-A drift of the source VM's pvclock; null when it cannot be had
 * @param captureVsGuestNs the captured clock minus the guest's at that instant; null without the host TSC
 * @param predictedNs      0 in master-clock mode, else minus the drift times the time since the last update
 */
record CaptureCheck(Double driftNsPerSec, Long captureVsGuestNs, Long predictedNs) {

    static CaptureCheck of(RestoreTrace ctx, ClockData captured, GuestEvent first, HostInstant exit, TscOffset src,
                           List<String> diagnostics) {
        Double drift = null;
        try {
            drift = AnalyticDrift.of(ctx.sourceTscKhz(), ctx.clocksource(), ctx.vdsoRaw(), ctx.vdsoUnavailable(),
                    first.oldParams()).bMinusANsPerSec();
        } catch (RuntimeException e) {
            diagnostics.add("no analytic drift: " + e.getMessage());
        }
        Long vsGuest = captured.hasHostTsc() && src != null
                ? captured.clockNs() - first.oldParams().nsAtSigned(captured.hostTsc() + src.cycles()) : null;
        Long predicted = null;
        if (captured.tscStable()) {
            predicted = 0L;
        } else if (drift != null && exit.hasTsc() && src != null) {
            long sinceUpdate = RestoreDerivation.cyclesToNs(first, Math.max(0, exit.hostTsc() + src.cycles() - first.oldParams().tscTimestamp()));
            predicted = DriftEstimate.resnapshotJumpNs(drift, sinceUpdate);
        }
        return new CaptureCheck(drift, vsGuest, predicted);
    }
}

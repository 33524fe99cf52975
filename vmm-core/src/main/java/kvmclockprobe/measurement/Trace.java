package kvmclockprobe.measurement;

import java.util.List;

import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.sampler.GuestEvent;

/**
 * What the probe recorded around one action, raw: the host's facts the arithmetic needs, the
 * host's view of every vCPU before and after the action (and the control re-snapshot, where one
 * was made), the guest's pvclock events in between, and the action's own record. No judgement
 * and no arithmetic: {@link Derivation} turns it into a {@link Measurement}. A trace can be
 * written as JSON ({@code check --trace DIR}) and derived again anywhere, with no KVM.
 *
 * @param vcpus            sampling vCPUs
 * @param tscKhz           {@code KVM_GET_TSC_KHZ} of vCPU 0 (0: unknown)
 * @param offsetKnown      whether {@code KVM_VCPU_TSC_OFFSET} could be read (TSC steps are 0 otherwise)
 * @param clocksource      the host's clocksource
 * @param vdsoRaw          the raw clock's pair read from the vDSO, null when unread
 * @param vdsoUnavailable  why it is null
 * @param startParams      vCPU 0's pvclock when the measurement began (the arithmetic's pvclock scale)
 * @param settleS          how long the guest ran before the action, s
 * @param settleWhy        why that long
 * @param action           the action's window
 * @param control          the control re-snapshot's window, or null
 * @param masterOffAfter   a host reading after the action was out of master-clock mode
 * @param guestCounters    backward steps, cross-vCPU violations and events lost over all vCPUs
 * @param readerMethod     how the host's A/B samples were taken
 * @param fit              the diagnostic fit of the readings before the action, or null
 * @param plot             guest clock minus host raw time around the action
 */
public record Trace(int vcpus, long tscKhz, boolean offsetKnown, String clocksource, ClocksourceScale vdsoRaw,
                    String vdsoUnavailable, PvclockParams startParams, double settleS, String settleWhy, Window action,
                    Window control, boolean masterOffAfter, GuestCounters guestCounters, String readerMethod, DriftResult fit,
                    List<PlotPoint> plot) {

    /**
     * One action: the host's view before and after it and the guest's events in between.
     *
     * @param before the host's view just before
     * @param after  the host's view at the end of the window after it
     * @param events the guest's events in between (every vCPU)
     * @param effect what the action did
     */
    public record Window(HostView before, HostView after, List<GuestEvent> events, TriggerEffect effect) {
        public Window {
            events = List.copyOf(events);
        }
    }

    /**
     * The host's view of every vCPU at one moment.
     *
     * @param tscOffsets    each vCPU's {@code KVM_VCPU_TSC_OFFSET} (0 where unknown)
     * @param pages         each vCPU's pvclock page, read from guest memory
     * @param rawNs         host {@code CLOCK_MONOTONIC_RAW} of the A/B reading taken then
     * @param sinceSnapshotNs vCPU 0's guest time since its pvclock reference point then
     * @param masterClock   {@code KVM_CLOCK_TSC_STABLE} then
     */
    public record HostView(List<Long> tscOffsets, List<PvclockParams> pages, long rawNs, long sinceSnapshotNs, boolean masterClock) {
        public HostView {
            tscOffsets = List.copyOf(tscOffsets);
            pages = List.copyOf(pages);
        }
    }

    /** The guest's own counters at the end, summed over its vCPUs. */
    public record GuestCounters(long backwardSteps, long crossVcpuViolations, long eventsLost) {}

    public Trace {
        plot = List.copyOf(plot);
    }
}

package kvmclockprobe.sampler;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;

/**
 * One event the sampler guest recorded (guest ABI, event ring).
 *
 * @param type        {@code EVENT_VERSION_CHANGE}, {@code EVENT_BACKWARD_STEP} or {@code EVENT_CROSS_VCPU}
 * @param vcpu        the vCPU that saw it
 * @param sampleIndex the guest's sample counter at the event
 * @param tsc         the guest TSC of the sample (the first read after a version change)
 * @param jumpNs      version change: {@code new(tsc) - old(tsc)}; backward/cross: {@code ns - prevNs}
 * @param oldParams   the pvclock parameters before
 * @param newParams   the pvclock parameters of this sample
 * @param prevNs      the previous sample's ns (cross-vCPU: the global latest seen before sampling)
 * @param ns          this sample's ns
 * @param prevTsc     the previous sample's TSC
 */
public record GuestEvent(int type, int vcpu, long sampleIndex, long tsc, long jumpNs,
                         PvclockParams oldParams, PvclockParams newParams, long prevNs, long ns, long prevTsc) {

    public boolean isVersionChange() {
        return type == GuestAbi.EVENT_VERSION_CHANGE;
    }

    public boolean isBackwardStep() {
        return type == GuestAbi.EVENT_BACKWARD_STEP;
    }

    public boolean isCrossVcpu() {
        return type == GuestAbi.EVENT_CROSS_VCPU;
    }

    /** The jump recomputed on the host from the two parameter sets at the event's TSC (exact arithmetic). */
    public long hostJumpNs() {
        return newParams.nsAt(tsc) - oldParams.nsAt(tsc);
    }

    public String typeName() {
        return switch (type) {
            case GuestAbi.EVENT_VERSION_CHANGE -> "version-change";
            case GuestAbi.EVENT_BACKWARD_STEP -> "backward-step";
            case GuestAbi.EVENT_CROSS_VCPU -> "cross-vcpu";
            default -> "type " + type;
        };
    }
}

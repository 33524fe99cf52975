package kvmclockprobe.sampler;

import static kvmclockprobe.guest.GuestAbi.*;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.kvm.GuestMemory;

/**
 * The host's view of one vCPU's block in guest memory (guest ABI): its status and its event
 * ring. Everything read is validated; a value the protocol cannot produce is a
 * {@link GuestProtocolError}, never an exception from deep inside. Read it only while that
 * vCPU is out of {@code KVM_RUN} (at a doorbell, or after it finished).
 */
public final class VcpuBlock {
    private final GuestMemory ram;
    private final int vcpu;
    private final long base;

    public VcpuBlock(GuestMemory ram, int vcpu) {
        this.ram = ram;
        this.vcpu = vcpu;
        this.base = vcpuBlockGpa(vcpu);
    }

    public int vcpu() {
        return vcpu;
    }

    public VcpuStatus status() {
        int state = ram.readU32(base + VCPU_OFF_STATE);
        if (state < STATE_NOT_STARTED || state > STATE_ERROR) {
            throw new GuestProtocolError("vCPU " + vcpu + " state " + state + " is not a STATE_* value");
        }
        return new VcpuStatus(vcpu, state,
                ram.readU32(base + VCPU_OFF_ERROR_CODE),
                ram.readU64(base + VCPU_OFF_SAMPLES),
                ram.readU64(base + VCPU_OFF_RETRIES),
                ram.readU64(base + VCPU_OFF_VERSION_CHANGES),
                ram.readU64(base + VCPU_OFF_BACKWARD_STEPS),
                ram.readU64(base + VCPU_OFF_LAST_TSC),
                ram.readU64(base + VCPU_OFF_LAST_NS),
                ram.readU64(base + VCPU_OFF_EVENTS_WRITTEN),
                ram.readU64(base + VCPU_OFF_EVENTS_CONSUMED),
                ram.readU64(base + VCPU_OFF_EVENTS_LOST),
                ram.readU64(base + VCPU_OFF_DOORBELLS),
                ram.readU32(base + VCPU_OFF_LAST_VERSION),
                ram.readU64(base + VCPU_OFF_CROSS_VCPU_VIOLATIONS),
                ram.readU64(base + VCPU_OFF_FAULT_VECTOR),
                ram.readU64(base + VCPU_OFF_FAULT_ERROR_CODE),
                ram.readU64(base + VCPU_OFF_FAULT_RIP),
                PvclockParams.decode(ram.slice(base + VCPU_OFF_LAST_PARAMS, PVTI_SIZE)));
    }

    /**
     * Takes every event the guest wrote since the last drain, oldest first, and marks them
     * consumed so the guest can reuse their slots.
     */
    public List<GuestEvent> drain() {
        long written = ram.readU64(base + VCPU_OFF_EVENTS_WRITTEN);
        long consumed = ram.readU64(base + VCPU_OFF_EVENTS_CONSUMED);
        long pending = written - consumed;
        if (pending < 0 || pending > EVENT_RING_SLOTS) {
            throw new GuestProtocolError(String.format(
                    "vCPU %d event ring: events_written %s, events_consumed %s (pending must be 0..%d)",
                    vcpu, Long.toUnsignedString(written), Long.toUnsignedString(consumed), EVENT_RING_SLOTS));
        }
        List<GuestEvent> events = new ArrayList<>((int) pending);
        for (long k = consumed; k != written; k++) {
            events.add(readEvent(k));
        }
        ram.writeU64(base + VCPU_OFF_EVENTS_CONSUMED, written);
        return events;
    }

    private GuestEvent readEvent(long k) {
        long e = eventGpa(vcpu, k);
        int type = ram.readU32(e + EVT_OFF_TYPE);
        if (type != EVENT_VERSION_CHANGE && type != EVENT_BACKWARD_STEP && type != EVENT_CROSS_VCPU) {
            throw new GuestProtocolError("vCPU " + vcpu + " event " + k + " has type " + type);
        }
        int from = ram.readU32(e + EVT_OFF_VCPU);
        if (from != vcpu) {
            throw new GuestProtocolError("vCPU " + vcpu + " event " + k + " claims to be from vCPU " + from);
        }
        return new GuestEvent(type, from,
                ram.readU64(e + EVT_OFF_SAMPLE_INDEX),
                ram.readU64(e + EVT_OFF_TSC),
                ram.readU64(e + EVT_OFF_JUMP_NS),
                PvclockParams.decode(ram.slice(e + EVT_OFF_OLD_PARAMS, PVTI_SIZE)),
                PvclockParams.decode(ram.slice(e + EVT_OFF_NEW_PARAMS, PVTI_SIZE)),
                ram.readU64(e + EVT_OFF_PREV_NS),
                ram.readU64(e + EVT_OFF_NS),
                ram.readU64(e + EVT_OFF_PREV_TSC));
    }
}

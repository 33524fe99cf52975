package kvmclockprobe.machine;

import static kvmclockprobe.guest.GuestAbi.CONTROL_GPA;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.GuestMemory;
import kvmclockprobe.x86.PageTables;

/**
 * The host's side of the guest ABI's control page ({@link GuestAbi#CONTROL_GPA}): the header
 * every image checks, and the fields the host writes to steer a running guest.
 */
public final class ControlPage {
    private final GuestMemory ram;

    public ControlPage(GuestMemory ram) {
        this.ram = ram;
    }

    static void writeHeader(GuestMemory ram, int vcpuCount) {
        ram.slice(CONTROL_GPA, PageTables.PAGE_SIZE).fill((byte) 0);
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_MAGIC, GuestAbi.CONTROL_MAGIC);
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_ABI_VERSION, GuestAbi.ABI_VERSION);
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_PVCLOCK_MSR, GuestAbi.MSR_KVM_SYSTEM_TIME_NEW);
        setVcpuCount(ram, vcpuCount);
    }

    static void setVcpuCount(GuestMemory ram, int vcpuCount) {
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_VCPU_COUNT, vcpuCount);
    }

    /** Asks every vCPU to finish at its next loop: state done, DOORBELL_DONE, HLT. */
    public void requestStop() {
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_STOP, 1);
    }

    /** The guest rings DOORBELL_TICK whenever this much of its own clock has passed. */
    public void setDoorbellIntervalNs(long intervalNs) {
        ram.writeU64(CONTROL_GPA + GuestAbi.CTL_OFF_DOORBELL_INTERVAL_NS, intervalNs);
    }

    /** Issues {@code command} (a {@code COMMAND_*}) to vCPU 0; returns its sequence number. */
    public synchronized int issueCommand(int command) {
        int seq = ram.readU32(CONTROL_GPA + GuestAbi.CTL_OFF_COMMAND_SEQ) + 1;
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_COMMAND, command);
        java.lang.invoke.VarHandle.releaseFence();
        ram.writeU32(CONTROL_GPA + GuestAbi.CTL_OFF_COMMAND_SEQ, seq);
        return seq;
    }

    /** The last command sequence number vCPU 0 acknowledged. */
    public int commandAck() {
        return ram.readU32(CONTROL_GPA + GuestAbi.CTL_OFF_COMMAND_ACK);
    }
}

package kvmclockprobe.machine;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.GuestMemory;

/**
 * The host's side of the guest ABI's control page ({@link GuestAbi#CONTROL_GPA}): the header
 * every image checks, and the fields the host writes to steer a running guest.
 */
public final class ControlPage {
    private ControlPage() {}

    static void writeHeader(GuestMemory ram, int vcpuCount) {
        ram.slice(GuestAbi.CONTROL_GPA, 0x1000).fill((byte) 0);
        ram.writeU32(GuestAbi.CONTROL_GPA + GuestAbi.CTL_OFF_MAGIC, GuestAbi.CONTROL_MAGIC);
        ram.writeU32(GuestAbi.CONTROL_GPA + GuestAbi.CTL_OFF_ABI_VERSION, GuestAbi.ABI_VERSION);
        setVcpuCount(ram, vcpuCount);
    }

    static void setVcpuCount(GuestMemory ram, int vcpuCount) {
        ram.writeU32(GuestAbi.CONTROL_GPA + GuestAbi.CTL_OFF_VCPU_COUNT, vcpuCount);
    }
}

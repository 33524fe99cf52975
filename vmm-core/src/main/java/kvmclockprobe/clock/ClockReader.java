package kvmclockprobe.clock;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.GuestMemory;
import kvmclockprobe.kvm.Vm;
import kvmclockprobe.sys.Libc;

/**
 * Reads definitions A, B and C of one vCPU's KVM clock from the host: {@code KVM_GET_CLOCK} with
 * its host TSC, bracketed by {@code CLOCK_MONOTONIC_RAW}; the host TSC turned into the guest TSC
 * with the vCPU's TSC offset (and ratio, when the guest TSC is scaled); B from the pvclock
 * parameters KVM wrote into guest memory for that vCPU.
 */
public final class ClockReader {
    private final Vm vm;
    private final MemorySegment pvclock;
    private volatile GuestTsc guestTsc;

    /**
     * How host TSC becomes guest TSC: {@code guest = (host * ratio >> fracBits) + offset}.
     * Without scaling, {@code ratio} is {@code 1 << fracBits}.
     */
    public record GuestTsc(long offset, long ratio, int fracBits) {
        public static GuestTsc unscaled(long offset) {
            return new GuestTsc(offset, 1L << 32, 32);
        }

        public boolean scaled() {
            return ratio != 1L << fracBits;
        }

        public long fromHost(long hostTsc) {
            if (!scaled()) return hostTsc + offset;
            return PvclockParams.mulShift(hostTsc, ratio, fracBits) + offset;
        }
    }

    public ClockReader(Vm vm, GuestMemory ram, int vcpu, GuestTsc guestTsc) {
        this.vm = vm;
        this.pvclock = ram.slice(GuestAbi.pvclockGpa(vcpu), GuestAbi.PVTI_SIZE);
        this.guestTsc = guestTsc;
    }

    /** After a trigger changed the TSC offset, readings must use the new one. */
    public void setGuestTsc(GuestTsc guestTsc) {
        this.guestTsc = guestTsc;
    }

    public GuestTsc guestTsc() {
        return guestTsc;
    }

    public ClockReading read() {
        long before = Libc.monotonicRawNs();
        ClockData clock = vm.getClock();
        long after = Libc.monotonicRawNs();
        if (!clock.hasHostTsc()) {
            throw new IllegalStateException("KVM_GET_CLOCK gave no host TSC (KVM_CLOCK_HOST_TSC missing): "
                    + "this kernel cannot be measured (needs Linux 5.16 or newer)");
        }
        PvclockParams p = PvclockParams.readConsistent(pvclock, 10_000);
        long tsc = guestTsc.fromHost(clock.hostTsc());
        return new ClockReading(before, after, clock.hostTsc(), tsc, p.nsAt(tsc), clock.clockNs(),
                clock.tscStable(), p);
    }

    /** The pvclock parameters in guest memory now (version protocol). */
    public PvclockParams params() {
        return PvclockParams.readConsistent(pvclock, 10_000);
    }
}

package kvmclockprobe.clock;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.GuestMemory;
import kvmclockprobe.kvm.Vm;
import kvmclockprobe.sys.HostInstant;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.Tsc;

/**
 * Reads definitions A, B and C of one vCPU's KVM clock from the host: {@code KVM_GET_CLOCK} with
 * its host TSC, bracketed by {@code CLOCK_MONOTONIC_RAW}; the host TSC turned into the guest TSC
 * with the vCPU's TSC offset; B from the pvclock
 * parameters KVM wrote into guest memory for that vCPU.
 */
public final class ClockReader {
    private final Vm vm;
    private final MemorySegment pvclock;
    private final GuestTsc guestTsc;
    private final long tscKhz;

    /**
     * How host TSC becomes guest TSC: {@code guest = host + offset}. The probe never scales a
     * vCPU's TSC away from the host's rate ({@code KVM_SET_TSC_KHZ} is only ever set to the
     * current value), so there is no ratio.
     */
    public record GuestTsc(long offset) {
        public long fromHost(long hostTsc) {
            return hostTsc + offset;
        }
    }

    /**
     * @param tscKhz the host TSC rate, to express the width of a TSC bracket in ns (0: unknown,
     *               then the {@code KVM_GET_CLOCK} bracket is used)
     */
    public ClockReader(Vm vm, GuestMemory ram, int vcpu, GuestTsc guestTsc, long tscKhz) {
        this.vm = vm;
        this.tscKhz = tscKhz;
        this.pvclock = ram.slice(GuestAbi.pvclockGpa(vcpu), GuestAbi.PVTI_SIZE);
        this.guestTsc = guestTsc;
    }


    public GuestTsc guestTsc() {
        return guestTsc;
    }

    /**
     * One reading. The A/B sample is a TSC/raw pair taken in user space ({@code rdtsc},
     * {@code clock_gettime(CLOCK_MONOTONIC_RAW)}, {@code rdtsc}) when {@link Tsc} is available:
     * tens of ns wide, where a bracket around the {@code KVM_GET_CLOCK} system call is
     * microseconds wide and skewed by whatever the call path costs. Without {@link Tsc} the
     * system-call bracket is used.
     */
    public ClockReading read() {
        long before = Libc.monotonicRawNs();
        ClockData clock = vm.getClock();
        long after = Libc.monotonicRawNs();
        PvclockParams p = PvclockParams.readConsistent(pvclock, 10_000);
        if (!clock.hasHostTsc()) {
            if (clock.tscStable()) {
                throw new IllegalStateException("KVM_GET_CLOCK gave KVM_CLOCK_TSC_STABLE but no host TSC (KVM_CLOCK_HOST_TSC): "
                        + "this kernel cannot be measured (needs Linux 5.16 or newer)");
            }
            // Master clock off: KVM gives no host TSC then. C is A + offset; B is known only through
            // the user-space pair, and the reading is marked out of master-clock mode.
            if (pairs()) return pairReading(p, clock, after - before, ClockReading.NONE, ClockReading.NONE, ClockReading.NONE);
            return new ClockReading(before + (after - before) / 2, Long.MAX_VALUE, ClockReading.NONE, ClockReading.NONE, ClockReading.NONE,
                    ClockReading.NONE, clock.clockNs(), false, p, after - before);
        }
        long tsc = guestTsc.fromHost(clock.hostTsc());
        long bNs = p.nsAt(tsc);
        if (pairs()) return pairReading(p, clock, after - before, clock.hostTsc(), tsc, bNs);
        return new ClockReading(before + (after - before) / 2, after - before, bNs, clock.hostTsc(), tsc, bNs,
                clock.clockNs(), clock.tscStable(), p, after - before);
    }

    private boolean pairs() {
        return tscKhz > 0 && Tsc.available();
    }

    private ClockReading pairReading(PvclockParams p, ClockData clock, long getClockBracketNs, long hostTsc, long guestTscNow, long bNs) {
        HostInstant now = HostInstant.now();
        long bracket = now.widthCycles() * 1_000_000L / tscKhz;
        return new ClockReading(now.rawNs(), bracket, p.nsAt(guestTsc.fromHost(now.hostTsc())), hostTsc, guestTscNow, bNs,
                clock.clockNs(), clock.tscStable(), p, getClockBracketNs);
    }

    /** How the A/B samples are taken, for reports. */
    public String method() {
        return pairs()
                ? "rdtsc / CLOCK_MONOTONIC_RAW / rdtsc pairs in user space"
                : "CLOCK_MONOTONIC_RAW brackets around KVM_GET_CLOCK (" + (Tsc.available() ? "TSC rate unknown" : Tsc.unavailableReason()) + ")";
    }

}

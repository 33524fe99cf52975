package kvmclockprobe.sys;

/**
 * One host instant on both host clocks: {@code CLOCK_MONOTONIC_RAW} read between two
 * {@code rdtsc}s. With the vCPU's TSC offset, {@code hostTsc} places the instant on the guest's
 * TSC, so the guest's own readings can be set against it to the cycle.
 *
 * @param rawNs          CLOCK_MONOTONIC_RAW
 * @param hostTsc        the midpoint of the two TSC reads; 0 when the TSC cannot be read here
 * @param widthCycles    how far apart the two TSC reads were (the instant's uncertainty)
 */
public record HostInstant(long rawNs, long hostTsc, long widthCycles) {
    public static HostInstant now() {
        if (!Tsc.available()) return new HostInstant(Libc.monotonicRawNs(), 0, 0);
        long t1 = Tsc.read();
        long raw = Libc.monotonicRawNs();
        long t2 = Tsc.read();
        return new HostInstant(raw, t1 + (t2 - t1) / 2, t2 - t1);
    }

    public boolean hasTsc() {
        return hostTsc != 0;
    }
}

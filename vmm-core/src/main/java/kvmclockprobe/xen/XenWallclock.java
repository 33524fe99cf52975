package kvmclockprobe.xen;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.shared_info;

/**
 * The wallclock KVM writes into a Xen {@code shared_info} page (x86-64 layout): the host's
 * realtime minus the KVM clock, as seconds and nanoseconds since the epoch. Guest wall time is
 * this plus the KVM clock.
 *
 * @param version {@code wc_version} (odd while KVM writes)
 * @param sec     {@code wc_sec} (low 32 bits of the seconds)
 * @param nsec    {@code wc_nsec}
 * @param secHi   {@code wc_sec_hi} (high 32 bits of the seconds)
 */
public record XenWallclock(int version, int sec, int nsec, int secHi) {

    /** Decodes the wallclock fields of the shared_info page at {@code page}. */
    public static XenWallclock read(MemorySegment page) {
        return new XenWallclock(shared_info.wc_version(page), shared_info.wc_sec(page),
                shared_info.wc_nsec(page), shared_info.wc_sec_hi(page));
    }

    /** True once KVM has written it (a non-zero, even version). */
    public boolean written() {
        return version != 0 && (version & 1) == 0;
    }

    /** The epoch (wall time at KVM clock 0) in ns since 1970. */
    public long epochNs() {
        long seconds = Integer.toUnsignedLong(secHi) << 32 | Integer.toUnsignedLong(sec);
        return seconds * 1_000_000_000L + Integer.toUnsignedLong(nsec);
    }

    /**
     * The check of the kernel's xen_shinfo_test: wallclock + KVM clock lies within the host
     * realtime read before and after.
     */
    public boolean inRange(long kvmclockNs, long realtimeBeforeNs, long realtimeAfterNs) {
        long wall = epochNs() + kvmclockNs;
        return wall >= realtimeBeforeNs && wall <= realtimeAfterNs;
    }
}

package kvmclockprobe.xen;

import java.util.Locale;

/**
 * The Xen wallclock across an action, as read: the shared_info wallclock before and after, the
 * KVM clock just after, and the host's realtime around it. What it means is computed here, from
 * the readings alone, for the judge: xen_shinfo_test's check that wallclock + KVM clock lies in
 * [realtime before, realtime after].
 *
 * @param before           the shared_info wallclock before the action
 * @param after            the same after it
 * @param kvmclockNs       the KVM clock (B) read just after {@code after}
 * @param realtimeBeforeNs host {@code CLOCK_REALTIME} before the action
 * @param realtimeAfterNs  host {@code CLOCK_REALTIME} after the KVM clock was read
 */
public record WallclockReading(XenWallclock before, XenWallclock after, long kvmclockNs, long realtimeBeforeNs,
                               long realtimeAfterNs) {

    /** How far the wallclock's epoch moved across the action, ns. */
    public long stepNs() {
        return after.epochNs() - before.epochNs();
    }

    /** KVM wrote the wallclock, and wallclock + KVM clock lies within the realtime read around it. */
    public boolean inRange() {
        return after.written() && after.inRange(kvmclockNs, realtimeBeforeNs, realtimeAfterNs);
    }

    /** The two wallclocks and the step, one line. */
    public String describeStep() {
        return String.format(Locale.ROOT, "shared_info wallclock: before %s; after %s; step %d ns", fields(before), fields(after), stepNs());
    }

    /** The check and its outcome, one line. */
    public String describeCheck() {
        return "wallclock check (xen_shinfo_test): shared_info wallclock + kvmclock " + (inRange() ? "within" : "OUTSIDE")
                + " [realtime before, realtime after]" + (after.written() ? "" : " (wc_version " + after.version() + ": not written)");
    }

    private static String fields(XenWallclock w) {
        return String.format(Locale.ROOT, "wc_version %d wc_sec %d wc_nsec %d wc_sec_hi %d", w.version(), Integer.toUnsignedLong(w.sec()),
                w.nsec(), w.secHi());
    }
}

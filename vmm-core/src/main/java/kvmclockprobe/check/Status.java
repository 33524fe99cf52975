package kvmclockprobe.check;

/** A trigger's verdict. */
public enum Status {
    /** The kernel did what a correct kernel does. */
    PASS,
    /** It did not; the reason says how and why that matters. */
    FAIL,
    /** The host lacks what the trigger needs; the reason names it. */
    SKIP;

    /** {@code pass}, {@code fail}, {@code skip}: the JSON and table spelling. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

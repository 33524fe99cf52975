package kvmclockprobe.check;

/** A trigger's verdict. */
public enum Status {
    /** The kernel did what a correct kernel does. */
    PASS,
    /** It did not; the reason says how and why that matters. */
    FAIL,
    /** Nothing to say about the kernel: the host lacks what the trigger needs, or the measurement could not tell (inconclusive); the reason says which. */
    SKIP,
    /** The probe or the guest failed: no claim about the kernel (kselftest's {@code ksft_test_result_error}). */
    ERROR;

    /** {@code pass}, {@code fail}, {@code skip}, {@code error}: the JSON and table spelling. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package kvmclockprobe.verdict;

import java.util.Locale;

/** A verdict's status, shared by {@code check} and {@code restore}. */
public enum Status {
    /** The kernel did what a correct kernel does. */
    PASS,
    /** It did not; the reason says how and why that matters. */
    FAIL,
    /**
     * Measured, but the measurement cannot tell a correct kernel from a broken one here (a jump
     * too small to size, the master clock going off under the trigger); the reason says why.
     * TAP prints it as a SKIP whose reason starts {@code inconclusive:}, JUnit as skipped.
     */
    INCONCLUSIVE,
    /**
     * A sequence known to be bad (a VMM release before its fix) failed as it must: shown for
     * contrast, not a failure (kselftest's {@code ksft_test_result_xfail}).
     */
    XFAIL,
    /** Not run: the host lacks what it needs; the reason names it. */
    SKIP,
    /** The probe or the guest failed: no claim about the kernel (kselftest's {@code ksft_test_result_error}). */
    ERROR;

    /** {@code pass}, {@code fail}, {@code inconclusive}, {@code xfail}, {@code skip}, {@code error}: the JSON and table spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The message TAP's {@code # SKIP} and JUnit's skipped carry: the reason, marked {@code inconclusive:} for that status. */
    public String skipMessage(String reason) {
        return this == INCONCLUSIVE ? "inconclusive: " + reason : reason;
    }
}

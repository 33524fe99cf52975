package kvmclockprobe.verdict;

/**
 * The exit code of a whole run, one rule for {@code check} and {@code restore}, kselftest's
 * where they overlap. A kernel failure outranks a probe error: one errored trigger never hides
 * a failed one (the error still shows in the results).
 */
public final class ExitRule {
    private ExitRule() {}

    public static final int OK = 0;
    /** Something failed: the kernel. */
    public static final int FAIL = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** The probe or the guest failed and nothing failed: no claim about the kernel. */
    public static final int ERROR = 3;
    /** Nothing passed: all skipped or inconclusive (kselftest's {@code KSFT_SKIP}). */
    public static final int SKIP = 4;

    /**
     * @param failed  any result failed (for restore also a known-bad sequence that passed)
     * @param errored any result errored
     * @param passed  any result passed (for restore also a known-bad sequence that failed as known)
     */
    public static int code(boolean failed, boolean errored, boolean passed) {
        if (failed) return FAIL;
        if (errored) return ERROR;
        if (!passed) return SKIP;
        return OK;
    }
}

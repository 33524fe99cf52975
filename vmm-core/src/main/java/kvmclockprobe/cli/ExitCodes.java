package kvmclockprobe.cli;

/** Process exit codes, kselftest-compatible where they overlap. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** A check failed (kselftest: non-zero). */
    public static final int FAIL = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** The probe itself could not work: a guest misbehaved or an unexpected error. */
    public static final int ERROR = 3;
    /** The host cannot run this (no /dev/kvm, missing capability): kselftest's KSFT_SKIP. */
    public static final int SKIP = 4;
    // SIGINT and SIGTERM end a check with 130 and 143 (the JVM's 128 + signal), after writing
    // what was measured so far, marked incomplete.
}

package kvmclockprobe.testing.tools;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The tests that use a build tool (gcc, binutils, Debian's libxen-dev headers, Chromium) skip,
 * naming it, where it is missing; with {@code KVMCLOCK_REQUIRE_TOOLS=1} (set by {@code .ci/run}
 * after it installed them) a missing tool fails the test instead, as {@code KVMCLOCK_REQUIRE_KVM}
 * does for KVM.
 */
public final class RequiredTools {
    /** Set to {@code 1}: a test whose tool is missing fails instead of skipping. */
    public static final String REQUIRE_ENV = "KVMCLOCK_REQUIRE_TOOLS";

    private RequiredTools() {}

    /** Whether the environment asks that a missing tool be a failure. */
    public static boolean required() {
        String value = System.getenv(REQUIRE_ENV);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    /** Goes on when {@code present}; else skips the test with {@code why}, or fails it when tools are required. */
    public static void assumeTool(boolean present, String why) {
        if (present) return;
        if (required()) Assertions.fail(why + " (" + REQUIRE_ENV + "=1: the tools were installed, so a missing one is a failure)");
        Assumptions.abort(why);
    }
}

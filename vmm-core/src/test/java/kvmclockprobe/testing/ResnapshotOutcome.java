package kvmclockprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a re-snapshot trigger on real KVM must give: a pass. The reference point shows the
 * re-snapshot whatever its size and the kernel's arithmetic or a control sizes it, so there is
 * no honest skip left for a drift too small to see.
 */
public final class ResnapshotOutcome {
    private ResnapshotOutcome() {}

    /**
     * @param what   the trigger or run, for the message
     * @param status the status label ("pass", "skip", …)
     * @param reason the verdict's reason
     */
    public static void assertPassed(String what, String status, String reason) {
        assertThat(status).as("%s: %s", what, reason).isEqualTo("pass");
    }
}

package kvmclockprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a re-snapshot trigger on real KVM must give: a pass, or, on a boot whose B−A drift is too
 * small to move the clock visibly within the settle the test allows (the drift differs on every
 * lab boot), the one inconclusive skip that says exactly that. Any other skip, a fail or an error
 * fails the test, with the verdict's reason in the message.
 */
public final class ResnapshotOutcome {
    /** The words of the judge's verdict when a re-snapshot would be too small to see. */
    public static final String TOO_SMALL = "too little to tell from none";

    private ResnapshotOutcome() {}

    /**
     * @param what   the trigger or run, for the message
     * @param status the status label ("pass", "skip", …)
     * @param reason the verdict's reason
     * @return true when it passed, so the caller checks the measured jump; false for the honest skip
     */
    public static boolean passed(String what, String status, String reason) {
        if (status.equals("skip")) {
            assertThat(reason).as("%s skipped: only a re-snapshot too small to see may", what).startsWith("inconclusive").contains(TOO_SMALL);
            return false;
        }
        assertThat(status).as("%s: %s", what, reason).isEqualTo("pass");
        return true;
    }
}

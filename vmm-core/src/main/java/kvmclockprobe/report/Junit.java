package kvmclockprobe.report;

import kvmclockprobe.verdict.Status;

/**
 * JUnit XML's verdict elements, one mapping for {@code check} and {@code restore}: a failure is a
 * {@code <failure>} (the kernel), an error an {@code <error>} (the probe), a skip or an
 * inconclusive result a {@code <skipped>} whose message says which.
 */
final class Junit {
    private Junit() {}

    /** The element of a testcase for its status, with its reason; {@code failureType} names what failed. */
    static void verdict(Xml x, Status status, String reason, String failureType) {
        String message = CheckTable.oneLine(reason);
        switch (status) {
            case PASS -> { }
            case FAIL -> x.text("failure", reason, "message", message, "type", failureType);
            case ERROR -> x.text("error", reason, "message", message, "type", "probe");
            case SKIP, INCONCLUSIVE -> x.empty("skipped", "message", status.skipMessage(message));
            case XFAIL -> x.empty("skipped", "message", "expected failure (xfail): " + message);
        }
    }
}

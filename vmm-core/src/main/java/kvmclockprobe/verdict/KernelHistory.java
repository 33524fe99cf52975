package kvmclockprobe.verdict;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a kernel's history says a result should be, so that no consumer (the lab's matrix, a CI
 * job) judges it again: a check whose behaviour an upstream change set is expected to fail in a
 * kernel older than that release and to pass from it on; any other is expected to pass. Pure.
 *
 * @param expected the status the kernel's history expects
 * @param outcome  {@code match}, {@code mismatch}, {@code finding} (it passes though the kernel is
 *                 older than the change: a backport, reported, not a mismatch) or {@code neutral}
 *                 (a capability skip says nothing about the kernel)
 * @param why      one line
 */
public record KernelHistory(Status expected, String outcome, String why) {

    /** True for a match, false for a mismatch, null for a finding or a neutral skip. */
    public Boolean matches() {
        return switch (outcome) {
            case "match" -> true;
            case "mismatch" -> false;
            default -> null;
        };
    }

    private static final Pattern SERIES = Pattern.compile("^(\\d+)\\.(\\d+)");

    /**
     * @param status        the result's status
     * @param change        the upstream change that set the behaviour, or null
     * @param kernelRelease {@code uname -r} of the kernel that was checked ({@code 6.12.117+deb12-amd64})
     */
    public static KernelHistory of(Status status, UpstreamChange change, String kernelRelease) {
        boolean older = change != null && olderThan(kernelRelease, change.release());
        Status expected = older ? Status.FAIL : Status.PASS;
        String rule = change == null ? "pass expected"
                : older ? "older than " + change.release() + " (" + change.commit() + "): fail expected"
                : change.release() + " or newer (" + change.commit() + "): pass expected";
        return switch (status) {
            case ERROR -> new KernelHistory(expected, "mismatch", "error: never a match");
            case INCONCLUSIVE -> new KernelHistory(expected, "mismatch", "inconclusive: never a match");
            case SKIP, XFAIL -> new KernelHistory(expected, "neutral", status.label() + ": says nothing about the kernel");
            case PASS, FAIL -> status == expected ? new KernelHistory(expected, "match", rule)
                    : older && status == Status.PASS ? new KernelHistory(expected, "finding", "passes though older than "
                            + change.release() + ": " + change.commit() + " backported?")
                    : new KernelHistory(expected, "mismatch", rule);
        };
    }

    /** Whether {@code kernelRelease}'s major.minor series is older than {@code release}'s; false when either does not parse. */
    static boolean olderThan(String kernelRelease, String release) {
        Matcher k = SERIES.matcher(kernelRelease == null ? "" : kernelRelease), r = SERIES.matcher(release);
        if (!k.find() || !r.find()) return false;
        int km = Integer.parseInt(k.group(1)), kn = Integer.parseInt(k.group(2));
        int rm = Integer.parseInt(r.group(1)), rn = Integer.parseInt(r.group(2));
        return km < rm || (km == rm && kn < rn);
    }
}

package kvmclockprobe.verdict;

/**
 * The upstream commit that changed what a trigger does to the guest clock, and the first
 * release that has it: kernels older than {@code release} behave the other way unless a stable
 * or distribution kernel carries the commit (a backport: a finding, not a failure).
 *
 * @param commit  the upstream commit, abbreviated ({@code 633d7652f80f})
 * @param release the first mainline release with it ({@code 7.3})
 */
public record UpstreamChange(String commit, String release) {}

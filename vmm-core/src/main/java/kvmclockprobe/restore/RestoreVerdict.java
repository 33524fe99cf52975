package kvmclockprobe.restore;

import kvmclockprobe.verdict.Status;

/**
 * A recipe's verdict: its status, one line why, and the bound its error at resume was held to.
 *
 * @param boundNs the largest error at resume the recipe's own sequence explains; null when not judged
 */
public record RestoreVerdict(Status status, String reason, Long boundNs) {}

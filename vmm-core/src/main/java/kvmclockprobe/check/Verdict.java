package kvmclockprobe.check;

import kvmclockprobe.verdict.Status;

/**
 * A judged measurement.
 *
 * @param status          the verdict
 * @param reason          one line: why, with the numbers compared
 * @param predictedJumpNs what the verdict compared the observed jump with: the re-snapshot
 *                        prediction, or for set-clock triggers the exact expected step; null when unknown
 * @param toleranceNs     how far the observed jump may lie from it; null when unknown
 * @param resnapshotMatch whether the observed jump is the predicted re-snapshot (seen, same sign,
 *                        within the tolerance); null when there is no prediction
 */
public record Verdict(Status status, String reason, Long predictedJumpNs, Long toleranceNs, Boolean resnapshotMatch) {}

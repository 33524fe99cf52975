package kvmclockprobe.sampler;

import kvmclockprobe.clock.PvclockParams;

/**
 * The status part of a vCPU block (guest ABI), as read by the host while that vCPU was stopped.
 */
public record VcpuStatus(int vcpu, int state, int errorCode, long samples, long retries, long versionChanges,
                         long backwardSteps, long lastTsc, long lastNs, long eventsWritten, long eventsConsumed,
                         long eventsLost, long doorbells, int lastVersion, long crossVcpuViolations,
                         long faultVector, long faultErrorCode, long faultRip, PvclockParams lastParams) {
}

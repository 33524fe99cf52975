package kvmclockprobe.drift;

import kvmclockprobe.host.HostClock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * The {@code drift} measurement: boot the sampler, wait for master-clock mode, read A/B/C from
 * the host for the given time while the guest samples its own clock (the fit confirms or replaces
 * the kernel's arithmetic), then stop the guest and collect what it saw.
 */
public final class DriftRun {
    private DriftRun() {}

    /**
     * @param estimate  the drift: the kernel's arithmetic, the fit, and which one holds
     * @param tsc       how guest TSC was derived from host TSC
     * @param method    how the A/B samples were taken
     * @param statuses  each vCPU's final counters
     * @param events    every event the guest recorded
     */
    public record Report(DriftEstimate estimate, GuestTscProbe tsc, String method, List<VcpuStatus> statuses, List<GuestEvent> events) {
        /** The measured fit. */
        public DriftResult drift() {
            return estimate.fit();
        }

        /** The jump a re-snapshot would give at the last reading, from the drift used. */
        public long predictedJumpNs() {
            return estimate.predictJumpNs(drift().sinceSnapshotNs());
        }

        public long samples() {
            return statuses.stream().mapToLong(VcpuStatus::samples).sum();
        }

        public long versionChanges() {
            return statuses.stream().mapToLong(VcpuStatus::versionChanges).sum();
        }

        public long backwardSteps() {
            return statuses.stream().mapToLong(VcpuStatus::backwardSteps).sum();
        }

        public long eventsLost() {
            return statuses.stream().mapToLong(VcpuStatus::eventsLost).sum();
        }

        public long crossVcpuViolations() {
            return statuses.stream().mapToLong(VcpuStatus::crossVcpuViolations).sum();
        }

        /** Version changes that moved the clock by more than {@code toleranceNs}. */
        public List<GuestEvent> jumps(long toleranceNs) {
            return events.stream().filter(e -> e.isVersionChange() && Math.abs(e.jumpNs()) > toleranceNs).toList();
        }
    }

    /** @param hostClock the host's raw clock */
    public static Report run(Kvm kvm, Duration duration, int vcpus, HostClock hostClock, Consumer<Double> progressSeconds) {
        try (ClockProbe probe = ClockProbe.start(kvm, vcpus, hostClock)) {
            if (!probe.awaitMasterClock()) throw new IllegalStateException("the VM never reached master-clock mode: " + probe.masterClockOffReason());
            DriftEstimate estimate = probe.driftFor(duration, progressSeconds);
            if (estimate.fit() == null) throw new IllegalStateException("no drift fit: " + estimate.why());
            List<VcpuStatus> statuses = probe.session().stop(Duration.ofSeconds(10));
            return new Report(estimate, probe.tsc(), probe.reader().method(), statuses, probe.session().events());
        }
    }
}

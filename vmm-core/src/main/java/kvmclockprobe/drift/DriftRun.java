package kvmclockprobe.drift;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import kvmclockprobe.clock.ClockReader;
import kvmclockprobe.clock.ClockReading;
import kvmclockprobe.clock.DriftMeter;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * The {@code drift} measurement: boot the sampler, wait for master-clock mode, read A/B/C from
 * the host for the given time while the guest samples its own clock, then stop the guest and
 * collect what it saw.
 */
public final class DriftRun {
    private DriftRun() {}

    /** How often the host reads the clocks. */
    public static final Duration READ_PERIOD = Duration.ofMillis(2);
    /** How long to wait for {@code KVM_CLOCK_TSC_STABLE} after the guest is up. */
    public static final Duration MASTER_CLOCK_WAIT = Duration.ofSeconds(5);

    /**
     * @param drift     the fitted drift
     * @param tsc       how guest TSC was derived from host TSC
     * @param statuses  each vCPU's final counters
     * @param events    every event the guest recorded
     */
    public record Report(DriftResult drift, GuestTscProbe tsc, List<VcpuStatus> statuses, List<GuestEvent> events) {
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

    public static Report run(Kvm kvm, Duration duration, int vcpus, Consumer<Double> progressSeconds) {
        try (SamplerSession session = SamplerSession.start(kvm, vcpus, SamplerSession.Options.defaults())) {
            GuestTscProbe tsc = session.onVcpu(0, GuestTscProbe::of, Duration.ofSeconds(5));
            ClockReader reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, tsc.guestTsc());
            awaitMasterClock(session, reader);
            DriftMeter meter = new DriftMeter();
            long start = System.nanoTime();
            meter.collect(reader, duration, READ_PERIOD, r -> {
                session.checkHealthy();
                progressSeconds.accept((System.nanoTime() - start) / 1e9);
            });
            DriftResult result = meter.fit();
            List<VcpuStatus> statuses = session.stop(Duration.ofSeconds(10));
            return new Report(result, tsc, statuses, session.events());
        }
    }

    /** Reads until {@code KVM_CLOCK_TSC_STABLE} shows; returns false when it never does within the wait. */
    public static boolean awaitMasterClock(SamplerSession session, ClockReader reader) {
        long end = System.nanoTime() + MASTER_CLOCK_WAIT.toNanos();
        while (System.nanoTime() < end) {
            session.checkHealthy();
            ClockReading r = reader.read();
            if (r.masterClock()) return true;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestFailure("interrupted while waiting for master-clock mode");
            }
        }
        return false;
    }
}

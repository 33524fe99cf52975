package kvmclockprobe.drift;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import kvmclockprobe.clock.ClockReader;
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
     * Readings taken and thrown away before any fit, so the reading path is compiled and its
     * timing steady (the first second's brackets are ten times wider and skewed).
     */
    public static final Duration WARM_UP = Duration.ofSeconds(1);

    /**
     * @param drift     the fitted drift
     * @param tsc       how guest TSC was derived from host TSC
     * @param method    how the A/B samples were taken
     * @param statuses  each vCPU's final counters
     * @param events    every event the guest recorded
     */
    public record Report(DriftResult drift, GuestTscProbe tsc, String method, List<VcpuStatus> statuses, List<GuestEvent> events) {
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
            ClockReader reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, tsc.guestTsc(), tsc.vcpuTscKhz());
            awaitMasterClock(session, reader);
            DriftMeter meter = new DriftMeter();
            long start = System.nanoTime();
            meter.collect(reader, duration, READ_PERIOD, r -> {
                session.checkHealthy();
                progressSeconds.accept((System.nanoTime() - start) / 1e9);
            });
            DriftResult result = meter.fit();
            List<VcpuStatus> statuses = session.stop(Duration.ofSeconds(10));
            return new Report(result, tsc, reader.method(), statuses, session.events());
        }
    }

    /**
     * Reads until {@code KVM_CLOCK_TSC_STABLE} shows and for at least {@link #WARM_UP} at the
     * measuring rate, discarding the readings; returns false when master-clock mode never came
     * on within {@link #MASTER_CLOCK_WAIT}.
     */
    public static boolean awaitMasterClock(SamplerSession session, ClockReader reader) {
        long start = System.nanoTime();
        long end = start + MASTER_CLOCK_WAIT.toNanos();
        boolean master = false;
        while (System.nanoTime() < end) {
            session.checkHealthy();
            master = reader.read().masterClock();
            if (master && System.nanoTime() - start >= WARM_UP.toNanos()) return true;
            try {
                Thread.sleep(READ_PERIOD);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestFailure("interrupted while waiting for master-clock mode");
            }
        }
        return master;
    }
}

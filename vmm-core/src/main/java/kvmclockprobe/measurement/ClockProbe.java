package kvmclockprobe.measurement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.ClockReader;
import kvmclockprobe.clock.ClockReading;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.DriftMeter;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * The measured session: the sampler guest running, the host reading A, B and C of vCPU 0's clock,
 * and the one home of the master clock (waiting for it, noticing it go off) and of the drift (the
 * kernel's arithmetic, confirmed by the fit). {@link #measure} returns an immutable
 * {@link Measurement} around any action; {@link #driftFor} is the plain drift measurement.
 */
public final class ClockProbe implements AutoCloseable {
    /** How often the host reads the clocks. */
    public static final Duration READ_PERIOD = Duration.ofMillis(2);
    /** How long to wait for {@code KVM_CLOCK_TSC_STABLE} after the guest is up. */
    public static final Duration MASTER_CLOCK_WAIT = Duration.ofSeconds(5);
    /**
     * Readings taken and thrown away before any fit, so the reading path is compiled and its
     * timing steady (the first second's brackets are ten times wider and skewed).
     */
    public static final Duration WARM_UP = Duration.ofSeconds(1);
    /** How long a vCPU may take to leave the guest and run a host request. */
    public static final Duration VCPU_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** A jump is "seen" when larger than this: the arithmetic is exact, this allows rounding. */
    public static final long SEEN_NS = 2;
    /** Points kept for the plot. */
    static final int PLOT_POINTS = 400;

    private final SamplerSession session;
    private final GuestTscProbe tsc;
    private final ClockReader reader;
    private final String clocksource;

    private ClockProbe(SamplerSession session, String clocksource) {
        this.session = session;
        this.clocksource = clocksource;
        this.tsc = session.onVcpu(0, GuestTscProbe::of, VCPU_REQUEST_TIMEOUT);
        this.reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, tsc.guestTsc(), tsc.vcpuTscKhz());
    }

    /** Boots the sampler guest on {@code vcpus} vCPUs; {@code clocksource} is the host's current one. */
    public static ClockProbe start(Kvm kvm, int vcpus, String clocksource) {
        SamplerSession session = SamplerSession.start(kvm, vcpus, SamplerSession.Options.defaults());
        try {
            return new ClockProbe(session, clocksource);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public SamplerSession session() {
        return session;
    }

    public ClockReader reader() {
        return reader;
    }

    public GuestTscProbe tsc() {
        return tsc;
    }

    /**
     * Reads until {@code KVM_CLOCK_TSC_STABLE} shows and for at least {@link #WARM_UP} at the
     * measuring rate, discarding the readings; false when master-clock mode never came on within
     * {@link #MASTER_CLOCK_WAIT}.
     */
    public boolean awaitMasterClock() {
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

    /** Why master-clock mode is off, as far as the host tells: for a skip reason. */
    public String masterClockOffReason() {
        return "KVM_CLOCK_TSC_STABLE never came on within " + MASTER_CLOCK_WAIT.toSeconds() + " s (host clocksource "
                + clocksource + (("tsc".equals(clocksource)) ? "; the vCPUs' TSCs may be unmatched"
                : ": KVM's master clock needs the tsc clocksource") + ")";
    }

    /**
     * The drift from the kernel's arithmetic for this VM, with the pvclock parameters of
     * {@code now}; null when {@link #analyticUnavailable()} says why.
     */
    private AnalyticDrift analytic(ClockReading now) {
        if (analyticUnavailable() != null) return null;
        return AnalyticDrift.of(tsc.vcpuTscKhz(), clocksource, now.params());
    }

    private String analyticUnavailable() {
        if (tsc.vcpuTscKhz() <= 0) return "KVM_GET_TSC_KHZ gave no TSC rate";
        return null;
    }

    /** Measures the drift for {@code duration}: the fit, and the estimate it confirms or replaces. */
    public DriftEstimate driftFor(Duration duration, Consumer<Double> progressSeconds) {
        AnalyticDrift analytic = analytic(reader.read());
        DriftMeter meter = new DriftMeter();
        long start = System.nanoTime();
        meter.collect(reader, duration, READ_PERIOD, r -> {
            session.checkHealthy();
            progressSeconds.accept((System.nanoTime() - start) / 1e9);
        });
        return DriftEstimate.decide(analytic, analyticUnavailable(), fitOrNull(meter));
    }

    private static DriftResult fitOrNull(DriftMeter meter) {
        try {
            DriftResult fit = meter.fit();
            return fit.masterClock() ? fit : null;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * Settles (measuring the drift), applies {@code action} while the guest samples, keeps sampling
     * for {@code after}, stops the guest and measures the jump each vCPU saw.
     */
    public Measurement measure(SettlePolicy policy, Duration after, Supplier<TriggerEffect> action, Consumer<Double> progress) {
        List<String> diagnostics = new ArrayList<>();
        ClockReading now = reader.read();
        AnalyticDrift analytic = analytic(now);
        SettlePolicy.Choice settle = policy.choose(analytic == null ? Double.NaN : analytic.bMinusANsPerSec(),
                now.sinceSnapshotNs());
        diagnostics.add("settle " + settle.why());

        DriftMeter settleMeter = new DriftMeter();
        long start = System.nanoTime();
        settleMeter.collect(reader, settle.settle(), READ_PERIOD, r -> {
            session.checkHealthy();
            progress.accept((System.nanoTime() - start) / 1e9);
        });
        DriftResult fit = fitOrNull(settleMeter);
        DriftEstimate drift = DriftEstimate.decide(analytic, analyticUnavailable(), fit);
        int vcpus = session.vcpuCount();
        long[] offsetsBefore = tscOffsets(vcpus);
        ClockReading lastBefore = reader.read();
        int eventsBefore = session.events().size();

        TriggerEffect effect = action.get();

        long[] offsetsAfter = tscOffsets(vcpus);
        DriftMeter afterMeter = new DriftMeter();
        boolean[] masterOffAfter = {false};
        afterMeter.collect(reader, after, READ_PERIOD, r -> {
            session.checkHealthy();
            if (!r.masterClock()) masterOffAfter[0] = true;
        });
        ClockReading lastAfter = reader.read();
        List<VcpuStatus> statuses = session.stop(Duration.ofSeconds(10));
        List<GuestEvent> events = session.events();
        List<GuestEvent> triggered = events.subList(eventsBefore, events.size());

        // The guest's jump on each vCPU that sampled across the action, net of its TSC step.
        List<Long> jumps = new ArrayList<>();
        GuestEvent firstChangeOnVcpu0 = null;
        for (int i = 0; i < vcpus; i++) {
            long step = offsetsAfter[i] - offsetsBefore[i];
            long total = 0;
            boolean first = true;
            for (GuestEvent e : triggered) {
                if (e.vcpu() != i || !e.isVersionChange() || e.oldParams().sameClockAs(e.newParams())) continue;
                total += e.newParams().nsAt(e.tsc()) - e.oldParams().nsAt(e.tsc() - (first ? step : 0));
                if (first && i == 0) firstChangeOnVcpu0 = e;
                first = false;
            }
            jumps.add(total);
        }
        long tscStep = offsetsAfter[0] - offsetsBefore[0];
        long sinceSnapshot = firstChangeOnVcpu0 != null
                ? firstChangeOnVcpu0.oldParams().nsAt(firstChangeOnVcpu0.tsc() - tscStep) - firstChangeOnVcpu0.oldParams().systemTimeNs()
                : lastBefore.sinceSnapshotNs() + (effect.rawAfterNs() - lastBefore.rawNs());
        Long oldAtNewReference = firstChangeOnVcpu0 == null ? null
                : firstChangeOnVcpu0.oldParams().nsAt(firstChangeOnVcpu0.newParams().tscTimestamp() - tscStep);
        boolean stableLost = triggered.stream().anyMatch(e -> e.isVersionChange() && !e.newParams().tscStable());

        diagnostics.add("drift: " + drift.why());
        if (fit != null) {
            diagnostics.add(String.format(Locale.ROOT, "fit: B-A %+.2f ± %.2f ns/s (block scatter; textbook ± %.2f) over %.1f s (%d readings); C-B %+.2f ns/s",
                    fit.bMinusANsPerSec(), fit.bMinusAErrNsPerSec(), fit.bMinusAStderrNsPerSec(), fit.durationS(),
                    fit.readingsUsed(), fit.cMinusBNsPerSec()));
        }
        if (analytic != null && analytic.kvmTimeScale().equals(analytic.pvclock()) == false) {
            diagnostics.add("the guest's pvclock mul/shift " + analytic.pvclock() + " differ from kvm_get_time_scale for "
                    + analytic.tscKhz() + " kHz " + analytic.kvmTimeScale());
        }
        diagnostics.add(String.format(Locale.ROOT, "%.3f s of guest time since the last master-clock snapshot", sinceSnapshot / 1e9));
        diagnostics.add("A/B samples: " + reader.method());
        diagnostics.addAll(effect.notes());
        if (tsc.offsetKnown()) diagnostics.add("guest TSC step at the trigger: " + tscStep + " cycles (KVM_VCPU_TSC_OFFSET before/after)");
        else diagnostics.add("guest TSC step unknown: no KVM_VCPU_TSC_OFFSET (assumed 0)");
        long changes = triggered.stream().filter(e -> e.isVersionChange() && !e.oldParams().sameClockAs(e.newParams())).count();
        diagnostics.add("guest: " + changes + " pvclock change(s) after the trigger, jumps per vCPU " + jumps
                + ", backward steps " + statuses.stream().mapToLong(VcpuStatus::backwardSteps).sum()
                + ", cross-vCPU violations " + statuses.stream().mapToLong(VcpuStatus::crossVcpuViolations).sum()
                + ", events lost " + statuses.stream().mapToLong(VcpuStatus::eventsLost).sum());
        if (stableLost || masterOffAfter[0]) {
            diagnostics.add("the master clock went off after the trigger" + (stableLost ? " (the guest's pvclock lost PVCLOCK_TSC_STABLE_BIT)" : "")
                    + (lastAfter.masterClock() ? " and came back on" : " and was still off at the end"));
        }

        List<PlotPoint> plot = plot(settleMeter.readings(), afterMeter.readings(), effect.rawBeforeNs());
        return new Measurement(vcpus, settle.settle().toMillis() / 1e3, settle.why(), drift, sinceSnapshot, jumps.getFirst(), jumps,
                oldAtNewReference, lastBefore.masterClock(), lastAfter.masterClock(), stableLost || masterOffAfter[0],
                tsc.offsetKnown() ? tscStep : null, effect, diagnostics, plot);
    }

    private long[] tscOffsets(int vcpus) {
        long[] offsets = new long[vcpus];
        if (!tsc.offsetKnown()) return offsets;
        for (int i = 0; i < vcpus; i++) offsets[i] = session.onVcpu(i, GuestTscProbe::readOffset, VCPU_REQUEST_TIMEOUT);
        return offsets;
    }

    static List<PlotPoint> plot(List<ClockReading> before, List<ClockReading> after, long triggerRawNs) {
        // Only readings narrow enough to fit: a wide bracket's midpoint is microseconds off.
        double limit = DriftMeter.bracketLimitNs(before);
        List<ClockReading> all = new ArrayList<>();
        for (ClockReading r : before) if (r.bracketNs() <= limit) all.add(r);
        for (ClockReading r : after) if (r.bracketNs() <= limit) all.add(r);
        if (all.isEmpty()) return List.of();
        long base = all.getFirst().bMinusRawNs();
        int stride = Math.max(1, all.size() / PLOT_POINTS);
        List<PlotPoint> points = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            // Keep every point near the trigger so the step shows exactly; thin out the rest.
            ClockReading r = all.get(i);
            boolean nearTrigger = Math.abs(r.rawNs() - triggerRawNs) < 50_000_000L;
            if (i % stride == 0 || nearTrigger) {
                points.add(new PlotPoint((r.rawNs() - triggerRawNs) / 1e9, r.bMinusRawNs() - base));
            }
        }
        return List.copyOf(points);
    }

    @Override
    public void close() {
        session.close();
    }
}

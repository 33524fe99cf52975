package kvmclockprobe.measurement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.clock.ClockReader;
import kvmclockprobe.clock.ClockReading;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.DriftMeter;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * The measured session: the sampler guest running, the host reading A, B and C of vCPU 0's clock,
 * and the one home of the master clock (waiting for it, noticing it go off) and of the drift (the
 * kernel's arithmetic where it applies, else a control re-snapshot; the fit is a diagnostic). {@link #measure} returns an immutable
 * {@link Measurement} around any action; {@link #driftFor} is the plain drift measurement.
 */
public final class ClockProbe implements AutoCloseable {
    /** How often the host reads the clocks. */
    public static final Duration READ_PERIOD = Duration.ofMillis(2);
    /** How long to wait for {@code KVM_CLOCK_TSC_STABLE} after the guest is up. */
    public static final Duration MASTER_CLOCK_WAIT = Duration.ofSeconds(5);
    /**
     * Readings taken and thrown away after master-clock mode comes on, so the reading path is
     * compiled before the readings that go into the plot and the diagnostic fit.
     */
    public static final Duration WARM_UP = Duration.ofMillis(100);
    /** How long a vCPU may take to leave the guest and run a host request. */
    public static final Duration VCPU_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Points kept for the plot. */
    static final int PLOT_POINTS = 400;

    private final SamplerSession session;
    private final GuestTscProbe tsc;
    /** Reads vCPU 0 with its current TSC offset: renewed after an action that changed it. */
    private ClockReader reader;
    private final HostClock hostClock;

    private ClockProbe(SamplerSession session, HostClock hostClock) {
        this.session = session;
        this.hostClock = hostClock;
        this.tsc = session.onVcpu(0, GuestTscProbe::of, VCPU_REQUEST_TIMEOUT);
        this.reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, tsc.guestTsc(), tsc.vcpuTscKhz());
    }

    /** Boots the sampler guest on {@code vcpus} vCPUs; {@code hostClock} is the host's raw clock. */
    public static ClockProbe start(Kvm kvm, int vcpus, HostClock hostClock) {
        SamplerSession session = SamplerSession.start(kvm, vcpus, SamplerSession.Options.defaults());
        try {
            return new ClockProbe(session, hostClock);
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

    /** Why master-clock mode is off, as far as the host tells: for a skip or fail reason. */
    public String masterClockOffReason() {
        return "KVM_CLOCK_TSC_STABLE never came on within " + MASTER_CLOCK_WAIT.toSeconds() + " s (host clocksource "
                + hostClock.clocksource() + ", " + session.vcpuCount() + " vCPU(s))";
    }

    /** The host clock facts this probe judges with. */
    public HostClock hostClock() {
        return hostClock;
    }

    /**
     * Whether each vCPU's pvclock page shows {@code PVCLOCK_TSC_STABLE_BIT}, waiting up to
     * {@code wait} for KVM to rewrite the pages after the master clock came on.
     */
    public List<Boolean> guestTscStableBits(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        List<Boolean> bits;
        do {
            bits = new ArrayList<>();
            for (int i = 0; i < session.vcpuCount(); i++) {
                bits.add(PvclockParams.readConsistent(session.machine().ram().slice(GuestAbi.pvclockGpa(i), GuestAbi.PVTI_SIZE), 10_000)
                        .tscStable());
            }
            if (!bits.contains(Boolean.FALSE)) return bits;
            session.sampleFor(READ_PERIOD);
        } while (System.nanoTime() < end);
        return bits;
    }

    /** vCPU {@code i}'s TSC offset ({@code KVM_VCPU_TSC_OFFSET}); null when the attribute is absent. */
    public Long tscOffset(int i) {
        return tsc.offsetKnown() ? session.onVcpu(i, GuestTscProbe::readOffset, VCPU_REQUEST_TIMEOUT) : null;
    }

    /**
     * The drift from the kernel's arithmetic for this VM, with the pvclock parameters of
     * {@code now} (applicable or not: {@link AnalyticDrift#applies()}); null when
     * {@link AnalyticDrift#unavailable} says why.
     */
    private AnalyticDrift analytic(ClockReading now) {
        return AnalyticDrift.orNull(tsc.vcpuTscKhz(), hostClock.clocksource(), hostClock.vdsoRaw(), hostClock.vdsoUnavailable(), now.params());
    }

    /** Measures the drift for {@code duration}: the fit (a diagnostic), beside the arithmetic. */
    public DriftEstimate driftFor(Duration duration, Consumer<Double> progressSeconds) {
        AnalyticDrift analytic = analytic(reader.read());
        DriftMeter meter = new DriftMeter();
        long start = System.nanoTime();
        meter.collect(reader, duration, READ_PERIOD, r -> {
            session.checkHealthy();
            progressSeconds.accept((System.nanoTime() - start) / 1e9);
        });
        return DriftEstimate.decide(analytic, AnalyticDrift.unavailable(tsc.vcpuTscKhz()), null, fitOrNull(meter));
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
     * What to measure around an action.
     *
     * @param sizeJump  the action's jump will be sized (a re-snapshot): settle until it is large enough
     * @param minSettle the shortest settle in any case
     * @param policy    the settle policy
     * @param after     how long to keep sampling after the action
     * @param action    the action, applied while the guest samples
     * @param control   a control re-snapshot, made after the window where the jump must be sized and
     *                  the kernel's arithmetic does not apply; null for none
     */
    public record Plan(boolean sizeJump, Duration minSettle, SettlePolicy policy, Duration after, Supplier<TriggerEffect> action,
                       Supplier<TriggerEffect> control) {}

    /** The host's view of every vCPU now, and how many guest events there were then. */
    private record Snapshot(Trace.HostView view, int events) {}

    /** The host's view of the first {@code vcpus} vCPUs (those that sampled across the action: not one it added). */
    private Snapshot snapshot(int vcpus) {
        List<Long> offsets = new ArrayList<>();
        List<PvclockParams> pages = new ArrayList<>();
        for (int i = 0; i < vcpus; i++) {
            Long o = tscOffset(i);
            offsets.add(o == null ? 0 : o);
            pages.add(PvclockParams.readConsistent(session.machine().ram().slice(GuestAbi.pvclockGpa(i), GuestAbi.PVTI_SIZE), 10_000));
        }
        ClockReading r = reader.read();
        return new Snapshot(new Trace.HostView(offsets, pages, r.rawNs(), r.sinceSnapshotNs(), r.masterClock()), session.events().size());
    }

    private Trace.Window window(Snapshot before, TriggerEffect effect, Snapshot after) {
        return new Trace.Window(before.view(), after.view(), session.events().subList(before.events(), after.events()), effect);
    }

    /**
     * After an action that moved vCPU 0's TSC offset, the host turns its TSC into the guest's with
     * the new one, so that its readings (the plot's samples) carry no step the guest never saw.
     */
    private void followTscOffset() {
        Long offset = tscOffset(0);
        if (offset == null || offset == reader.guestTsc().offset()) return;
        reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, new ClockReader.GuestTsc(offset), tsc.vcpuTscKhz());
    }

    /** Samples for {@code duration}, each reading checked; true when some reading was out of master-clock mode. */
    private boolean sample(Duration duration, DriftMeter meter, Consumer<Double> progress) {
        boolean[] masterOff = {false};
        long start = System.nanoTime();
        meter.collect(reader, duration, READ_PERIOD, r -> {
            session.checkHealthy();
            if (!r.masterClock()) masterOff[0] = true;
            progress.accept((System.nanoTime() - start) / 1e9);
        });
        return masterOff[0];
    }

    /** {@link #record} and {@link Derivation#measurement}. */
    public Measurement measure(Plan plan, Consumer<Double> progress) {
        return Derivation.measurement(record(plan, progress));
    }

    /**
     * Records (I/O only): lets the guest run for the settle the plan asks, applies the action
     * while it samples, keeps sampling for {@code plan.after()}, makes the control re-snapshot
     * where the plan needs one and stops the guest.
     */
    public Trace record(Plan plan, Consumer<Double> progress) {
        ClockReading start = reader.read();
        AnalyticDrift analytic = analytic(start);
        SettlePolicy.Choice settle = settle(plan, analytic);
        DriftMeter settleMeter = new DriftMeter();
        sample(settle.settle().compareTo(PRE_ROLL) < 0 ? PRE_ROLL : settle.settle(), settleMeter, progress);

        int vcpus = session.vcpuCount();
        Snapshot before = snapshot(vcpus);
        TriggerEffect effect = plan.action().get();
        followTscOffset();
        DriftMeter afterMeter = new DriftMeter();
        boolean masterOff = sample(plan.after(), afterMeter, s -> { });
        Trace.Window action = window(before, effect, snapshot(vcpus));

        Trace.Window control = null;
        boolean arithmetic = analytic != null && analytic.applies();
        if (plan.control() != null && !arithmetic && (plan.sizeJump() || Derivation.across(action).window().resnapshotSeen())) {
            control = control(plan.control(), action);
        }
        List<VcpuStatus> statuses = session.stop(Duration.ofSeconds(10));
        Trace.GuestCounters counters = new Trace.GuestCounters(statuses.stream().mapToLong(VcpuStatus::backwardSteps).sum(),
                statuses.stream().mapToLong(VcpuStatus::crossVcpuViolations).sum(), statuses.stream().mapToLong(VcpuStatus::eventsLost).sum());
        return new Trace(vcpus, tsc.vcpuTscKhz(), tsc.offsetKnown(), hostClock.clocksource(), hostClock.vdsoRaw(),
                hostClock.vdsoUnavailable(), start.params(), settle.settle().toMillis() / 1e3, settle.why(), action, control, masterOff,
                counters, reader.method(), fitOrNull(settleMeter), plot(settleMeter.readings(), afterMeter.readings(), effect.rawBeforeNs()));
    }

    /** Readings taken before any action, for the plot's baseline, even when no settle is needed. */
    static final Duration PRE_ROLL = Duration.ofMillis(100);
    /** How long the guest samples after a control re-snapshot. */
    static final Duration CONTROL_WINDOW = Duration.ofMillis(200);

    private SettlePolicy.Choice settle(Plan plan, AnalyticDrift analytic) {
        SettlePolicy.Choice c;
        if (!plan.sizeJump()) {
            c = plan.policy().none("none: a re-snapshot shows as a moved reference point, whatever its size");
        } else {
            double rate = analytic != null && analytic.applies() ? analytic.bMinusANsPerSec() : Double.NaN;
            c = plan.policy().forResnapshot(rate, reader.read().sinceSnapshotNs());
        }
        if (plan.policy().fixed() == null && c.settle().compareTo(plan.minSettle()) < 0) {
            return new SettlePolicy.Choice(plan.minSettle(), String.format(Locale.ROOT, "%.1f s: the least this measurement needs (%s)",
                    plan.minSettle().toMillis() / 1e3, c.why()));
        }
        return c;
    }

    /**
     * The control re-snapshot after the action's window, once as much guest time has passed
     * since the last snapshot as had at the action, so that the rate it gives scales to the
     * action's jump with its rounding error unmagnified.
     */
    private Trace.Window control(Supplier<TriggerEffect> apply, Trace.Window action) {
        Derivation.Across a = Derivation.across(action);
        long sinceAction = action.after().rawNs() - action.effect().rawAfterNs();
        long sinceLast = a.window().resnapshotSeen() ? sinceAction : a.sinceSnapshotNs() + sinceAction;
        long waitNs = Math.min(a.sinceSnapshotNs() - sinceLast, CONTROL_MAX_WAIT.toNanos());
        if (waitNs > 0) sample(Duration.ofNanos(waitNs), new DriftMeter(), s -> { });
        int vcpus = action.before().pages().size();
        Snapshot before = snapshot(vcpus);
        TriggerEffect effect = apply.get();
        session.sampleFor(CONTROL_WINDOW);
        return window(before, effect, snapshot(vcpus));
    }

    /** The longest wait before a control re-snapshot. */
    static final Duration CONTROL_MAX_WAIT = Duration.ofSeconds(10);

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

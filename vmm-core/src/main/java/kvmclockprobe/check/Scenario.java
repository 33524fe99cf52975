package kvmclockprobe.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.bindings.shared_info;
import kvmclockprobe.check.triggers.XenSharedInfo;
import kvmclockprobe.clock.ClockReader;
import kvmclockprobe.clock.ClockReading;
import kvmclockprobe.clock.DriftMeter;
import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.drift.DriftRun;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.xen.XenWallclock;

/**
 * One trigger on a fresh VM: boot the sampler guest, wait for master-clock mode, let the trigger
 * prepare, measure the B−A drift over the settle time, apply the trigger while the guest keeps
 * sampling, sample a little longer, then compare the jump the guest saw with the prediction and
 * give the verdict.
 */
public final class Scenario {
    private static final Logger log = LoggerFactory.getLogger(Scenario.class);

    /** A jump is "seen" when larger than this: the arithmetic is exact, this allows rounding. */
    public static final long SEEN_NS = 2;
    /** Re-snapshot tolerance: max(this, {@link #RESNAPSHOT_TOLERANCE_FRACTION} of the prediction). */
    public static final long RESNAPSHOT_TOLERANCE_NS = 50;
    public static final double RESNAPSHOT_TOLERANCE_FRACTION = 0.25;
    /** Points kept for the plot. */
    static final int PLOT_POINTS = 400;

    /**
     * @param settle how long to measure the drift before the trigger
     * @param after  how long to keep sampling after it
     * @param vcpus  sampling vCPUs
     * @param strict fail every observed jump, whatever the trigger
     */
    public record Settings(Duration settle, Duration after, int vcpus, boolean strict) {
    }

    private Scenario() {}

    public static TriggerResult run(Kvm kvm, HostFacts host, Trigger trigger, Settings settings, Consumer<Double> progress) {
        Optional<String> missing = trigger.missingCapability(host);
        if (missing.isPresent()) {
            return TriggerResult.skip(trigger.name(), trigger.expectation().jumps(), missing.get(), settings.vcpus());
        }
        try (SamplerSession session = SamplerSession.start(kvm, settings.vcpus(), SamplerSession.Options.defaults())) {
            return measure(host, trigger, settings, progress, session);
        } catch (RuntimeException e) {
            log.debug("{} failed", trigger.name(), e);
            return new TriggerResult(trigger.name(), Status.FAIL, trigger.name() + ": probe error: " + e.getMessage(),
                    null, null, trigger.expectation().jumps(), null, null, settings.vcpus(), null, null,
                    List.of(), List.of("error: " + e), List.of(), null, null);
        }
    }

    private static TriggerResult measure(HostFacts host, Trigger trigger, Settings settings, Consumer<Double> progress,
                                         SamplerSession session) {
        List<String> diagnostics = new ArrayList<>();
        GuestTscProbe tsc = session.onVcpu(0, GuestTscProbe::of, TriggerContext.VCPU_REQUEST_TIMEOUT);
        ClockReader reader = new ClockReader(session.machine().vm(), session.machine().ram(), 0, tsc.guestTsc(), tsc.vcpuTscKhz());
        if (!DriftRun.awaitMasterClock(session, reader)) {
            diagnostics.add("KVM_CLOCK_TSC_STABLE never came on within " + DriftRun.MASTER_CLOCK_WAIT.toSeconds() + " s");
        }
        TriggerContext ctx = new TriggerContext(host, session, reader);
        trigger.prepare(ctx);

        DriftMeter settle = new DriftMeter();
        long start = System.nanoTime();
        settle.collect(reader, settings.settle(), DriftRun.READ_PERIOD, r -> {
            session.checkHealthy();
            progress.accept((System.nanoTime() - start) / 1e9);
        });
        DriftResult drift = settle.fit();
        int vcpus = session.vcpuCount();
        long[] offsetsBefore = tscOffsets(ctx, tsc.offsetKnown(), vcpus);
        boolean xen = trigger instanceof XenSharedInfo;
        XenWallclock wallBefore = xen ? wallclock(ctx) : null;
        ClockReading lastBefore = reader.read();
        long realtimeBefore = Libc.realtimeNs();
        int eventsBefore = session.events().size();

        TriggerEffect effect = trigger.apply(ctx);

        XenWallclock wallAfter = xen ? wallclock(ctx) : null;
        ClockReading firstAfter = xen ? reader.read() : null; // the kvmclock for the wallclock check
        long realtimeAfter = Libc.realtimeNs();
        long[] offsetsAfter = tscOffsets(ctx, tsc.offsetKnown(), vcpus);
        DriftMeter after = new DriftMeter();
        after.collect(reader, settings.after(), DriftRun.READ_PERIOD, r -> session.checkHealthy());
        ClockReading lastAfter = reader.read();
        List<VcpuStatus> statuses = session.stop(Duration.ofSeconds(10));
        List<GuestEvent> events = session.events();
        List<GuestEvent> triggered = events.subList(eventsBefore, events.size());

        // The guest's jump on each vCPU that sampled across the trigger, net of its TSC step.
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
        long observed = jumps.getFirst();
        long tscStep = offsetsAfter[0] - offsetsBefore[0];

        long sinceSnapshot = firstChangeOnVcpu0 != null
                ? firstChangeOnVcpu0.oldParams().nsAt(firstChangeOnVcpu0.tsc() - tscStep) - firstChangeOnVcpu0.oldParams().systemTimeNs()
                : lastBefore.sinceSnapshotNs() + (effect.rawAfterNs() - lastBefore.rawNs());
        long predicted = drift.predictJumpNs(sinceSnapshot);

        diagnostics.add(String.format(Locale.ROOT, "B-A drift %+.2f ± %.2f ns/s over %.1f s (%d readings); C-B %+.2f ns/s",
                drift.bMinusANsPerSec(), drift.bMinusAStderrNsPerSec(), drift.durationS(), drift.readingsUsed(),
                drift.cMinusBNsPerSec()));
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
        if (triggered.stream().anyMatch(e -> e.isVersionChange() && !e.newParams().tscStable())) {
            diagnostics.add("the guest's pvclock lost PVCLOCK_TSC_STABLE_BIT after the trigger (master clock off for a while)");
        }
        Long wallclockStep = null;
        Boolean wallclockInRange = null;
        if (xen) {
            wallclockStep = wallAfter.epochNs() - wallBefore.epochNs();
            boolean inRange = wallAfter.written() && wallAfter.inRange(firstAfter.bNs(), realtimeBefore, realtimeAfter);
            wallclockInRange = inRange;
            diagnostics.add(String.format(Locale.ROOT,
                    "shared_info wallclock: before wc_version %d wc_sec %d wc_nsec %d wc_sec_hi %d; after wc_version %d wc_sec %d wc_nsec %d wc_sec_hi %d; step %d ns",
                    wallBefore.version(), Integer.toUnsignedLong(wallBefore.sec()), wallBefore.nsec(), wallBefore.secHi(),
                    wallAfter.version(), Integer.toUnsignedLong(wallAfter.sec()), wallAfter.nsec(), wallAfter.secHi(), wallclockStep));
            diagnostics.add("wallclock check (xen_shinfo_test): wallclock + kvmclock "
                    + (inRange ? "within" : "OUTSIDE") + " [realtime before, realtime after]");
        }

        Verdict v = judge(trigger, settings.strict(), observed, jumps, predicted, effect, firstChangeOnVcpu0,
                lastBefore.masterClock());
        List<PlotPoint> plot = plot(settle.readings(), after.readings(), effect.rawBeforeNs());
        return new TriggerResult(trigger.name(), v.status, v.reason, observed, v.predictedNs, trigger.expectation().jumps(),
                lastBefore.masterClock(), lastAfter.masterClock(), vcpus, tsc.offsetKnown() ? tscStep : null, wallclockStep,
                List.copyOf(jumps), List.copyOf(diagnostics), plot, drift.bMinusANsPerSec(), wallclockInRange);
    }

    private record Verdict(Status status, String reason, long predictedNs) {}

    static Verdict judge(Trigger trigger, boolean strict, long observed, List<Long> jumps, long predicted,
                         TriggerEffect effect, GuestEvent firstChange, boolean masterClockBefore) {
        String name = trigger.name();
        boolean seen = jumps.stream().anyMatch(j -> Math.abs(j) > SEEN_NS);
        if (!masterClockBefore) {
            return new Verdict(Status.SKIP, "the VM was not in master-clock mode before the trigger (KVM_CLOCK_TSC_STABLE off): jumps are normal there", predicted);
        }
        if (strict && seen) {
            return new Verdict(Status.FAIL, String.format("%s: guest clock jumped %d ns (predicted %d ns); --strict fails every jump",
                    name, observed, predicted), predicted);
        }
        return switch (trigger.expectation()) {
            case NO_JUMP -> seen
                    ? new Verdict(Status.FAIL, String.format("%s: guest clock jumped %d ns (predicted %d ns); %s",
                            name, observed, predicted, trigger.reference()), predicted)
                    : new Verdict(Status.PASS, String.format("no jump (|observed| <= %d ns); a re-snapshot would have moved it %d ns",
                            SEEN_NS, predicted), predicted);
            case RESNAPSHOT -> {
                long tolerance = Math.max(RESNAPSHOT_TOLERANCE_NS, Math.round(Math.abs(predicted) * RESNAPSHOT_TOLERANCE_FRACTION));
                if (Math.abs(observed - predicted) <= tolerance) {
                    yield new Verdict(Status.PASS, String.format("re-snapshot: jumped %d ns, predicted %d ns (within %d ns)",
                            observed, predicted, tolerance), predicted);
                }
                yield new Verdict(Status.FAIL, String.format("%s: guest clock jumped %d ns, but a re-snapshot predicts %d ns (tolerance %d ns)",
                        name, observed, predicted, tolerance), predicted);
            }
            case SET_CLOCK -> {
                if (firstChange == null) {
                    yield new Verdict(Status.FAIL, name + ": the guest's pvclock did not change after KVM_SET_CLOCK", predicted);
                }
                long exact = effect.setClockNs() - firstChange.oldParams().nsAt(firstChange.newParams().tscTimestamp());
                long bracket = effect.rawAfterNs() - effect.rawBeforeNs();
                boolean ok = Math.abs(observed - exact) <= SEEN_NS && observed <= SEEN_NS && observed >= -bracket - SEEN_NS;
                yield new Verdict(ok ? Status.PASS : Status.FAIL, String.format(
                        "%sset back by the GET->SET interval: jumped %d ns, exact %d ns, host bracket -%d ns",
                        ok ? "" : name + ": not ", observed, exact, bracket), exact);
            }
            case SET_CLOCK_REALTIME -> {
                long bound = effect.setCallNs();
                boolean ok = Math.abs(observed) <= bound;
                yield new Verdict(ok ? Status.PASS : Status.FAIL, String.format(
                        "%sjumped %d ns; bound: the KVM_SET_CLOCK call's own duration, %d ns",
                        ok ? "" : name + ": ", observed, bound), 0);
            }
        };
    }

    private static long[] tscOffsets(TriggerContext ctx, boolean known, int vcpus) {
        long[] offsets = new long[vcpus];
        if (!known) return offsets;
        for (int i = 0; i < vcpus; i++) offsets[i] = ctx.onVcpu(i, GuestTscProbe::readOffset);
        return offsets;
    }

    private static XenWallclock wallclock(TriggerContext ctx) {
        return XenWallclock.read(ctx.ram().slice(GuestAbi.XEN_SHARED_INFO_GPA, shared_info.sizeof()));
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
}

package kvmclockprobe.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.drift.DriftRun;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.testing.RequiresKvm;

/** The sampler guest and the host's clock instruments, on the real /dev/kvm. */
@RequiresKvm
class SamplerTest {

    @ParameterizedTest(name = "{0} vCPU(s)")
    @ValueSource(ints = {1, 2})
    void samplesAreMonotonicAndTheGuestArithmeticMatchesTheHosts(int vcpus, Kvm kvm) {
        List<VcpuStatus> statuses;
        List<GuestEvent> events;
        try (SamplerSession s = SamplerSession.start(kvm, vcpus, SamplerSession.Options.defaults())) {
            s.sampleFor(Duration.ofSeconds(2));
            statuses = s.stop(Duration.ofSeconds(10));
            events = s.events();
        }
        assertThat(statuses).hasSize(vcpus);
        for (VcpuStatus st : statuses) {
            assertThat(st.state()).as("vCPU %d state", st.vcpu()).isEqualTo(GuestAbi.STATE_DONE);
            assertThat(st.samples()).as("vCPU %d samples", st.vcpu()).isGreaterThan(1_000);
            assertThat(st.backwardSteps()).as("vCPU %d backward steps", st.vcpu()).isZero();
            assertThat(st.crossVcpuViolations()).as("vCPU %d cross-vCPU violations", st.vcpu()).isZero();
            assertThat(st.eventsLost()).isZero();
            // The guest's ns for its last sample is the host's arithmetic on the same TSC and parameters.
            assertThat(st.lastParams().nsAt(st.lastTsc())).as("vCPU %d last sample", st.vcpu()).isEqualTo(st.lastNs());
            assertThat(st.lastParams().tscStable()).isTrue();
        }
        for (GuestEvent e : events) {
            assertThat(e.isBackwardStep() || e.isCrossVcpu()).as("unexpected %s", e).isFalse();
            assertThat(e.jumpNs()).as("guest vs host arithmetic for %s", e).isEqualTo(e.hostJumpNs());
            assertThat(e.newParams().nsAt(e.tsc())).isEqualTo(e.ns());
        }
    }

    @Test
    void withoutATriggerTheClockNeverJumps(Kvm kvm) {
        DriftRun.Report report = DriftRun.run(kvm, Duration.ofSeconds(4), 1, kvmclockprobe.host.HostClock.read(), t -> { });
        assertThat(report.drift().masterClockThroughout()).isTrue();
        assertThat(report.backwardSteps()).isZero();
        // KVM_REQ_CLOCK_UPDATEs may bump the version; in master-clock mode they must not move the clock.
        assertThat(report.jumps(1)).isEmpty();
        for (GuestEvent e : report.events()) assertThat(e.jumpNs()).isBetween(-1L, 1L);
    }

    /**
     * A host write of MSR_IA32_TSC (its current value) re-snapshots the master clock: the guest
     * sees exactly one jump, and its size is what the drift measured beforehand predicts.
     */
    @Test
    void hostTscWriteJumpsTheGuestClockByThePredictedDrift(Kvm kvm) {
        try (ClockProbe probe = ClockProbe.start(kvm, 1, kvmclockprobe.host.HostClock.read())) {
            SamplerSession s = probe.session();
            assertThat(probe.awaitMasterClock()).as("master-clock mode").isTrue();
            // Long enough for a re-snapshot at tens of ns/s to move the clock visibly.
            DriftEstimate drift = probe.driftFor(Duration.ofSeconds(2), t -> { });
            int before = s.events().size();

            long[] offsets = s.onVcpu(0, v -> {
                long offsetBefore = GuestTscProbe.readOffset(v);
                v.setMsr(x86_h.MSR_IA32_TSC, v.getMsr(x86_h.MSR_IA32_TSC));
                return new long[] {offsetBefore, GuestTscProbe.readOffset(v)};
            }, Duration.ofSeconds(5));
            s.sampleFor(Duration.ofSeconds(1));
            s.stop(Duration.ofSeconds(10));

            List<GuestEvent> after = s.events().subList(before, s.events().size()).stream()
                    .filter(GuestEvent::isVersionChange).filter(e -> !e.oldParams().sameClockAs(e.newParams())).toList();
            assertThat(after).as("clock changes after the TSC write").hasSize(1);
            GuestEvent jump = after.getFirst();
            long tscStep = offsets[1] - offsets[0];
            // Net of any guest-TSC step: the old clock read at the TSC the guest would have had without the step.
            long observedNs = jump.newParams().nsAt(jump.tsc()) - jump.oldParams().nsAt(jump.tsc() - tscStep);
            long sinceSnapshotNs = jump.oldParams().nsAt(jump.tsc() - tscStep) - jump.oldParams().systemTimeNs();
            // The kernel's arithmetic sizes it where its inputs are the kernel's own (the vDSO's raw mult,
            // the tsc clocksource, KVM's rate that mult's): then the jump must be exactly its prediction.
            org.junit.jupiter.api.Assumptions.assumeTrue(drift.source() == DriftEstimate.Source.ARITHMETIC,
                    "the arithmetic does not apply on this host, so this test has nothing to size the jump by: " + drift.why());
            long predictedNs = drift.predictJumpNs(sinceSnapshotNs);
            String what = String.format(java.util.Locale.ROOT, "observed %d ns vs predicted %d ns (%s)", observedNs, predictedNs, drift.why());
            assertThat(Math.abs(observedNs - predictedNs)).as(what).isLessThanOrEqualTo(kvmclockprobe.check.Judge.resnapshotTolerance(predictedNs, 0));
        }
    }

    @Test
    void corruptMailboxIsAGuestProtocolError(Kvm kvm) {
        try (SamplerSession s = SamplerSession.start(kvm, 1, SamplerSession.Options.defaults())) {
            // The host owns events_consumed: garbage there makes the ring's pending count impossible.
            s.machine().ram().writeU64(GuestAbi.vcpuBlockGpa(0) + GuestAbi.VCPU_OFF_EVENTS_CONSUMED, 0xDEAD_BEEF_0000L);
            assertThatThrownBy(() -> s.sampleFor(Duration.ofSeconds(2)))
                    .isInstanceOf(GuestProtocolError.class)
                    .hasMessageContaining("guest protocol error: vCPU 0 event ring");
        }
    }

    @Test
    void guestThatNeverRingsIsReportedHungWithinTheLimitAndEverythingStops(Kvm kvm) {
        long start = System.nanoTime();
        SamplerSession.Options options = SamplerSession.Options.defaults().withHangLimit(Duration.ofMillis(500));
        try (SamplerSession s = SamplerSession.launch(kvm, GuestImage.SPIN, 1, options)) {
            assertThatThrownBy(() -> s.sampleFor(Duration.ofSeconds(5)))
                    .isInstanceOf(GuestFailure.class)
                    .hasMessageContaining("vCPU 0 hung: no doorbell for")
                    .hasMessageContaining("rip=0x1");
        }
        double elapsedS = (System.nanoTime() - start) / 1e9;
        assertThat(elapsedS).as("hang reported and VM closed within the limit plus slack").isLessThan(3.0);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .noneMatch(n -> n.equals("vcpu-0") || n.equals("sampler-watchdog"));
    }
}

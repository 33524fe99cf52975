package kvmclockprobe.check;

import kvmclockprobe.verdict.Status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.SettlePolicy;
import kvmclockprobe.testing.RequiresKvm;
import kvmclockprobe.testing.ResnapshotOutcome;

/**
 * Every trigger on the real /dev/kvm. What each must do depends on what this host reports
 * (measured by {@link HostProbe}), never on assumptions: triggers whose capability is missing
 * must skip naming it; the others must give the verdict a correct kernel earns.
 *
 * <p>One {@code check} over every trigger serves all the tests: run by the first test that needs
 * it, so never where KVM is unusable (each test then skips, or fails under
 * {@code KVMCLOCK_REQUIRE_KVM=1}, on its own).
 */
@RequiresKvm
class CheckOnThisHostTest {
    static final Scenario.Settings SETTINGS = new Scenario.Settings(SettlePolicy.adaptive(Duration.ofSeconds(10)), Duration.ofMillis(600), 1, false);

    /** The host's facts and the report of one check over {@link Triggers#ALL}. */
    record AllTriggers(HostFacts host, CheckReport report, Map<String, TriggerResult> byName) {
        static AllTriggers run(Kvm kvm) {
            HostFacts host = HostProbe.collect(kvm);
            CheckReport report = Check.run(kvm, host, Triggers.ALL, SETTINGS, (n, s) -> { });
            Map<String, TriggerResult> byName = new LinkedHashMap<>();
            report.results().forEach(r -> byName.put(r.trigger(), r));
            report.results().forEach(r -> System.out.printf("%-20s %-4s observed=%s predicted=%s %s%n  %s%n", r.trigger(),
                    r.status().label(), r.observedJumpNs(), r.predictedJumpNs(), r.reason(), String.join("\n  ", r.diagnostics())));
            return new AllTriggers(host, report, byName);
        }
    }

    private static AllTriggers all;
    private static RuntimeException allFailed;

    /** The one check run, made on first use; a failure is kept and rethrown, not run again per test. */
    private static synchronized AllTriggers all(Kvm kvm) {
        if (allFailed != null) throw allFailed;
        if (all == null) {
            try {
                all = AllTriggers.run(kvm);
            } catch (RuntimeException e) {
                allFailed = e;
                throw e;
            }
        }
        return all;
    }

    @Test
    void everyTriggerRanOnceToAVerdictWithWhatItMeasured(Kvm kvm) {
        List<TriggerResult> results = all(kvm).report().results();
        assertThat(results).extracting(TriggerResult::trigger).containsExactlyElementsOf(Triggers.names());
        for (TriggerResult r : results) {
            String name = r.trigger();
            assertThat(r.status()).as(name).isNotNull();
            assertThat(r.reason()).as("%s reason", name).isNotBlank();
            assertThat(r.status()).as("%s: %s", name, r.reason()).isNotEqualTo(Status.ERROR);
            assertThat(r.vcpus()).as(name).isEqualTo(SETTINGS.vcpus());
            if (!(r instanceof TriggerResult.Measured)) continue; // skipped before measuring, or judged from what KVM reported
            Measurement m = r.measured().orElseThrow().measurement();
            if (r.expectation() == Expectation.RESNAPSHOT) {
                assertThat(r.predictedJumpNs()).as("%s predicted jump (%s)", name, m.drift().why()).isNotNull();
                assertThat(m.drift().bMinusANsPerSec()).as("%s drift", name).isFinite();
            }
            assertThat(m.masterClockBefore()).as("%s master clock before", name).isTrue();
            assertThat(m.settleS()).as("%s settle", name).isBetween(0.0, 10.0);
            assertThat(m.observedJumpNsPerVcpu()).as("%s jump per vCPU", name).hasSize(SETTINGS.vcpus());
            assertThat(m.observedJumpNsPerVcpu().getFirst()).as("%s jump on vCPU 0", name).isEqualTo(m.observedJumpNs());
            assertThat(r.diagnostics()).as("%s diagnostics", name).isNotEmpty();
        }
    }

    @Test
    void triggersWhoseCapabilityIsMissingSkipNamingIt(Kvm kvm) {
        HostFacts host = all(kvm).host();
        Map<String, TriggerResult> results = all(kvm).byName();
        if (host.cap(Capability.XEN_HVM) == 0) {
            assertThat(results.get("xen-shared-info").status()).isEqualTo(Status.SKIP);
            assertThat(results.get("xen-shared-info").reason()).contains("KVM_CAP_XEN_HVM");
            assertThat(results.get("xen-vcpu-info").status()).isEqualTo(Status.SKIP);
            assertThat(results.get("xen-vcpu-info").reason()).contains("KVM_CAP_XEN_HVM");
        }
        if (host.cap(Capability.TSC_CONTROL) == 0) {
            assertThat(results.get("tsc-khz").status()).isEqualTo(Status.SKIP);
            assertThat(results.get("tsc-khz").reason()).contains("KVM_CAP_TSC_CONTROL");
        }
        if (host.cap(Capability.HYPERV_TIME) == 0) {
            assertThat(results.get("hyperv-ref-tsc").status()).isEqualTo(Status.SKIP);
            assertThat(results.get("hyperv-ref-tsc").reason()).contains("KVM_CAP_HYPERV_TIME");
        }
        for (TriggerResult r : results.values()) {
            // a capability skip measures nothing; an inconclusive one (measured) says so
            if (r instanceof TriggerResult.Skipped) assertThat(r.observedJumpNs()).as(r.trigger()).isNull();
            else if (r instanceof TriggerResult.Measured && r.status() == Status.SKIP) {
                assertThat(r.trigger()).as("only kvmclock-rate skips after measuring: %s", r.reason()).isEqualTo("kvmclock-rate");
            }
        }
    }

    @Test
    void reSnapshotTriggersJumpByThePredictedDrift(Kvm kvm) {
        Map<String, TriggerResult> results = all(kvm).byName();
        for (String name : List.of("tsc-write", "tsc-offset-attr")) {
            TriggerResult r = results.get(name);
            ResnapshotOutcome.assertPassed(name, r.status().label(), r.reason());
            Measurement m = r.measured().orElseThrow().measurement();
            assertThat(m.resnapshotSeen()).as("%s: the reference point moved", name).isTrue();
            Verdict v = r.measured().orElseThrow().verdict();
            if (m.drift().source() == DriftEstimate.Source.ARITHMETIC) {
                assertThat(v.toleranceNs()).as("%s: the arithmetic's tolerance", name).isEqualTo(Judge.resnapshotTolerance(r.predictedJumpNs(), 0));
            }
            assertThat(Math.abs(r.observedJumpNs() - r.predictedJumpNs())).as(name).isLessThanOrEqualTo(v.toleranceNs());
            assertThat(v.resnapshotMatch()).as(name).isTrue();
        }
    }

    @Test
    void setClockLosesExactlyTheGetToSetInterval(Kvm kvm) {
        Map<String, TriggerResult> results = all(kvm).byName();
        TriggerResult r = results.get("set-clock");
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
        assertThat(r.observedJumpNs()).isNegative();
        assertThat(Math.abs(r.observedJumpNs() - r.predictedJumpNs())).isLessThanOrEqualTo(Judge.SEEN_NS);
    }

    @Test
    void clockUpdatesThatAreNotReSnapshotsDoNotMoveTheClock(Kvm kvm) {
        Map<String, TriggerResult> results = all(kvm).byName();
        for (String name : List.of("kvmclock-ctrl", "vcpu-hotplug")) {
            TriggerResult r = results.get(name);
            assertThat(Math.abs(r.observedJumpNs())).as(name).isLessThanOrEqualTo(Judge.SEEN_NS);
            assertThat(r.measured().orElseThrow().measurement().resnapshotSeen()).as("%s: the reference point stayed", name).isFalse();
            assertThat(r.status()).as("%s: %s", name, r.reason()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void strictFailsTheReSnapshotThatPassesOtherwise(Kvm kvm) {
        Scenario.Settings strict = new Scenario.Settings(SETTINGS.settle(), SETTINGS.after(), 1, true);
        TriggerResult r = Scenario.run(kvm, all(kvm).host(), Triggers.byName("tsc-write").orElseThrow(), strict, null, s -> { });
        org.junit.jupiter.api.Assumptions.assumeTrue(Math.abs(r.observedJumpNs()) > Judge.SEEN_NS,
                "this boot's re-snapshot moved the clock only " + r.observedJumpNs() + " ns, so --strict has no jump to fail");
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("--strict").contains("jumped");
    }

    /** A probe failure is an error, never a verdict, and the next trigger still runs on a fresh VM. */
    @Test
    void aTriggerThatFailsIsAnErrorAndTheNextOneStillRuns(Kvm kvm) {
        Trigger broken = new Trigger() {
            public String name() {
                return "broken";
            }

            public Expectation expectation() {
                return Expectation.NO_JUMP;
            }

            public java.util.Optional<String> missingCapability(HostFacts host) {
                return java.util.Optional.empty();
            }

            public kvmclockprobe.measurement.TriggerEffect apply(TriggerContext ctx) {
                throw new kvmclockprobe.machine.GuestFailure("injected: the guest misbehaved on vCPU 0");
            }
        };
        Scenario.Settings quick = new Scenario.Settings(SettlePolicy.fixed(Duration.ofSeconds(2)), Duration.ofMillis(300), 1, false);
        CheckReport r = Check.run(kvm, all(kvm).host(), List.of(broken, Triggers.byName("tsc-write").orElseThrow()), quick, (n, s) -> { });
        assertThat(r.results().get(0).status()).isEqualTo(Status.ERROR);
        assertThat(r.results().get(0).reason()).startsWith("probe error: injected");
        assertThat(r.results().get(1)).isInstanceOf(TriggerResult.Measured.class);
        assertThat(r.results().get(1).status()).isNotEqualTo(Status.ERROR);
        assertThat(r.exitCode()).isEqualTo(3);
    }
}

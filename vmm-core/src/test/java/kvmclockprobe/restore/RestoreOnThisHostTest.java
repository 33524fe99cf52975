package kvmclockprobe.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kvmclockprobe.verdict.Status;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.testing.RequiresKvm;

/**
 * Every restore recipe on the real /dev/kvm (in the lab where the host has none): each runs to a
 * verdict or a named skip and shows what its sequence is documented to do. One run of all the
 * recipes serves every test.
 */
@RequiresKvm
class RestoreOnThisHostTest {
    /** Two vCPUs: the TSC offsets, the master clock and the cross-vCPU readings need more than one. */
    static final RestoreRun.Settings SETTINGS = new RestoreRun.Settings(Duration.ofMillis(300), Duration.ofMillis(400), 2);

    private static Map<String, RestoreResult> all;
    private static RuntimeException allFailed;

    private static synchronized Map<String, RestoreResult> all(Kvm kvm) {
        if (allFailed != null) throw allFailed;
        if (all == null) {
            try {
                Map<String, RestoreResult> byName = new LinkedHashMap<>();
                for (RestoreResult r : RestoreRun.run(kvm, Recipes.ALL, SETTINGS, () -> false)) {
                    byName.put(r.recipe().name(), r);
                    System.out.printf("%-38s %-5s %s%n", r.recipe().name(), r.status().label(), r.reason());
                }
                all = byName;
            } catch (RuntimeException e) {
                allFailed = e;
                throw e;
            }
        }
        return all;
    }

    private static RestoreMeasurement measured(Kvm kvm, String name) {
        RestoreResult r = all(kvm).get(name);
        assertThat(r).as("%s: %s", name, r.reason()).isInstanceOf(RestoreResult.Measured.class);
        return ((RestoreResult.Measured) r).measurement();
    }

    @Test
    void everyRecipeRunsToAVerdictOrASkipNamingWhatIsMissing(Kvm kvm) {
        Map<String, RestoreResult> results = all(kvm);
        assertThat(results.keySet()).containsExactlyElementsOf(Recipes.names());
        for (RestoreResult r : results.values()) {
            assertThat(r.status()).as("%s: %s", r.recipe().name(), r.reason()).isNotEqualTo(Status.ERROR);
            if (r.status() == Status.SKIP) {
                assertThat(r.recipe().name()).isIn("exact-clock-guest", "cloud-hypervisor-restore-v52");
                assertThat(r.reason()).containsAnyOf("KVM_GET_CLOCK_GUEST", "no master clock");
                continue;
            }
            RestoreMeasurement m = ((RestoreResult.Measured) r).measurement();
            assertThat(m.samplesAfter()).as("%s: the guest went on sampling", r.recipe().name()).isGreaterThan(m.samplesBefore());
            assertThat(m.errorAtResumeNs()).as(r.recipe().name()).isNotNull();
        }
    }

    @Test
    void everyCorrectSequenceResumesTheClockWhereTheKvmApiPutsIt(Kvm kvm) {
        for (RestoreResult r : all(kvm).values()) {
            if (r.recipe().knownBad() || r.status() == Status.SKIP) continue;
            assertThat(r.status()).as("%s: %s", r.recipe().name(), r.reason()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void theLateClockOrderShowsASecondJumpAndTheCorrectOrderDoesNot(Kvm kvm) {
        RestoreMeasurement late = measured(kvm, "cloud-hypervisor-restore-late-clock");
        RestoreMeasurement right = measured(kvm, "cloud-hypervisor-restore");
        assertThat(late.laterJumpsNs()).as("late: %s", late.steps()).isNotEmpty();
        // The vCPUs first ran on the fresh VM's own clock (0 at its creation, after the downtime), far
        // behind the guest's (at least the warm-up), then the set moved it by about what was predicted.
        assertThat(late.errorAtResumeNs()).isLessThan(-RestoreRun.WARM_UP.toNanos() / 2);
        assertThat(late.predictedLaterJumpsNs()).hasSize(1);
        // With the master clock off (several vCPUs restored one by one) each per-vCPU update moves the clock by
        // a few ns to us as well: the set's jump is the largest.
        long jump = late.laterJumpsNs().stream().max(java.util.Comparator.comparingLong(Math::abs)).orElseThrow();
        long predicted = late.predictedLaterJumpsNs().getFirst();
        assertThat(Math.abs(jump)).isGreaterThan(late.uncertaintyNs());
        assertThat(Math.abs(jump - predicted)).as("second jump %d vs predicted %d", jump, predicted)
                .isLessThanOrEqualTo(Math.max(10_000_000L, Math.abs(predicted) / 5));
        assertThat(right.laterJumpsNs()).allSatisfy(j -> assertThat(Math.abs(j)).isLessThanOrEqualTo(right.uncertaintyNs()));
        assertThat(all(kvm).get("cloud-hypervisor-restore-late-clock").expectedFailure()).isTrue();
    }

    @Test
    void kvmclockCtrlOnRestoreShowsGuestStoppedAndItsAbsenceDoesNot(Kvm kvm) {
        assertThat(measured(kvm, "firecracker-snapshot").guestStopped()).isTrue();
        assertThat(measured(kvm, "firecracker-snapshot-no-kvmclock-ctrl").guestStopped()).isFalse();
        assertThat(measured(kvm, "qemu-stop-cont").guestStopped()).isTrue();
    }

    @Test
    void theTscRunsOnAcrossAStopContAndIsFrozenAcrossASnapshot(Kvm kvm) {
        RestoreMeasurement stopCont = measured(kvm, "qemu-stop-cont");
        assertThat(stopCont.tscStepNs()).isGreaterThanOrEqualTo(SETTINGS.pause().toNanos());
        for (String name : new String[] {"qemu-migrate", "firecracker-snapshot", "openvmm-restore"}) {
            RestoreMeasurement m = measured(kvm, name);
            // The TSC written back is the one saved: the downtime is not in it.
            assertThat(m.tscStepNs()).as(name).isLessThan(m.hostGapNs() - SETTINGS.pause().toNanos() / 2);
        }
    }

    @Test
    void aRealTimeRestoreAdvancesTheClockByTheDowntimeAndAFrozenOneDoesNot(Kvm kvm) {
        RestoreMeasurement real = measured(kvm, "cloud-hypervisor-restore");
        assertThat(real.intent()).isEqualTo(Intent.REAL_TIME);
        assertThat(real.guestStepNs()).isGreaterThanOrEqualTo(SETTINGS.pause().toNanos());
        RestoreMeasurement frozen = measured(kvm, "firecracker-snapshot");
        // Frozen: the guest clock moved by the VMM's own latencies, not by the downtime on top of them.
        assertThat(frozen.guestStepNs()).isLessThan(frozen.hostGapNs() - SETTINGS.pause().toNanos() / 2);
    }

    @Test
    void reSyncedTscOffsetsKeepTheMasterClockAndV52sVcpuByVcpuRestoreLosesIt(Kvm kvm) {
        RestoreResult v52 = all(kvm).get("cloud-hypervisor-restore-v52");
        RestoreMeasurement v53 = measured(kvm, "cloud-hypervisor-restore");
        if (!Boolean.TRUE.equals(v53.masterClockAtSave())) {
            // No master clock on this host to keep: v52's problem cannot show, and it says so.
            assertThat(v52.status()).as(v52.reason()).isEqualTo(Status.SKIP);
            return;
        }
        for (String name : new String[] {"cloud-hypervisor-restore", "firecracker-snapshot-unified-tsc"}) {
            RestoreMeasurement m = measured(kvm, name);
            assertThat(m.crossVcpu().tscOffsetSpreadCycles()).as(name).isZero();
            assertThat(m.masterClock().endedOn()).as("%s: %s", name, m.masterClock()).isTrue();
        }
        RestoreMeasurement bad = measured(kvm, "cloud-hypervisor-restore-v52");
        assertThat(bad.crossVcpu().tscOffsetSpreadCycles()).isPositive();
        assertThat(bad.masterClock().state()).isEqualTo(MasterClockAfter.State.OFF);
        assertThat(v52.expectedFailure()).as(v52.reason()).isTrue();
        assertThat(v52.reason()).contains("the master clock stayed off after the resume");
    }
}

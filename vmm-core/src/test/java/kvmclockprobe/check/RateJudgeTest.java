package kvmclockprobe.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.AnalyticDrift;
import kvmclockprobe.clock.DriftEstimate;
import kvmclockprobe.clock.KernelClockArithmetic;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.testing.SyntheticMeasurement;
import kvmclockprobe.verdict.Status;

/** kvmclock-rate: within the roundings a pass; beyond them a fail with constant_tsc, a skip with the numbers without. */
class RateJudgeTest {
    static final String REFINED = "tsc: Refined TSC clocksource calibration: 2096.015 MHz";

    static HostClock host(Boolean constantTsc) {
        return new HostClock("tsc", KernelClockArithmetic.tscClocksource(2_096_015), null, constantTsc, false,
                List.of("tsc: Detected 2096.026 MHz processor", REFINED), true);
    }

    static PvclockParams pvclock(long khz) {
        KernelClockArithmetic.PvclockScale s = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, khz * 1000);
        return new PvclockParams(2, 0, 0, (int) s.mul(), (byte) s.shift(), (byte) 1);
    }

    /** KVM's tsc_khz {@code kvmKhz}, its pvclock scaled with it; the control jumped {@code jumpNs} after 1 s. */
    static SyntheticMeasurement control(long kvmKhz, long jumpNs, boolean moved) {
        return control(kvmKhz, kvmKhz, jumpNs, moved);
    }

    /** The same with the pvclock scaled with {@code pvclockKhz}. */
    static SyntheticMeasurement control(long kvmKhz, long pvclockKhz, long jumpNs, boolean moved) {
        AnalyticDrift a = AnalyticDrift.of(kvmKhz, "tsc", KernelClockArithmetic.tscClocksource(2_096_015), null, pvclock(pvclockKhz));
        return SyntheticMeasurement.measured().drift(DriftEstimate.decide(a, null, null, null)).sinceSnapshotNs(1_000_000_000L)
                .observedNs(jumpNs).resnapshot(moved);
    }

    @Test
    void aRateWithinTheRoundingsPasses() {
        Verdict v = RateJudge.judge(control(2_096_015, -15, true).build(), host(false));
        assertThat(v.status()).isEqualTo(Status.PASS);
        assertThat(v.reason()).contains("within the integer roundings").contains("2096015");
    }

    @Test
    void kvmScalingWithTheUnrefinedRateIsASkipWithTheNumbersWithoutConstantTsc() {
        Verdict v = RateJudge.judge(control(2_096_026, 5_288, true).build(), host(false));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("-5.288 ppm").contains("KVM_GET_TSC_KHZ 2096026").contains("max_tsc_khz").contains(REFINED)
                .contains("constant_tsc no");
    }

    @Test
    void theSameWithConstantTscIsAFailure() {
        Verdict v = RateJudge.judge(control(2_096_026, 5_288, true).build(), host(true));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("should match the clocksource");
    }

    @Test
    void aControlThatDidNotReSnapshotIsInconclusive() {
        assertThat(RateJudge.judge(control(2_096_015, 0, false).build(), host(true)).status()).isEqualTo(Status.INCONCLUSIVE);
    }

    /** Built-in KVM, no constant_tsc, early calibration 565 ppm below the refined one (measured in the lab): multiplier 0. */
    @Test
    void kvmWhoseViewOfTheGuestTscStandsStillFailsNamingTheCause() {
        AnalyticDrift a = AnalyticDrift.of(2_094_843, "tsc", KernelClockArithmetic.tscClocksource(2_096_028), null,
                pvclock(2_094_843));
        Verdict v = RateJudge.judge(SyntheticMeasurement.measured().drift(DriftEstimate.decide(a, null, null, null))
                .sinceSnapshotNs(3_608_124_101L).observedNs(3_608_124_101L).tscStep(1L).referenceTscKhz(0).resnapshot(true).build(),
                host(false));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("runs at 0.0 kHz").contains("KVM_GET_TSC_KHZ is 2094843").contains("tsc_tolerance_ppm")
                .contains("multiplier stays 0");
    }

    @Test
    void aReferenceRateAtTheHostTscsRatePasses() {
        Verdict v = RateJudge.judge(control(2_096_015, -15, true).referenceTscKhz(2_096_020).build(), host(false));
        assertThat(v.status()).isEqualTo(Status.PASS);
    }

    @Test
    void aReferenceRateFarFromBothFailsWithoutACauseItCannotShow() {
        Verdict v = RateJudge.judge(control(2_096_015, -15, true).referenceTscKhz(1_000_000).build(), host(true));
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("runs at 1000000.0 kHz").doesNotContain("tsc_tolerance_ppm");
    }

    /**
     * The lab's pvclock-scale-mhz mutant (6.12.117, no constant_tsc): the pvclock scaled from the
     * rate rounded down to whole MHz, 475 ppm off a raw clock that runs at KVM_GET_TSC_KHZ, judged
     * on a host whose cpufreq policy and kernel log are as given.
     */
    static Verdict wholeMhzPvclock(boolean cpufreqPolicy, List<String> calibration) {
        HostClock host = new HostClock("tsc", KernelClockArithmetic.tscClocksource(2_095_996), null, false, cpufreqPolicy,
                calibration, !calibration.isEmpty());
        AnalyticDrift a = AnalyticDrift.of(2_095_996, "tsc", KernelClockArithmetic.tscClocksource(2_095_996), null, pvclock(2_095_000));
        return RateJudge.judge(SyntheticMeasurement.measured().drift(DriftEstimate.decide(a, null, null, null))
                .sinceSnapshotNs(2_116_597_000L).observedNs(-1_006_302).resnapshot(true).build(), host);
    }

    static final List<String> LAB_CALIBRATION = List.of("tsc: Detected 2095.986 MHz processor",
            "tsc: Refined TSC clocksource calibration: 2095.996 MHz");

    @Test
    void aPvclockScaledWithARateTheHostNeverMeasuredFailsWithoutConstantTsc() {
        Verdict v = wholeMhzPvclock(false, LAB_CALIBRATION);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("encode 2095000.").contains("KVM_GET_TSC_KHZ (2095996)").contains("[2095986, 2095996] kHz")
                .contains("never measured");
    }

    /** The limitation: KVM scales with the early calibration, which the log shows: still a skip. */
    @Test
    void aPvclockScaledWithTheEarlyCalibrationStaysASkip() {
        Verdict v = RateJudge.judge(control(2_096_015, 2_096_026, 5_288, true).build(), host(false));
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("encode 2096026.");
    }

    @Test
    void withoutTheKernelsCalibrationsAnUnmeasuredRateCannotBeShownAndStaysASkip() {
        Verdict v = wholeMhzPvclock(false, List.of());
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("not readable");
    }

    /** Without constant_tsc, a cpufreq policy may be where KVM took its rate: the log proves nothing, a skip. */
    @Test
    void withACpufreqPolicyAnUnloggedRateStaysASkipWithoutConstantTsc() {
        Verdict v = wholeMhzPvclock(true, LAB_CALIBRATION);
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("cpufreq policy yes");
    }
}

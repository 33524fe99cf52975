package kvmclockprobe.clock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.DriftEstimate.Source;
import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;

/** Which drift rate sizes a jump: the arithmetic only where its inputs are the kernel's own, else a control re-snapshot. */
class DriftEstimateTest {
    static final long LAB_KHZ = 2_096_012;
    static final PvclockParams LAB_PVCLOCK = new PvclockParams(0, 0, 0,
            (int) KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, LAB_KHZ * 1000).mul(), (byte) -1, (byte) 1);
    static final ClocksourceScale LAB_RAW = KernelClockArithmetic.tscClocksource(LAB_KHZ);
    /** The 2096.012 MHz lab boot, with the vDSO's raw mult what clocks_calc_mult_shift gives: +14.88 ns/s. */
    static final AnalyticDrift ARITHMETIC = AnalyticDrift.of(LAB_KHZ, "tsc", LAB_RAW, null, LAB_PVCLOCK);
    static final DriftResult FIT = new DriftResult(1000, 900, 5, 300, 19, 57, 0, 0, 0, 90, 20, true, true, 0, 5_000_000_000L);

    @Test
    void theArithmeticIsTheKernelsForThatBoot() {
        assertThat(ARITHMETIC.applies()).isTrue();
        assertThat(ARITHMETIC.bMinusANsPerSec()).isBetween(14.87, 14.89);
        assertThat(ARITHMETIC.rawMultUnitNsPerSec() / 2).isBetween(62.4, 62.5);
        assertThat(ARITHMETIC.kvmTimeScale()).isEqualTo(ARITHMETIC.pvclock());
    }

    @Test
    void theArithmeticWinsWhereItAppliesAndNoFitCanVetoIt() {
        DriftEstimate d = DriftEstimate.decide(ARITHMETIC, null, null, FIT);
        assertThat(d.source()).isEqualTo(Source.ARITHMETIC);
        assertThat(d.bMinusANsPerSec()).isEqualTo(ARITHMETIC.bMinusANsPerSec());
        assertThat(d.errNsPerSec()).isZero();
        assertThat(d.fit()).isSameAs(FIT);
    }

    @Test
    void withoutTheVdsoMultTheArithmeticDoesNotApply() {
        AnalyticDrift unread = AnalyticDrift.of(LAB_KHZ, "tsc", null, "no [vvar] mapping", LAB_PVCLOCK);
        assertThat(unread.applies()).isFalse();
        assertThat(unread.notApplicable()).contains("vDSO").contains("no [vvar] mapping");
        assertThat(DriftEstimate.decide(unread, null, null, FIT).source()).isEqualTo(Source.NONE);
    }

    @Test
    void aControlGivesTheRateWhereTheArithmeticDoesNotApply() {
        AnalyticDrift hyperv = AnalyticDrift.of(LAB_KHZ, "hyperv_clocksource_tsc_page", null, "clock_mode 3", LAB_PVCLOCK);
        ControlResnapshot c = new ControlResnapshot("control", -30, 2_000_000_000L, true, null);
        DriftEstimate d = DriftEstimate.decide(hyperv, null, c, FIT);
        assertThat(d.source()).isEqualTo(Source.CONTROL);
        assertThat(d.bMinusANsPerSec()).isEqualTo(15.0);
        assertThat(d.errNsPerSec()).isEqualTo(1.0);
        assertThat(d.predictJumpNs(4_000_000_000L)).isEqualTo(-60);
        assertThat(d.why()).contains("control").contains("hyperv_clocksource_tsc_page");
    }

    @Test
    void aControlThatDidNotReSnapshotGivesNoRate() {
        ControlResnapshot still = new ControlResnapshot("control", 0, 2_000_000_000L, false, null);
        assertThat(still.rateNsPerSec()).isNaN();
        DriftEstimate d = DriftEstimate.decide(null, "no TSC rate", still, FIT);
        assertThat(d.source()).isEqualTo(Source.NONE);
        assertThat(d.why()).contains("did not move the reference point");
    }

    @Test
    void zeroDriftIsExactlyZeroWhereTheScalesAgree() {
        // 2.0 GHz: the raw clock and the pvclock both convert at exactly 0.5 ns per cycle.
        PvclockParams pv = new PvclockParams(0, 0, 0, (int) KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, 2_000_000_000L).mul(),
                (byte) KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, 2_000_000_000L).shift(), (byte) 1);
        AnalyticDrift a = AnalyticDrift.of(2_000_000, "tsc", KernelClockArithmetic.tscClocksource(2_000_000), null, pv);
        DriftEstimate d = DriftEstimate.decide(a, null, null, null);
        assertThat(d.zeroByArithmetic()).isTrue();
        assertThat(d.predictJumpNs(30_000_000_000L)).isZero();
    }
}

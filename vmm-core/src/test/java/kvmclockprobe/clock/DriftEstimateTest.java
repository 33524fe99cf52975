package kvmclockprobe.clock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.DriftEstimate.Source;

/** Which drift a prediction uses: the arithmetic only when a measurement confirms it. */
class DriftEstimateTest {
    /** The 2096.012 MHz lab boot: +14.88 ns/s by the arithmetic; half a raw mult unit is 62.5 ns/s. */
    static final AnalyticDrift ARITHMETIC = AnalyticDrift.of(2_096_012, "tsc",
            new PvclockParams(0, 0, 0, (int) KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, 2_096_012_000L).mul(), (byte) -1, (byte) 1));

    static DriftResult fit(double slope, double err) {
        return new DriftResult(1000, 900, 5, slope, err / 3, err, 0, 0, 0, 90, 20, true, true, 0, 5_000_000_000L);
    }

    @Test
    void theArithmeticIsTheKernelsForThatBoot() {
        assertThat(ARITHMETIC.bMinusANsPerSec()).isBetween(14.87, 14.89);
        assertThat(ARITHMETIC.rawMultUnitNsPerSec() / 2).isBetween(62.4, 62.5);
        assertThat(ARITHMETIC.kvmTimeScale()).isEqualTo(ARITHMETIC.pvclock());
    }

    @Test
    void aFitWithinHalfARawMultUnitConfirmsTheArithmetic() {
        DriftEstimate d = DriftEstimate.decide(ARITHMETIC, null, fit(10.11, 5.29));
        assertThat(d.source()).isEqualTo(Source.ANALYTIC);
        assertThat(d.bMinusANsPerSec()).isEqualTo(ARITHMETIC.bMinusANsPerSec());
        assertThat(d.predictionErrNs(10_000_000_000L)).isZero();
        assertThat(d.predictJumpNs(6_340_000_000L)).isEqualTo(-94); // the jump the lab kernel gave
        assertThat(d.why()).contains("confirmed");
    }

    @Test
    void aFitOneRawMultUnitAwayFallsBackToTheFitAndSaysSo() {
        DriftEstimate d = DriftEstimate.decide(ARITHMETIC, null, fit(14.88 + 125, 2));
        assertThat(d.source()).isEqualTo(Source.FIT);
        assertThat(d.errNsPerSec()).isEqualTo(2);
        assertThat(d.predictionErrNs(10_000_000_000L)).isEqualTo(20);
        assertThat(d.why()).contains("NOT confirmed");
    }

    @Test
    void aFitTooCoarseToTellNeighbouringMultsApartDoesNotConfirm() {
        // the lab's 1 s settle: +297 ± 289 ns/s; even one that landed near the arithmetic is no confirmation
        DriftEstimate d = DriftEstimate.decide(ARITHMETIC, null, fit(20, 40));
        assertThat(d.source()).isEqualTo(Source.FIT);
        assertThat(d.why()).contains("too coarse");
    }

    @Test
    void noArithmeticUsesTheFit() {
        DriftEstimate d = DriftEstimate.decide(null, "the guest TSC is scaled", fit(-40, 1));
        assertThat(d.source()).isEqualTo(Source.FIT);
        assertThat(d.why()).contains("the guest TSC is scaled");
    }

    @Test
    void aFailedFitLeavesNoDriftEvenWithTheArithmetic() {
        for (DriftResult f : new DriftResult[] {null, fit(Double.NaN, Double.NaN), fit(10, Double.NaN)}) {
            DriftEstimate d = DriftEstimate.decide(ARITHMETIC, null, f);
            assertThat(d.source()).isEqualTo(Source.NONE);
            assertThat(d.usable()).isFalse();
            assertThat(d.why()).contains("unconfirmed");
        }
    }
}

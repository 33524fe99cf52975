package kvmclockprobe.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.clock.KernelClockArithmetic.PvclockScale;

/**
 * The kernel's arithmetic against values worked out independently (issue 8's table, checked in
 * the lab against the jumps real kernels gave) and against its defining properties.
 */
class KernelClockArithmeticTest {

    @ParameterizedTest(name = "tsc_khz {0}")
    @CsvSource({
            // tsc_khz, raw mult, raw shift, pvclock mul, pvclock shift, B-A ns/s
            "2096017, 8004332, 24, 4098217997, -1, 3.17",
            "2596124, 6462409, 24, 3308753584, -1, 53.19",
            "2100000, 7989150, 24, 4090445043, -1, 59.41",
    })
    void matchesTheWorkedValues(long tscKhz, long mult, int shift, long mul, int pvShift, double bMinusA) {
        ClocksourceScale raw = KernelClockArithmetic.tscClocksource(tscKhz);
        PvclockScale pv = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, tscKhz * 1000);
        assertThat(raw).isEqualTo(new ClocksourceScale(mult, shift));
        assertThat(pv).isEqualTo(new PvclockScale(mul, pvShift));
        assertThat(KernelClockArithmetic.bMinusANsPerSec(tscKhz, pv, raw)).isCloseTo(bMinusA, within(0.005));
    }

    @Test
    void oneKilohertzOfCalibrationFlipsTheDrift() {
        // The same host booted twice: 2100.000 MHz, then 2100.001 MHz (KVM-CLOCK.md).
        double at2100000 = drift(2_100_000);
        double at2100001 = drift(2_100_001);
        assertThat(at2100000).isCloseTo(59.41, within(0.005));
        assertThat(at2100001).isCloseTo(-41.32, within(0.005));
    }

    /** The lab boot of 2026-12-02 (2096.010 MHz): the stock 6.12 KVM moved the guest +331 ns after 10.909 s. */
    @Test
    void predictsALabJump() {
        assertThat(-drift(2_096_010) * 10.909).isCloseTo(331, within(1.0));
    }

    @Test
    void aRawMultUnitIsTscHzOverTwoToTheShift() {
        ClocksourceScale raw = KernelClockArithmetic.tscClocksource(2_100_000);
        assertThat(KernelClockArithmetic.rawMultUnitNsPerSec(2_100_000, raw)).isCloseTo(2.1e9 / (1 << 24), within(1e-9));
    }

    /** clocks_calc_mult_shift's contract: the largest shift whose mult fits the range, mult rounded to nearest. */
    @Test
    void multShiftIsTheRoundedRatioAtTheLargestShiftThatFits() {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int i = 0; i < 2000; i++) {
            long khz = random.nextLong(100_000, 6_000_000);
            ClocksourceScale s = KernelClockArithmetic.tscClocksource(khz);
            BigInteger exact = BigInteger.valueOf(1_000_000).shiftLeft(s.shift()).add(BigInteger.valueOf(khz / 2))
                    .divide(BigInteger.valueOf(khz));
            assertThat(s.mult()).as("khz %d", khz).isEqualTo(exact.longValueExact());
            // 600 s of cycles times mult must fit 64 bits, and the next shift would not fit.
            BigInteger cycles600 = BigInteger.valueOf(khz).multiply(BigInteger.valueOf(600_000));
            assertThat(cycles600.multiply(BigInteger.valueOf(s.mult())).bitLength()).as("khz %d", khz).isLessThanOrEqualTo(64);
            // Its ns per cycle is within one unit of the true 1e6/khz.
            assertThat(Math.abs(s.nsPerCycle() - 1e6 / khz)).isLessThanOrEqualTo(Math.pow(2, -s.shift()));
        }
    }

    /**
     * kvm_get_time_scale's contract: mul's top bit is set, and mul * 2^shift / 2^32 is 1e9/Hz to
     * within one unit of mul (the division truncates) plus 2^-30 relative (the kernel first halves
     * Hz until it is at most twice 1e9 and fits 32 bits, dropping a low bit each time).
     */
    @Test
    void timeScaleIsNormalisedAndWithinAUnit() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            long hz = random.nextLong(100_000_000L, 6_000_000_000L);
            PvclockScale s = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, hz);
            assertThat(s.mul()).isBetween(0x8000_0000L, 0xffff_ffffL);
            double exact = 1e9 / hz;
            double unit = Math.pow(2, s.shift()) / 0x1p32;
            assertThat(Math.abs(exact - s.nsPerCycle())).as("hz %d", hz).isLessThan(unit + exact * 0x1p-30);
            if (hz <= 2_000_000_000L) {
                assertThat(s.nsPerCycle()).as("hz %d: no halving, so truncated", hz).isLessThanOrEqualTo(exact * (1 + 1e-12));
            }
        }
    }

    private static double drift(long khz) {
        return KernelClockArithmetic.bMinusANsPerSec(khz, KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, khz * 1000),
                KernelClockArithmetic.tscClocksource(khz));
    }

    @org.junit.jupiter.api.Test
    void unscaledTheScaledArithmeticIsTheHostsOwn() {
        for (long khz : new long[] {2_000_000, 2_096_012, 3_200_000}) {
            KernelClockArithmetic.ClocksourceScale raw = KernelClockArithmetic.tscClocksource(khz);
            KernelClockArithmetic.PvclockScale pv = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, khz * 1000);
            double unscaled = KernelClockArithmetic.bMinusANsPerSec(khz, pv, raw);
            org.assertj.core.api.Assertions.assertThat(KernelClockArithmetic.bMinusANsPerSecScaled(khz, khz, 48, raw))
                    .isCloseTo(unscaled, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    /**
     * Why no scaled guest can show a re-snapshot's harm where the host's rate drifts 0: B−A's size
     * is the raw clock's {@code mult} rounding (a host property scaling does not touch), while the
     * pvclock's 32-bit {@code mul} and KVM's 48- or 32-bit ratio are exact to well under 1 ns/s.
     */
    @org.junit.jupiter.api.Test
    void tscScalingCannotMakeAZeroDriftHostDriftVisibly() {
        KernelClockArithmetic.ClocksourceScale raw = KernelClockArithmetic.tscClocksource(2_000_000);
        org.assertj.core.api.Assertions.assertThat(KernelClockArithmetic.bMinusANsPerSecScaled(2_000_000, 2_000_000, 48, raw)).isZero();
        for (int frac : new int[] {48, 32}) {
            double worst = 0;
            for (long guest = 1_990_000; guest <= 2_010_000; guest += 7) {
                worst = Math.max(worst, Math.abs(KernelClockArithmetic.bMinusANsPerSecScaled(2_000_000, guest, frac, raw)));
            }
            org.assertj.core.api.Assertions.assertThat(worst).as("%d fraction bits", frac).isLessThan(1.0);
        }
        // The same scaling on a host whose raw mult is rounded keeps the host's drift.
        KernelClockArithmetic.ClocksourceScale lab = KernelClockArithmetic.tscClocksource(2_096_012);
        double host = KernelClockArithmetic.bMinusANsPerSecScaled(2_096_012, 2_096_012, 48, lab);
        org.assertj.core.api.Assertions.assertThat(KernelClockArithmetic.bMinusANsPerSecScaled(2_096_012, 2_000_000, 48, lab))
                .isCloseTo(host, org.assertj.core.data.Offset.offset(1.0));
    }
}

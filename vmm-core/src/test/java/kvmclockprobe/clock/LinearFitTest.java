package kvmclockprobe.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LinearFitTest {

    @Test
    void recoversSlopeAndItsStandardErrorFromNoisyPoints() {
        SplittableRandom random = new SplittableRandom(1);
        LinearFit fit = new LinearFit(1_000_000.0, 5e9);
        double sigma = 40;
        for (int i = 0; i < 10_000; i++) {
            double x = 1_000_000.0 + i * 0.001; // 10 s at 1 ms
            double noise = sigma * Math.sqrt(-2 * Math.log(random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            fit.add(x, 5e9 + 63.0 * (x - 1_000_000.0) + noise);
        }
        // Expected standard error: sigma / sqrt(sum (x - mean)^2) = 40 / sqrt(n * var) ≈ 40 / sqrt(10000 * 8.33) ≈ 0.139
        assertThat(fit.slope()).isCloseTo(63.0, within(0.6));
        assertThat(fit.slopeStandardError()).isCloseTo(0.139, within(0.02));
        assertThat(fit.residualStdDev()).isCloseTo(sigma, within(2.0));
        assertThat(fit.valueAt(1_000_005.0)).isCloseTo(5e9 + 315, within(5.0));
    }

    @Test
    void exactLineHasZeroError() {
        LinearFit fit = new LinearFit(0, 0);
        for (int i = 0; i < 10; i++) fit.add(i, 3 - 2.5 * i);
        assertThat(fit.slope()).isCloseTo(-2.5, within(1e-12));
        assertThat(fit.slopeStandardError()).isCloseTo(0, within(1e-9));
    }

    @Test
    void tooFewPointsGiveNaN() {
        LinearFit fit = new LinearFit(0, 0);
        fit.add(1, 1);
        assertThat(fit.slope()).isNaN();
        fit.add(2, 2);
        assertThat(fit.slope()).isCloseTo(1, within(1e-12));
        assertThat(fit.slopeStandardError()).isNaN();
    }
}

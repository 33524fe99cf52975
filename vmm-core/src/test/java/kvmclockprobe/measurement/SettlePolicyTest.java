package kvmclockprobe.measurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The adaptive settle: long enough for a re-snapshot to show, bounded both ways. */
class SettlePolicyTest {
    static final SettlePolicy ADAPTIVE = SettlePolicy.adaptive(Duration.ofSeconds(30));

    @Test
    void settlesUntilAReSnapshotWouldReachTheMargin() {
        // +3.17 ns/s (the 2096.017 MHz boot), 1 s already since the snapshot: 20 / 3.17 - 1 = 5.31 s
        SettlePolicy.Choice c = ADAPTIVE.choose(3.17, 1_000_000_000L);
        assertThat(c.settle()).isEqualTo(Duration.ofMillis(5309));
        assertThat(c.why()).contains("3.17 ns/s").contains("20 ns");
    }

    @Test
    void aLargeDriftStillSettlesTheMinimumSoTheFitCanConfirm() {
        SettlePolicy.Choice c = ADAPTIVE.choose(-53.19, 0);
        assertThat(c.settle()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.why()).contains("minimum");
    }

    @Test
    void aTinyDriftIsCappedAndSaysSo() {
        for (double rate : new double[] {0.1, 0.0}) {
            SettlePolicy.Choice c = ADAPTIVE.choose(rate, 0);
            assertThat(c.settle()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.why()).contains("only after the 30 s maximum");
        }
    }

    @Test
    void withoutTheArithmeticItSettlesTenSeconds() {
        assertThat(ADAPTIVE.choose(Double.NaN, 0).settle()).isEqualTo(Duration.ofSeconds(10));
        assertThat(SettlePolicy.adaptive(Duration.ofSeconds(3)).choose(Double.NaN, 0).settle()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anExplicitSettleOverridesEverything() {
        SettlePolicy.Choice c = SettlePolicy.fixed(Duration.ofSeconds(1)).choose(0.1, 0);
        assertThat(c.settle()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.why()).contains("--settle-seconds");
    }
}

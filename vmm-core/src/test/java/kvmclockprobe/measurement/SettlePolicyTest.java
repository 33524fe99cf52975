package kvmclockprobe.measurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The settle before a re-snapshot: until its jump reaches 25 ns, at most the maximum; none where no size is judged. */
class SettlePolicyTest {
    static final SettlePolicy ADAPTIVE = SettlePolicy.adaptive(Duration.ofSeconds(30));

    @Test
    void settlesUntilAReSnapshotWouldReachTheMarginWithItsFactor() {
        // 50 ns/s, 0.2 s already since the snapshot: 25 / 50 - 0.2 = 0.3 s
        SettlePolicy.Choice c = ADAPTIVE.forResnapshot(50, 200_000_000L);
        assertThat(c.settle()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.why()).contains("50.00 ns/s").contains("25 ns");
    }

    @Test
    void noSettleWhenEnoughTimeHasPassedAlready() {
        assertThat(ADAPTIVE.forResnapshot(-62, 1_000_000_000L).settle()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aTinyDriftStopsAtTheMaximumSayingSo() {
        SettlePolicy.Choice c = ADAPTIVE.forResnapshot(0.5, 0);
        assertThat(c.settle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.why()).contains("maximum");
    }

    @Test
    void zeroDriftNeedsNoSettleAndSaysWhy() {
        SettlePolicy.Choice c = ADAPTIVE.forResnapshot(0, 0);
        assertThat(c.settle()).isEqualTo(Duration.ZERO);
        assertThat(c.why()).contains("B-A is 0");
    }

    @Test
    void withoutARateKnownInAdvanceItSettlesTwoSecondsForTheControl() {
        assertThat(ADAPTIVE.forResnapshot(Double.NaN, 0).settle()).isEqualTo(SettlePolicy.WITHOUT_RATE);
        assertThat(SettlePolicy.adaptive(Duration.ofSeconds(1)).forResnapshot(Double.NaN, 0).settle()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void noJumpTriggersNeedNoneAndAFixedSettleOverridesEverything() {
        assertThat(ADAPTIVE.none("why").settle()).isEqualTo(Duration.ZERO);
        SettlePolicy fixed = SettlePolicy.fixed(Duration.ofSeconds(3));
        assertThat(fixed.none("why").settle()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fixed.forResnapshot(50, 0).settle()).isEqualTo(Duration.ofSeconds(3));
    }
}

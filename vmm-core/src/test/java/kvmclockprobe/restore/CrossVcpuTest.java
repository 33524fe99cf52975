package kvmclockprobe.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.VcpuStatus;

/** The vCPUs against one another: offset spread, the raw TSC's step back, the kvmclock's cross-vCPU readings. */
class CrossVcpuTest {
    static final PvclockParams P = new PvclockParams(2, 0, 0, 0x80000000, (byte) 1, (byte) 1);

    static VcpuStatus status(int vcpu, long crossViolations, long eventsLost) {
        return new VcpuStatus(vcpu, 2, 0, 100, 0, 1, 0, 0, 0, 10, 10, eventsLost, 5, 2, crossViolations, 0, 0, 0, P);
    }

    static GuestEvent event(int type, long jumpNs) {
        return new GuestEvent(type, 1, 7, 5_000, jumpNs, P, P, 10_000, 10_000 + jumpNs, 4_000);
    }

    @Test
    void theSpreadIsLargestMinusSmallestAndUnknownWhenAnyOffsetIs() {
        assertThat(CrossVcpu.spread(List.of(-1_000L, -1_250L, -900L))).isEqualTo(350L);
        assertThat(CrossVcpu.spread(List.of(-7L))).isZero();
        assertThat(CrossVcpu.spread(Arrays.asList(-1_000L, null))).isNull();
        assertThat(CrossVcpu.spread(List.of())).isNull();
    }

    @Test
    void theSpreadInNanosecondsIsAtTheVcpusTscRate() {
        assertThat(CrossVcpu.cyclesToNs(2_100_000, 2_100_000)).isEqualTo(1_000_000L);
        assertThat(CrossVcpu.cyclesToNs(3, 2_100_000)).isEqualTo(1L);
        assertThat(CrossVcpu.cyclesToNs(5, 0)).isNull();
    }

    @Test
    void theWorstKvmclockStepIsTheMostNegativeCrossVcpuEventAndOtherEventsDoNotCount() {
        List<GuestEvent> events = List.of(event(GuestAbi.EVENT_CROSS_VCPU, -40), event(GuestAbi.EVENT_CROSS_VCPU, -1_234),
                event(GuestAbi.EVENT_BACKWARD_STEP, -99_999), event(GuestAbi.EVENT_VERSION_CHANGE, -88_888));
        assertThat(CrossVcpu.worstStepNs(events)).isEqualTo(-1_234L);
        assertThat(CrossVcpu.worstStepNs(List.of(event(GuestAbi.EVENT_VERSION_CHANGE, -5)))).isZero();
    }

    @Test
    void violationsAndLostEventsCountFromThePauseOnPerVcpu() {
        CrossVcpu c = CrossVcpu.of(List.of(-1_000L, -3_100L), 2_100_000, List.of(status(0, 4, 0), status(1, 9, 1)),
                List.of(status(0, 6, 0), status(1, 9, 3)), List.of(event(GuestAbi.EVENT_CROSS_VCPU, -77)));
        assertThat(c.kvmclockViolations()).containsExactly(2L, 0L);
        assertThat(c.kvmclockViolationsTotal()).isEqualTo(2);
        assertThat(c.eventsLost()).isEqualTo(2);
        assertThat(c.tscOffsetSpreadCycles()).isEqualTo(2_100L);
        assertThat(c.tscBackwardNs()).isEqualTo(1_000L);
        assertThat(c.kvmclockWorstNs()).isEqualTo(-77L);
    }
}

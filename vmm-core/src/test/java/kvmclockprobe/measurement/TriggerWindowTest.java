package kvmclockprobe.measurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sampler.GuestEvent;

/** The derivation of a re-snapshot from the reference point, from events and pages as the guest and host recorded them. */
class TriggerWindowTest {
    static final int MUL = 0x7a3d70a4, STABLE = PvclockParams.PVCLOCK_TSC_STABLE_BIT, STOPPED = PvclockParams.PVCLOCK_GUEST_STOPPED;

    static PvclockParams page(int version, long tscTimestamp, long systemTimeNs, int flags) {
        return new PvclockParams(version, tscTimestamp, systemTimeNs, MUL, (byte) 0, (byte) flags);
    }

    static GuestEvent change(int vcpu, long tsc, PvclockParams from, PvclockParams to) {
        return new GuestEvent(GuestAbi.EVENT_VERSION_CHANGE, vcpu, 100, tsc, to.nsAt(tsc) - from.nsAt(tsc), from, to, 0, to.nsAt(tsc), tsc - 10);
    }

    @Test
    void aClockUpdateThatRewritesVersionAndFlagsFromTheSameReferenceIsNoReSnapshot() {
        PvclockParams before = page(4, 1_000_000, 500_000, STABLE);
        PvclockParams after = page(6, 1_000_000, 500_000, STABLE | STOPPED);
        TriggerWindow w = TriggerWindow.derive(List.of(change(0, 9_000_000, before, after)), new long[] {0}, List.of(before), List.of(after));
        assertThat(w.resnapshotSeen()).isFalse();
        assertThat(w.jumpsNs()).containsExactly(0L);
        assertThat(w.guestStoppedSeen()).containsExactly(1);
        assertThat(w.changes()).isEqualTo(1);
    }

    @Test
    void aNewSnapshotMovesTheReferenceEvenWhenTheClockDoesNotMove() {
        PvclockParams before = page(4, 1_000_000, 500_000, STABLE);
        // The new reference lies on the old line exactly: a jump of 0 ns, but a new snapshot.
        long tsc = 5_000_000;
        PvclockParams after = page(6, tsc, before.nsAt(tsc), STABLE);
        TriggerWindow w = TriggerWindow.derive(List.of(change(0, tsc + 1000, before, after)), new long[] {0}, List.of(before), List.of(after));
        assertThat(w.resnapshotSeen()).isTrue();
        assertThat(w.jumpsNs()).containsExactly(0L);
        assertThat(w.moves()).hasSize(2).allSatisfy(m -> assertThat(m).contains("vCPU 0"));
    }

    @Test
    void aTscOffsetStepAloneIsNoReSnapshotAndIsTakenOutOfTheJump() {
        long step = 123_456;
        PvclockParams before = page(4, 1_000_000, 500_000, STABLE);
        PvclockParams after = page(6, 1_000_000 + step, 500_000, STABLE);
        long tsc = 9_000_000 + step;
        TriggerWindow w = TriggerWindow.derive(List.of(change(0, tsc, before, after)), new long[] {step}, List.of(before), List.of(after));
        assertThat(w.resnapshotSeen()).isFalse();
        assertThat(w.jumpsNs()).containsExactly(0L);
    }

    @Test
    void theHostsPagesShowAMoveTheGuestDidNotSample() {
        PvclockParams before = page(4, 1_000_000, 500_000, STABLE);
        PvclockParams after = page(6, 2_000_000, 999_000, STABLE);
        TriggerWindow w = TriggerWindow.derive(List.of(), new long[] {0, 0}, List.of(before, before), List.of(before, after));
        assertThat(w.resnapshotSeen()).isTrue();
        assertThat(w.moves()).singleElement().asString().contains("vCPU 1's pvclock page");
        assertThat(w.jumpsNs()).containsExactly(0L, 0L);
    }

    @Test
    void thePvclockLosingTscStableIsReported() {
        PvclockParams before = page(4, 1_000_000, 500_000, STABLE);
        PvclockParams after = page(6, 3_000_000, 900_000, 0);
        assertThat(TriggerWindow.derive(List.of(change(0, 3_100_000, before, after)), new long[] {0}, null, null).stableLost()).isTrue();
    }
}

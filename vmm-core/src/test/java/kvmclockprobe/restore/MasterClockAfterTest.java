package kvmclockprobe.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sampler.GuestEvent;

/** The master clock after the resume, read from vCPU 0's pvclock updates (no KVM needed). */
class MasterClockAfterTest {
    static GuestEvent update(long ns, boolean stable) {
        PvclockParams p = new PvclockParams(2, 1_000, ns, 0x80000000, (byte) 1, (byte) (stable ? PvclockParams.PVCLOCK_TSC_STABLE_BIT : 0));
        return new GuestEvent(GuestAbi.EVENT_VERSION_CHANGE, 0, 1, 1_000, 0, p, p, ns, ns, 900);
    }

    @Test
    void stableAtEveryUpdateIsOn() {
        MasterClockAfter mc = MasterClockAfter.of(List.of(update(100, true), update(500, true)));
        assertThat(mc.state()).isEqualTo(MasterClockAfter.State.ON);
        assertThat(mc.endedOn()).isTrue();
        assertThat(mc.describe()).isEqualTo("on");
        assertThat(mc.updates()).isEqualTo(2);
    }

    @Test
    void clearAtTheLastUpdateIsOffWhateverCameBefore() {
        assertThat(MasterClockAfter.of(List.of(update(100, false), update(500, false))).state()).isEqualTo(MasterClockAfter.State.OFF);
        MasterClockAfter lost = MasterClockAfter.of(List.of(update(100, true), update(500, false)));
        assertThat(lost.state()).isEqualTo(MasterClockAfter.State.OFF);
        assertThat(lost.endedOn()).isFalse();
    }

    @Test
    void clearThenSetIsBackOnAfterTheGuestTimeBetweenTheFirstUpdateAndTheOneThatSetIt() {
        MasterClockAfter mc = MasterClockAfter.of(List.of(update(1_000_000, false), update(3_000_000, false), update(15_345_678, true),
                update(20_000_000, true)));
        assertThat(mc.state()).isEqualTo(MasterClockAfter.State.BACK_ON);
        assertThat(mc.backOnAfterNs()).isEqualTo(14_345_678L);
        assertThat(mc.describe()).isEqualTo("back on after 14.346 ms");
        // Off again in between: on from the update after the last clear one.
        MasterClockAfter twice = MasterClockAfter.of(List.of(update(0, false), update(10, true), update(20, false), update(70, true)));
        assertThat(twice.backOnAfterNs()).isEqualTo(70L);
    }

    @Test
    void noUpdateTellsNothing() {
        MasterClockAfter mc = MasterClockAfter.of(List.of());
        assertThat(mc.state()).isEqualTo(MasterClockAfter.State.UNKNOWN);
        assertThat(mc.endedOn()).isFalse();
    }
}

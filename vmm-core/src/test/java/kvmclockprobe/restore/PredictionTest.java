package kvmclockprobe.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.restore.RestoreContext.SetClockStep;
import kvmclockprobe.sys.HostInstant;

/** Where a sequence puts the clock at the entry, from what the VMM saved and set (no KVM needed). */
class PredictionTest {
    /** 1 ns per 2 cycles: mul 2^31, shift 0 (a 2 GHz TSC). */
    static final PvclockParams SAVED = new PvclockParams(6, 10_000_000_000L, 5_000_000_000L, 0x80000000, (byte) 0, (byte) 1);
    static final HostInstant ENTRY = new HostInstant(900_000_000L, 40_000_000_000L, 60);
    /** The resuming VM's own clock: the series' prediction must not use it. */
    static final ClockData RESUMING = new ClockData(123_456_789L, kvm_h.KVM_CLOCK_TSC_STABLE, 0, 0);

    @Test
    void setClockGuestIsPredictedFromTheSavedPvclockAtTheGuestTscOfTheEntryNotFromTheResumingVmsClock() {
        // The TSC written back is the saved one; the guest TSC at the entry is 2,000,000 cycles past the saved timestamp.
        TscOffset offset = new TscOffset(10_002_000_000L - 40_000_000_000L, 0, "KVM_VCPU_TSC_OFFSET");
        Prediction p = Prediction.atEntry(SAVED, List.of(), RESUMING, 899_000_000L, ENTRY, offset);
        assertThat(p.clockAtEntryNs()).isEqualTo(5_000_000_000L + 1_000_000L);
        assertThat(p.from()).contains("saved pvclock");
        Prediction other = Prediction.atEntry(SAVED, List.of(), new ClockData(9L, 0, 0, 0), 1L, ENTRY, offset);
        assertThat(other.clockAtEntryNs()).as("independent of the resuming VM's KVM_GET_CLOCK").isEqualTo(p.clockAtEntryNs());
    }

    @Test
    void setClockGuestBeforeTheSavedTimestampRunsTheLineBackwards() {
        TscOffset offset = new TscOffset(9_999_000_000L - 40_000_000_000L, 0, "KVM_VCPU_TSC_OFFSET");
        assertThat(Prediction.fromSavedGuestClock(SAVED, ENTRY, offset).clockAtEntryNs()).isEqualTo(5_000_000_000L - 500_000L);
    }

    @Test
    void withoutTheGuestTscAtTheEntryTheSavedClockCannotBePlaced() {
        assertThat(Prediction.fromSavedGuestClock(SAVED, ENTRY, null).clockAtEntryNs()).isNull();
        assertThat(Prediction.fromSavedGuestClock(SAVED, new HostInstant(900_000_000L, 0, 0), null).clockAtEntryNs()).isNull();
    }

    @Test
    void theLastSetBeforeTheResumeIsCarriedToTheEntryInRawTimeAndSetsWhileTheGuestRanDoNotCount() {
        SetClockStep early = new SetClockStep(1_000, 0, 0, 100_000_000L, 100_000_100L, 0, 99_999_990L, 10, false, null);
        SetClockStep last = new SetClockStep(7_000_000L, 0, 0, 800_000_000L, 800_000_400L, 0, 799_999_990L, 10, false, null);
        SetClockStep running = new SetClockStep(1L, 0, 0, 850_000_000L, 850_000_010L, 0, 849_999_990L, 10, true, RESUMING);
        Prediction p = Prediction.atEntry(null, List.of(early, last, running), RESUMING, 0, ENTRY, null);
        assertThat(p.clockAtEntryNs()).isEqualTo(7_000_000L + (900_000_000L - 800_000_200L));
        assertThat(p.bracketNs()).isEqualTo(200L);
        assertThat(p.resumeLatencyNs()).isEqualTo(900_000_000L - 800_000_400L);
    }

    @Test
    void realtimeAddsTheRealTimeElapsedSinceTheSavedRealtimeAndNeverGoesBack() {
        // CLOCK_REALTIME read at raw 799.9 ms (give or take 30 ns), then a 4 ms stall before the ioctl
        // (raw 804.0 to 804.4 ms): KVM adds the realtime elapsed at its own instant inside the ioctl,
        // so the stall and the ioctl's length do not move the prediction.
        SetClockStep s = new SetClockStep(7_000_000L, kvm_h.KVM_CLOCK_REALTIME, 1_000_000_000L, 804_000_000L, 804_400_000L,
                1_200_000_000L, 799_900_000L, 30, false, null);
        assertThat(Prediction.effectiveClock(s)).isEqualTo(207_000_000L);
        Prediction p = Prediction.fromSet(s, ENTRY);
        assertThat(p.clockAtEntryNs()).isEqualTo(207_000_000L + (900_000_000L - 799_900_000L));
        assertThat(p.bracketNs()).isEqualTo(30L);
        SetClockStep backwards = new SetClockStep(7_000_000L, kvm_h.KVM_CLOCK_REALTIME, 2_000_000_000L, 800_000_000L, 800_000_400L,
                1_000_000_000L, 799_999_990L, 10, false, null);
        assertThat(Prediction.effectiveClock(backwards)).isEqualTo(7_000_000L);
        assertThat(Prediction.fromSet(backwards, ENTRY).clockAtEntryNs()).as("no realtime added: the value from the ioctl's midpoint")
                .isEqualTo(7_000_000L + (900_000_000L - 800_000_200L));
    }

    @Test
    void nothingSetIsTheResumingVmsOwnClockCarriedToTheEntry() {
        Prediction p = Prediction.atEntry(null, List.of(), RESUMING, 899_000_000L, ENTRY, null);
        assertThat(p.clockAtEntryNs()).isEqualTo(123_456_789L + 1_000_000L);
        assertThat(p.resumeLatencyNs()).isNull();
    }
}

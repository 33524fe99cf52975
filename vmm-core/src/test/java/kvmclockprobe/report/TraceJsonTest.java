package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.KernelClockArithmetic;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.measurement.Derivation;
import kvmclockprobe.measurement.Measurement;
import kvmclockprobe.measurement.Trace;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.testing.SyntheticMeasurement;

/** A trace survives JSON and derives to the same measurement: what lets lab traces be test fixtures. */
class TraceJsonTest {
    static Trace synthetic() {
        KernelClockArithmetic.PvclockScale s = KernelClockArithmetic.kvmGetTimeScale(1_000_000_000L, 2_096_027_000L);
        PvclockParams before = new PvclockParams(4, 1_000_000, 500_000, (int) s.mul(), (byte) s.shift(), (byte) 1);
        long tsc = 5_000_000_000L;
        PvclockParams after = new PvclockParams(6, tsc, before.nsAt(tsc) + 7, (int) s.mul(), (byte) s.shift(), (byte) 1);
        GuestEvent e = new GuestEvent(GuestAbi.EVENT_VERSION_CHANGE, 0, 7, tsc + 100, 7, before, after, 0, after.nsAt(tsc + 100), tsc);
        TriggerEffect effect = new TriggerEffect(10, 20, null, SyntheticMeasurement.wallclock(12L, true), List.of("remapped"));
        Trace.Window w = new Trace.Window(new Trace.HostView(List.of(0L), List.of(before), 5, 2_000_000_000L, true),
                new Trace.HostView(List.of(0L), List.of(after), 30, 100, true), List.of(e), effect);
        return new Trace(1, 2_096_027, true, "tsc", KernelClockArithmetic.tscClocksource(2_096_027), null, before, 0, "none",
                w, null, false, new Trace.GuestCounters(0, 0, 0), "pairs", null, List.of());
    }

    @Test
    void aTraceRoundTripsAndDerivesTheSameMeasurement() throws Exception {
        Trace t = synthetic();
        Trace back = TraceJson.fromJson(TraceJson.toJson(t));
        assertThat(back).isEqualTo(t);
        Measurement m = Derivation.measurement(back);
        assertThat(m.resnapshotSeen()).isTrue();
        GuestEvent e = t.action().events().getFirst();
        assertThat(m.observedJumpNs()).isEqualTo(e.newParams().nsAt(e.tsc()) - e.oldParams().nsAt(e.tsc())).isBetween(6L, 7L);
        assertThat(m.drift().source().label()).isEqualTo("arithmetic");
        assertThat(m.effect().wallclock().stepNs()).isEqualTo(12L);
        assertThat(m.effect().wallclock().inRange()).isTrue();
    }

    @Test
    void aTraceWithKeysThisVersionDoesNotKnowIsRefusedNamingTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String json = TraceJson.toJson(synthetic()).replaceFirst("\\{", "{\"observations\": [],");
        java.nio.file.Path f = dir.resolve("old.trace.json");
        java.nio.file.Files.writeString(f, json);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceJson.read(f)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("old.trace.json").hasMessageContaining("observations");
    }
}

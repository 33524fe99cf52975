package kvmclockprobe.check.triggers;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;

/**
 * {@code KVM_GET_CLOCK}, a real gap ({@link #GAP}, 100 ms), then {@code KVM_SET_CLOCK} with
 * {@code KVM_CLOCK_REALTIME} and the {@code realtime} read: KVM adds the realtime elapsed since
 * the GET, so the guest clock continues across the gap. A kernel that ignored the flag would set
 * the guest back by about the gap, which the verdict catches.
 */
public final class SetClockRealtime extends BaseTrigger {
    /**
     * Between GET and SET: long enough that ignoring the realtime is unmistakable, even where the
     * SET call itself takes milliseconds (an emulated host, or one that is busy, slows the ioctl).
     */
    static final Duration GAP = Duration.ofMillis(100);

    public SetClockRealtime() {
        super("set-clock-realtime", Expectation.SET_CLOCK_REALTIME, "");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return (host.cap(Capability.ADJUST_CLOCK) & kvm_h.KVM_CLOCK_REALTIME) == 0
                ? Optional.of("KVM_CAP_ADJUST_CLOCK lacks KVM_CLOCK_REALTIME") : Optional.empty();
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        ClockData clock = ctx.vm().getClock();
        if (!clock.hasRealtime()) { // the judge decides whether KVM owed it (master-clock mode) or not
            return new TriggerEffect(before, Libc.monotonicRawNs(), new TriggerEffect.SetClock(clock.clockNs(), true, 0, 0, 0, 0, true),
                    null, List.of("KVM_GET_CLOCK gave flags 0x" + Integer.toHexString(clock.flags())
                            + " without KVM_CLOCK_REALTIME; no KVM_SET_CLOCK was made"));
        }
        try {
            Thread.sleep(GAP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between KVM_GET_CLOCK and KVM_SET_CLOCK", e);
        }
        long setBefore = Libc.monotonicRawNs();
        long realtimeBefore = Libc.realtimeNs();
        ctx.vm().setClock(clock.clockNs(), kvm_h.KVM_CLOCK_REALTIME, clock.realtimeNs());
        long realtimeAfter = Libc.realtimeNs();
        long after = Libc.monotonicRawNs();
        return new TriggerEffect(before, after, new TriggerEffect.SetClock(clock.clockNs(), true, clock.realtimeNs(),
                realtimeBefore, realtimeAfter, after - setBefore), null, List.of(
                "KVM_SET_CLOCK(clock, KVM_CLOCK_REALTIME, realtime from the GET) " + (realtimeBefore - clock.realtimeNs())
                        + " ns of realtime after the GET; the SET call took " + (after - setBefore) + " ns"));
    }
}

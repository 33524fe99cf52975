package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.check.TriggerEffect;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.sys.Libc;

/**
 * {@code KVM_GET_CLOCK} then {@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME} and the
 * {@code realtime} read: KVM adds the realtime elapsed since the GET, so what remains is the
 * timing inside the SET call itself.
 */
public final class SetClockRealtime extends BaseTrigger {
    public SetClockRealtime() {
        super("set-clock-realtime", Expectation.SET_CLOCK_REALTIME, "");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return (host.cap("adjust_clock") & kvm_h.KVM_CLOCK_REALTIME) == 0
                ? Optional.of("KVM_CAP_ADJUST_CLOCK lacks KVM_CLOCK_REALTIME") : Optional.empty();
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        ClockData clock = ctx.vm().getClock();
        if (!clock.hasRealtime()) {
            throw new IllegalStateException("KVM_GET_CLOCK returned no realtime although KVM_CAP_ADJUST_CLOCK has KVM_CLOCK_REALTIME");
        }
        long setBefore = Libc.monotonicRawNs();
        ctx.vm().setClock(clock.clockNs(), kvm_h.KVM_CLOCK_REALTIME, clock.realtimeNs());
        long after = Libc.monotonicRawNs();
        return new TriggerEffect(before, after, clock.clockNs(), after - setBefore, java.util.List.of(
                "KVM_SET_CLOCK(clock, KVM_CLOCK_REALTIME, realtime from the GET); the SET call took "
                        + (after - setBefore) + " ns"));
    }
}

package kvmclockprobe.check.triggers;

import java.util.List;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;

/**
 * {@code KVM_GET_CLOCK} then {@code KVM_SET_CLOCK} with that {@code clock} and flags 0, what QEMU
 * does on every stop/cont: the guest clock is set back to the value read, so the guest loses the
 * interval between the two calls' clock snapshots.
 */
public final class SetClock extends BaseTrigger {
    public SetClock() {
        super("set-clock", Expectation.SET_CLOCK, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        ClockData clock = ctx.vm().getClock();
        long setBefore = Libc.monotonicRawNs();
        ctx.vm().setClock(clock.clockNs(), 0, 0);
        long after = Libc.monotonicRawNs();
        return new TriggerEffect(before, after, new TriggerEffect.SetClock(clock.clockNs(), false, 0, 0, 0, after - setBefore),
                null, List.of("KVM_GET_CLOCK gave " + clock.clockNs() + " ns; KVM_SET_CLOCK(that, flags 0); the pair took "
                        + (after - before) + " ns of host raw time"));
    }
}

package kvmclockprobe.check.triggers;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.Trigger;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.measurement.TriggerEffect;

/**
 * {@code kvmclock-rate}: a control re-snapshot a known time after the last snapshot, whose jump
 * gives the rate the pvclock runs at against the raw clock ({@link kvmclockprobe.check.RateJudge}).
 */
public final class KvmclockRate extends BaseTrigger {
    public KvmclockRate() {
        super("kvmclock-rate", Expectation.KVMCLOCK_RATE, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        return control(ctx.host()).apply(ctx);
    }

    /**
     * The control re-snapshot this host can make: {@code KVM_VCPU_TSC_OFFSET} written with its
     * current value on every vCPU where the attribute exists, else each vCPU's
     * {@code MSR_IA32_TSC} written with the value it reads.
     */
    public static Trigger control(HostFacts host) {
        return host.vcpuTscOffsetAttr() ? new TscOffsetAttr() : new TscWrite();
    }
}

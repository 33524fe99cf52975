package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;

/** The host writes vCPU 0's {@code MSR_IA32_TSC} with its current value ({@code KVM_SET_MSRS}): a TSC sync, so a re-snapshot. */
public final class TscWrite extends BaseTrigger {
    public TscWrite() {
        super("tsc-write", Expectation.RESNAPSHOT, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        long tsc = ctx.onVcpu(0, v -> {
            long value = v.getMsr(x86_h.MSR_IA32_TSC);
            v.setMsr(x86_h.MSR_IA32_TSC, value);
            return value;
        });
        return TriggerEffect.of(before, Libc.monotonicRawNs(),
                "KVM_SET_MSRS(MSR_IA32_TSC) on vCPU 0 with the value KVM_GET_MSRS read: " + Long.toUnsignedString(tsc));
    }
}

package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.sys.Libc;

/**
 * The host writes each vCPU's {@code MSR_IA32_TSC} with its current value ({@code KVM_SET_MSRS}),
 * as a VMM restoring vCPU state does: a TSC sync, so a re-snapshot. (Writing vCPU 0 alone leaves
 * the vCPUs' TSCs unmatched, and KVM turns the master clock off.)
 */
public final class TscWrite extends BaseTrigger {
    public TscWrite() {
        super("tsc-write", Expectation.RESNAPSHOT, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        long tsc = 0;
        for (int i = 0; i < ctx.vcpus(); i++) {
            long value = ctx.onVcpu(i, v -> {
                long current = v.getMsr(x86_h.MSR_IA32_TSC);
                v.setMsr(x86_h.MSR_IA32_TSC, current);
                return current;
            });
            if (i == 0) tsc = value;
        }
        return TriggerEffect.of(before, Libc.monotonicRawNs(), "KVM_SET_MSRS(MSR_IA32_TSC) on each of " + ctx.vcpus()
                + " vCPU(s) with the value KVM_GET_MSRS read (vCPU 0: " + Long.toUnsignedString(tsc) + ")");
    }
}

package kvmclockprobe.check.triggers;

import java.time.Duration;
import java.util.Optional;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sys.Libc;

/**
 * {@code KVM_SET_DEVICE_ATTR(KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET)} on vCPU 0 with its current
 * offset: a TSC sync, so a re-snapshot. Where a same-value write does not start a new TSC
 * generation (no clock change follows), it writes the offset + 1 cycle, and says so.
 */
public final class TscOffsetAttr extends BaseTrigger {
    /** How long to wait for the guest to see a clock change after the same-value write. */
    static final Duration SAME_VALUE_WAIT = Duration.ofMillis(300);

    public TscOffsetAttr() {
        super("tsc-offset-attr", Expectation.RESNAPSHOT, "");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return host.vcpuTscOffsetAttr() ? Optional.empty()
                : Optional.of("KVM_HAS_DEVICE_ATTR(KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET) is not supported");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        int eventsBefore = ctx.session().events().size();
        long before = Libc.monotonicRawNs();
        // Every vCPU, each with its own offset, as a VMM restoring vCPU state does: writing one
        // alone leaves the vCPUs' TSCs unmatched and KVM turns the master clock off.
        long[] offsets = new long[ctx.vcpus()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = ctx.onVcpu(i, v -> {
                long current = GuestTscProbe.readOffset(v);
                v.setDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, current, "KVM_VCPU_TSC_OFFSET");
                return current;
            });
        }
        long offset = offsets[0];
        long after = Libc.monotonicRawNs();
        ctx.session().sampleFor(SAME_VALUE_WAIT);
        boolean resnapshotted = ctx.session().events().subList(eventsBefore, ctx.session().events().size()).stream()
                .anyMatch(GuestEvent::isVersionChange);
        if (resnapshotted) {
            return TriggerEffect.of(before, after, "KVM_VCPU_TSC_OFFSET written with its current value on each of "
                    + offsets.length + " vCPU(s) (vCPU 0: " + offset + "; a same-value write starts a new TSC generation here)");
        }
        long plusOneBefore = Libc.monotonicRawNs();
        for (int i = 0; i < offsets.length; i++) {
            long plusOne = offsets[i] + 1;
            ctx.onVcpu(i, v -> {
                v.setDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, plusOne, "KVM_VCPU_TSC_OFFSET");
                return null;
            });
        }
        return TriggerEffect.of(plusOneBefore, Libc.monotonicRawNs(), "a same-value KVM_VCPU_TSC_OFFSET write (" + offset
                + ") changed nothing the guest could see within " + SAME_VALUE_WAIT.toMillis()
                + " ms; wrote offset + 1 cycle instead");
    }
}

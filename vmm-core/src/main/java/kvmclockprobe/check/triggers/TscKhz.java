package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.sys.Libc;

/** {@code KVM_SET_TSC_KHZ} to each vCPU's current frequency: a clock update, not a re-snapshot. */
public final class TscKhz extends BaseTrigger {
    public TscKhz() {
        super("tsc-khz", Expectation.NO_JUMP, "KVM_SET_TSC_KHZ to the current rate should not re-snapshot the master clock");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return host.cap(Capability.TSC_CONTROL) == 0
                ? Optional.of("KVM_CAP_TSC_CONTROL is 0: this host cannot scale the guest TSC")
                : Optional.empty();
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        ctx.onEachVcpu(v -> v.setTscKhz(v.getTscKhz()));
        return TriggerEffect.of(before, Libc.monotonicRawNs(), "KVM_SET_TSC_KHZ(current kHz) on each vCPU");
    }
}

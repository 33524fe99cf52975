package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.sys.Libc;

/** {@code KVM_KVMCLOCK_CTRL} on each vCPU (what a VMM does after a pause): every vCPU's guest must see PVCLOCK_GUEST_STOPPED, with no re-snapshot and no jump. */
public final class KvmclockCtrl extends BaseTrigger {
    public KvmclockCtrl() {
        super("kvmclock-ctrl", Expectation.GUEST_STOPPED, "KVM_KVMCLOCK_CTRL should raise only KVM_REQ_CLOCK_UPDATE");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return host.cap(Capability.KVMCLOCK_CTRL) == 0 ? Optional.of("KVM_CAP_KVMCLOCK_CTRL is 0") : Optional.empty();
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        ctx.onEachVcpu(Vcpu::kvmclockCtrl);
        return TriggerEffect.of(before, Libc.monotonicRawNs(), "KVM_KVMCLOCK_CTRL on each vCPU");
    }
}

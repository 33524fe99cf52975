package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.verdict.UpstreamChange;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sys.Libc;

/** {@code KVM_CREATE_VCPU} of one more vCPU while the others sample. */
public final class VcpuHotplug extends BaseTrigger {
    public VcpuHotplug() {
        super("vcpu-hotplug", Expectation.NO_JUMP, "this kernel lacks c52ffadc65e2 (Linux 6.8: no master-clock update when a vCPU is created)");
    }

    @Override
    public Optional<UpstreamChange> changedIn() {
        return Optional.of(new UpstreamChange("c52ffadc65e2", "6.8"));
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        if (ctx.vcpus() >= GuestAbi.MAX_VCPUS) {
            throw new IllegalStateException("vcpu-hotplug needs fewer than " + GuestAbi.MAX_VCPUS + " vCPUs to start with");
        }
        long before = Libc.monotonicRawNs();
        int id = ctx.session().addVcpu().id();
        return TriggerEffect.of(before, Libc.monotonicRawNs(), "KVM_CREATE_VCPU(" + id + ") while the others sampled; it joined and sampled too");
    }
}

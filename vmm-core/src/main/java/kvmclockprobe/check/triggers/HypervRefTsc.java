package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.sys.Libc;

/** The host enables the Hyper-V reference TSC page ({@code HV_X64_MSR_REFERENCE_TSC}) on vCPU 0: a re-snapshot. */
public final class HypervRefTsc extends BaseTrigger {
    /** A guest OS id for {@code HV_X64_MSR_GUEST_OS_ID} (Linux's vendor id, as Linux guests write). */
    static final long GUEST_OS_ID = 0x8100_0000_0000_0000L;

    public HypervRefTsc() {
        super("hyperv-ref-tsc", Expectation.RESNAPSHOT, "");
    }

    @Override
    public Optional<String> missingCapability(HostFacts host) {
        return host.cap(Capability.HYPERV_TIME) == 0 ? Optional.of("KVM_CAP_HYPERV_TIME is 0") : Optional.empty();
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        long value = GuestAbi.HYPERV_REF_TSC_GPA | x86_h.HV_MSR_REFERENCE_TSC_ENABLE;
        ctx.onVcpu(0, v -> {
            v.setMsr(x86_h.HV_X64_MSR_GUEST_OS_ID, GUEST_OS_ID);
            v.setMsr(x86_h.HV_X64_MSR_REFERENCE_TSC, value);
            return null;
        });
        return TriggerEffect.of(before, Libc.monotonicRawNs(),
                String.format("KVM_SET_MSRS(HV_X64_MSR_REFERENCE_TSC = 0x%x) on vCPU 0", value));
    }
}

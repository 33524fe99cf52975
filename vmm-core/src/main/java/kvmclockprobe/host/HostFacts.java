package kvmclockprobe.host;

import java.util.List;
import java.util.Map;

import kvmclockprobe.kvm.Capability;

/**
 * What a kernel developer needs to know about a host before trusting any clock result,
 * measured on this run.
 *
 * @param kernelRelease      {@code uname -r}
 * @param kvmApiVersion      {@code KVM_GET_API_VERSION}
 * @param clocksource        the host's current clocksource (master-clock mode needs {@code tsc})
 * @param tscKhz             {@code KVM_GET_TSC_KHZ} of a fresh vCPU
 * @param caps               {@link Capability#key()} → {@code KVM_CHECK_EXTENSION} value
 * @param xenHvmFlags        {@code KVM_CAP_XEN_HVM}'s bits decoded by name
 * @param adjustClockFlags   {@code KVM_CAP_ADJUST_CLOCK}'s bits decoded by name
 * @param masterClockBeforeRun {@code KVM_CLOCK_TSC_STABLE} in {@code KVM_GET_CLOCK} before any vCPU ran
 * @param masterClock        {@code KVM_CLOCK_TSC_STABLE} after a vCPU of a fresh VM ran to HLT
 * @param vcpuTscOffsetAttr  whether {@code KVM_VCPU_TSC_CTRL}/{@code KVM_VCPU_TSC_OFFSET} exists
 * @param tscOffsetWritable  whether a written TSC offset reads back (null when the attribute is absent);
 *                           false on nested backends that pin the offset
 * @param clock              the host's raw clock as the kernel runs it (vDSO {@code mult}, {@code constant_tsc}, …)
 */
public record HostFacts(
        String kernelRelease,
        int kvmApiVersion,
        String clocksource,
        long tscKhz,
        Map<String, Integer> caps,
        List<String> xenHvmFlags,
        List<String> adjustClockFlags,
        boolean masterClockBeforeRun,
        boolean masterClock,
        boolean vcpuTscOffsetAttr,
        Boolean tscOffsetWritable,
        HostClock clock) {

    public int cap(Capability c) {
        Integer v = caps.get(c.key());
        if (v == null) throw new IllegalArgumentException("capability not probed: " + c.kernelName());
        return v;
    }

    /**
     * The raw clock's {@code mult}/{@code shift} the tsc clocksource gets for {@link #tscKhz}
     * ({@code clocks_calc_mult_shift}), to set beside the vDSO's; null where the clocksource is
     * not tsc or the rate is unknown.
     */
    public kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale computedRawClock() {
        return "tsc".equals(clocksource) && tscKhz > 0 ? kvmclockprobe.clock.KernelClockArithmetic.tscClocksource(tscKhz) : null;
    }
}

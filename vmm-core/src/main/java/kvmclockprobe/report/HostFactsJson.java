package kvmclockprobe.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.clock.KernelClockArithmetic;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.host.HostFacts;

/** {@link HostFacts} as the JSON object {@code caps --json} prints and {@code check --json} embeds as {@code host}. */
public final class HostFactsJson {
    private HostFactsJson() {}

    public static ObjectNode toJson(HostFacts h) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("kernel_release", h.kernelRelease());
        o.put("kvm_api_version", h.kvmApiVersion());
        o.put("clocksource", h.clocksource());
        o.put("tsc_khz", h.tscKhz());
        // What the tsc clocksource's raw clock converts with, by the kernel's arithmetic for tsc_khz
        // (null where the clocksource is not tsc, or the rate is unknown).
        KernelClockArithmetic.ClocksourceScale raw = h.computedRawClock();
        if (raw != null) {
            o.put("raw_clock_mult", raw.mult());
            o.put("raw_clock_shift", raw.shift());
        } else {
            o.putNull("raw_clock_mult");
            o.putNull("raw_clock_shift");
        }
        // The raw clock's pair as the kernel publishes it in the vDSO (null, with the reason, where unread).
        HostClock c = h.clock() != null ? h.clock() : HostClock.unknown(h.clocksource());
        if (c.vdsoRaw() != null) {
            o.put("raw_clock_mult_vdso", c.vdsoRaw().mult());
            o.put("raw_clock_shift_vdso", c.vdsoRaw().shift());
            o.putNull("raw_clock_vdso_unavailable");
        } else {
            o.putNull("raw_clock_mult_vdso");
            o.putNull("raw_clock_shift_vdso");
            o.put("raw_clock_vdso_unavailable", c.vdsoUnavailable());
        }
        o.put("constant_tsc", c.constantTsc());
        o.put("cpufreq_policy", c.cpufreqPolicy());
        c.tscCalibration().forEach(o.putArray("tsc_calibration")::add);
        o.put("kernel_log_readable", c.kernelLogReadable());
        ObjectNode caps = o.putObject("caps");
        h.caps().forEach((name, value) -> {
            caps.put(name, value);
            if (name.equals("xen_hvm")) h.xenHvmFlags().forEach(caps.putArray("xen_hvm_flags")::add);
            if (name.equals("adjust_clock")) h.adjustClockFlags().forEach(caps.putArray("adjust_clock_flags")::add);
        });
        o.put("master_clock", h.masterClock());
        o.put("master_clock_before_run", h.masterClockBeforeRun());
        o.put("vcpu_tsc_offset_attr", h.vcpuTscOffsetAttr());
        if (h.tscOffsetWritable() == null) o.putNull("tsc_offset_writable");
        else o.put("tsc_offset_writable", h.tscOffsetWritable());
        return o;
    }
}

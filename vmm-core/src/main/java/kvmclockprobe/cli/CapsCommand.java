package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.report.HostFactsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code caps}: the host facts to know before trusting any clock result. */
@Command(name = "caps", mixinStandardHelpOptions = true,
        description = "Print the host facts that matter for KVM clock results (measured on this run).")
final class CapsCommand implements Callable<Integer> {
    @Mixin
    KvmDeviceOption device;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HostFacts facts;
        try (Kvm kvm = device.open()) {
            facts = HostProbe.collect(kvm);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(HostFactsJson.toJson(facts)));
        } else {
            printTable(out, facts);
        }
        out.flush();
        return ExitRule.OK;
    }

    static void printTable(PrintWriter out, HostFacts h) {
        String fmt = "%-26s %s%n";
        out.printf(fmt, "kernel_release", h.kernelRelease());
        out.printf(fmt, "kvm_api_version", h.kvmApiVersion());
        out.printf(fmt, "clocksource", h.clocksource());
        out.printf(fmt, "tsc_khz", h.tscKhz());
        out.printf(fmt, "master_clock", h.masterClock() + "   (KVM_CLOCK_TSC_STABLE after a vCPU ran; before: "
                + h.masterClockBeforeRun() + ")");
        out.printf(fmt, "vcpu_tsc_offset_attr", h.vcpuTscOffsetAttr());
        out.printf(fmt, "tsc_offset_writable", h.tscOffsetWritable() == null ? "n/a" : h.tscOffsetWritable());
        h.caps().forEach((name, value) -> {
            String extra = switch (name) {
                case "xen_hvm" -> value == 0 ? "   (no Xen emulation: CONFIG_KVM_XEN off)" : "   " + h.xenHvmFlags();
                case "adjust_clock" -> "   " + h.adjustClockFlags();
                default -> "";
            };
            out.printf(fmt, "cap." + name, "0x" + Integer.toHexString(value) + extra);
        });
    }
}

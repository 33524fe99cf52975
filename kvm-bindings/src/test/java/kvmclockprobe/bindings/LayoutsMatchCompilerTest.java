package kvmclockprobe.bindings;

import kvmclockprobe.testing.tools.RequiredTools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kvmclockprobe.bindings.gen.Toolchain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the generated classes with a hand-written C program (test resource
 * {@code layout-check.c}), so a bug in the generator's spec handling or Java emitter
 * cannot hide behind the generated-code diff test.
 */
class LayoutsMatchCompilerTest {

    @TempDir
    static Path tmp;

    /** layout-check.c's output; compiled and run once, by the first test (never in @BeforeAll). */
    static Map<String, Long> c;

    /**
     * Skips this test, naming what is missing, when the compiler or the headers are not here;
     * else compiles and runs layout-check.c on the first call.
     */
    static synchronized void runCheckProgram() throws Exception {
        String missing = Toolchain.missing();
        RequiredTools.assumeTool(missing.isEmpty(), "cannot compile layout-check.c, missing: " + missing);
        if (c != null) return;
        Path src = tmp.resolve("layout-check.c");
        try (InputStream in = LayoutsMatchCompilerTest.class.getResourceAsStream("layout-check.c")) {
            assertThat(in).as("test resource layout-check.c").isNotNull();
            Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
        }
        Path exe = tmp.resolve("layout-check");
        exec(tmp, compiler(), "-std=gnu11",
                "-I", Toolchain.moduleDir().resolve("src/gen/c").toString(), "-o", exe.toString(), src.toString());
        Map<String, Long> values = new HashMap<>();
        for (String line : exec(tmp, exe.toString()).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), Long.parseUnsignedLong(line.substring(eq + 1)));
            }
        }
        c = values;
    }

    private static String compiler() {
        String cc = System.getenv("CC");
        return cc == null || cc.isBlank() ? "cc" : cc.strip();
    }

    private static String exec(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s\n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    private static long c(String key) {
        assertThat(c).as("layout-check.c output").containsKey(key);
        return c.get(key);
    }

    record Struct(String tag, GroupLayout layout, long sizeof) {}

    static final List<Struct> STRUCTS = List.of(
            new Struct("kvm_run", kvm_run.layout(), kvm_run.sizeof()),
            new Struct("kvm_regs", kvm_regs.layout(), kvm_regs.sizeof()),
            new Struct("kvm_sregs", kvm_sregs.layout(), kvm_sregs.sizeof()),
            new Struct("kvm_segment", kvm_segment.layout(), kvm_segment.sizeof()),
            new Struct("kvm_dtable", kvm_dtable.layout(), kvm_dtable.sizeof()),
            new Struct("kvm_msrs", kvm_msrs.layout(), kvm_msrs.sizeof()),
            new Struct("kvm_msr_entry", kvm_msr_entry.layout(), kvm_msr_entry.sizeof()),
            new Struct("kvm_msr_list", kvm_msr_list.layout(), kvm_msr_list.sizeof()),
            new Struct("kvm_cpuid2", kvm_cpuid2.layout(), kvm_cpuid2.sizeof()),
            new Struct("kvm_cpuid_entry2", kvm_cpuid_entry2.layout(), kvm_cpuid_entry2.sizeof()),
            new Struct("kvm_userspace_memory_region", kvm_userspace_memory_region.layout(),
                    kvm_userspace_memory_region.sizeof()),
            new Struct("kvm_clock_data", kvm_clock_data.layout(), kvm_clock_data.sizeof()),
            new Struct("kvm_device_attr", kvm_device_attr.layout(), kvm_device_attr.sizeof()),
            new Struct("kvm_xen_hvm_config", kvm_xen_hvm_config.layout(), kvm_xen_hvm_config.sizeof()),
            new Struct("kvm_xen_hvm_attr", kvm_xen_hvm_attr.layout(), kvm_xen_hvm_attr.sizeof()),
            new Struct("kvm_xen_vcpu_attr", kvm_xen_vcpu_attr.layout(), kvm_xen_vcpu_attr.sizeof()),
            new Struct("kvm_signal_mask", kvm_signal_mask.layout(), kvm_signal_mask.sizeof()),
            new Struct("kvm_enable_cap", kvm_enable_cap.layout(), kvm_enable_cap.sizeof()),
            new Struct("pvclock_vcpu_time_info", pvclock_vcpu_time_info.layout(), pvclock_vcpu_time_info.sizeof()),
            new Struct("pvclock_wall_clock", pvclock_wall_clock.layout(), pvclock_wall_clock.sizeof()),
            new Struct("vcpu_time_info", vcpu_time_info.layout(), vcpu_time_info.sizeof()),
            new Struct("vcpu_info", vcpu_info.layout(), vcpu_info.sizeof()),
            new Struct("shared_info", shared_info.layout(), shared_info.sizeof()),
            new Struct("timespec", timespec.layout(), timespec.sizeof()));

    @Test
    void structSizesMatch() throws Exception {
        runCheckProgram();
        for (Struct s : STRUCTS) {
            assertThat(s.layout().name()).contains(s.tag());
            assertThat(s.sizeof()).as("%s.sizeof()", s.tag()).isEqualTo(c("sizeof." + s.tag()));
            assertThat(s.layout().byteSize()).as("%s.layout().byteSize()", s.tag()).isEqualTo(c("sizeof." + s.tag()));
        }
    }

    /** C key (struct.member path), the generated {@code $offset}, and the layout member name if top-level. */
    record Offset(String key, long javaOffset, GroupLayout layout, String topLevelName) {}

    static Offset top(String key, long javaOffset, GroupLayout layout) {
        return new Offset(key, javaOffset, layout, key.substring(key.indexOf('.') + 1));
    }

    static Offset nested(String key, long javaOffset) {
        return new Offset(key, javaOffset, null, null);
    }

    static final List<Offset> OFFSETS = List.of(
            top("kvm_run.immediate_exit", kvm_run.immediate_exit$offset, kvm_run.layout()),
            top("kvm_run.exit_reason", kvm_run.exit_reason$offset, kvm_run.layout()),
            top("kvm_run.if_flag", kvm_run.if_flag$offset, kvm_run.layout()),
            top("kvm_run.cr8", kvm_run.cr8$offset, kvm_run.layout()),
            top("kvm_run.apic_base", kvm_run.apic_base$offset, kvm_run.layout()),
            nested("kvm_run.io.direction", kvm_run.io_direction$offset),
            nested("kvm_run.io.port", kvm_run.io_port$offset),
            nested("kvm_run.io.count", kvm_run.io_count$offset),
            nested("kvm_run.io.data_offset", kvm_run.io_data_offset$offset),
            nested("kvm_run.mmio.phys_addr", kvm_run.mmio_phys_addr$offset),
            nested("kvm_run.mmio.data", kvm_run.mmio_data$offset),
            nested("kvm_run.mmio.is_write", kvm_run.mmio_is_write$offset),
            nested("kvm_run.internal.suberror", kvm_run.internal_suberror$offset),
            nested("kvm_run.internal.data", kvm_run.internal_data$offset),
            nested("kvm_run.system_event.type", kvm_run.system_event_type$offset),
            nested("kvm_run.system_event.data", kvm_run.system_event_data$offset),
            nested("kvm_run.msr.index", kvm_run.msr_index$offset),
            nested("kvm_run.msr.data", kvm_run.msr_data$offset),
            top("kvm_run.kvm_valid_regs", kvm_run.kvm_valid_regs$offset, kvm_run.layout()),
            top("kvm_run.s", kvm_run.s$offset, kvm_run.layout()),
            top("kvm_regs.rip", kvm_regs.rip$offset, kvm_regs.layout()),
            top("kvm_regs.rflags", kvm_regs.rflags$offset, kvm_regs.layout()),
            top("kvm_sregs.ss", kvm_sregs.ss$offset, kvm_sregs.layout()),
            top("kvm_sregs.gdt", kvm_sregs.gdt$offset, kvm_sregs.layout()),
            top("kvm_sregs.cr3", kvm_sregs.cr3$offset, kvm_sregs.layout()),
            top("kvm_sregs.efer", kvm_sregs.efer$offset, kvm_sregs.layout()),
            top("kvm_sregs.interrupt_bitmap", kvm_sregs.interrupt_bitmap$offset, kvm_sregs.layout()),
            top("kvm_segment.selector", kvm_segment.selector$offset, kvm_segment.layout()),
            top("kvm_segment.unusable", kvm_segment.unusable$offset, kvm_segment.layout()),
            top("kvm_clock_data.flags", kvm_clock_data.flags$offset, kvm_clock_data.layout()),
            top("kvm_clock_data.realtime", kvm_clock_data.realtime$offset, kvm_clock_data.layout()),
            top("kvm_clock_data.host_tsc", kvm_clock_data.host_tsc$offset, kvm_clock_data.layout()),
            top("kvm_xen_hvm_attr.u", kvm_xen_hvm_attr.u$offset, kvm_xen_hvm_attr.layout()),
            nested("kvm_xen_hvm_attr.u.shared_info.gfn", kvm_xen_hvm_attr.u_shared_info_gfn$offset),
            nested("kvm_xen_vcpu_attr.u.gpa", kvm_xen_vcpu_attr.u_gpa$offset),
            top("kvm_xen_hvm_config.blob_size_64", kvm_xen_hvm_config.blob_size_64$offset, kvm_xen_hvm_config.layout()),
            top("kvm_msrs.entries", kvm_msrs.entries$offset, kvm_msrs.layout()),
            top("kvm_msr_entry.data", kvm_msr_entry.data$offset, kvm_msr_entry.layout()),
            top("kvm_cpuid2.entries", kvm_cpuid2.entries$offset, kvm_cpuid2.layout()),
            top("kvm_cpuid_entry2.eax", kvm_cpuid_entry2.eax$offset, kvm_cpuid_entry2.layout()),
            top("kvm_cpuid_entry2.padding", kvm_cpuid_entry2.padding$offset, kvm_cpuid_entry2.layout()),
            top("kvm_userspace_memory_region.userspace_addr", kvm_userspace_memory_region.userspace_addr$offset,
                    kvm_userspace_memory_region.layout()),
            top("kvm_enable_cap.pad", kvm_enable_cap.pad$offset, kvm_enable_cap.layout()),
            top("pvclock_vcpu_time_info.system_time", pvclock_vcpu_time_info.system_time$offset,
                    pvclock_vcpu_time_info.layout()),
            top("pvclock_vcpu_time_info.tsc_to_system_mul", pvclock_vcpu_time_info.tsc_to_system_mul$offset,
                    pvclock_vcpu_time_info.layout()),
            top("pvclock_vcpu_time_info.tsc_shift", pvclock_vcpu_time_info.tsc_shift$offset,
                    pvclock_vcpu_time_info.layout()),
            top("pvclock_vcpu_time_info.flags", pvclock_vcpu_time_info.flags$offset, pvclock_vcpu_time_info.layout()),
            top("pvclock_wall_clock.nsec", pvclock_wall_clock.nsec$offset, pvclock_wall_clock.layout()),
            top("vcpu_time_info.tsc_shift", vcpu_time_info.tsc_shift$offset, vcpu_time_info.layout()),
            top("vcpu_info.evtchn_pending_sel", vcpu_info.evtchn_pending_sel$offset, vcpu_info.layout()),
            top("vcpu_info.time", vcpu_info.time$offset, vcpu_info.layout()),
            top("shared_info.evtchn_pending", shared_info.evtchn_pending$offset, shared_info.layout()),
            top("shared_info.evtchn_mask", shared_info.evtchn_mask$offset, shared_info.layout()),
            top("shared_info.wc_version", shared_info.wc_version$offset, shared_info.layout()),
            top("shared_info.wc_sec", shared_info.wc_sec$offset, shared_info.layout()),
            top("shared_info.wc_nsec", shared_info.wc_nsec$offset, shared_info.layout()),
            top("shared_info.wc_sec_hi", shared_info.wc_sec_hi$offset, shared_info.layout()),
            top("shared_info.arch", shared_info.arch$offset, shared_info.layout()),
            top("timespec.tv_nsec", timespec.tv_nsec$offset, timespec.layout()));

    @Test
    void offsetsMatch() throws Exception {
        runCheckProgram();
        for (Offset o : OFFSETS) {
            long expected = c(o.key());
            assertThat(o.javaOffset()).as("%s$offset", o.key()).isEqualTo(expected);
            if (o.topLevelName() != null) {
                assertThat(o.layout().byteOffset(PathElement.groupElement(o.topLevelName())))
                        .as("layout byteOffset of %s", o.key()).isEqualTo(expected);
            }
        }
    }

    @Test
    void ioctlNumbersMatch() throws Exception {
        runCheckProgram();
        assertThat(kvm_h.KVM_RUN).isEqualTo(c("ioctl.KVM_RUN"));
        assertThat(kvm_h.KVM_GET_CLOCK).isEqualTo(c("ioctl.KVM_GET_CLOCK"));
        assertThat(kvm_h.KVM_SET_CLOCK).isEqualTo(c("ioctl.KVM_SET_CLOCK"));
        assertThat(kvm_h.KVM_XEN_HVM_SET_ATTR).isEqualTo(c("ioctl.KVM_XEN_HVM_SET_ATTR"));
        assertThat(kvm_h.KVM_XEN_VCPU_SET_ATTR).isEqualTo(c("ioctl.KVM_XEN_VCPU_SET_ATTR"));
        assertThat(kvm_h.KVM_SET_MSRS).isEqualTo(c("ioctl.KVM_SET_MSRS"));
        assertThat(kvm_h.KVM_GET_SREGS).isEqualTo(c("ioctl.KVM_GET_SREGS"));
        assertThat(kvm_h.KVM_SET_USER_MEMORY_REGION).isEqualTo(c("ioctl.KVM_SET_USER_MEMORY_REGION"));
    }
}

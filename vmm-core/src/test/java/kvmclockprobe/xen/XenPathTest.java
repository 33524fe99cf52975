package kvmclockprobe.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.shared_info;
import kvmclockprobe.bindings.vcpu_info;
import kvmclockprobe.bindings.vcpu_time_info;
import kvmclockprobe.check.triggers.XenSharedInfo;
import kvmclockprobe.check.triggers.XenVcpuInfo;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.Vm;
import kvmclockprobe.sys.SyscallException;
import kvmclockprobe.testing.RequiresKvm;

/** The Xen path, for the parts that run without CONFIG_KVM_XEN, and its SKIP on hosts without it. */
class XenPathTest {

    @Test
    void decodesTheWallclockAtTheKernelsSixtyFourBitOffsets() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            // Fill it the way kvm_xen_shared_info_init() does for a 64-bit guest: 0xC00.. 0xC0C.
            page.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0xC00, 4);
            page.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0xC04, (int) 1_795_000_000L);
            page.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0xC08, 123_456_789);
            page.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0xC0C, 1);
            XenWallclock wc = XenWallclock.read(page);
            assertThat(wc).isEqualTo(new XenWallclock(4, (int) 1_795_000_000L, 123_456_789, 1));
            assertThat(wc.written()).isTrue();
            long seconds = (1L << 32) + 1_795_000_000L;
            assertThat(wc.epochNs()).isEqualTo(seconds * 1_000_000_000L + 123_456_789L);
            long kvmclock = 5_000_000_000L;
            long wall = wc.epochNs() + kvmclock;
            assertThat(wc.inRange(kvmclock, wall - 10, wall + 10)).isTrue();
            assertThat(wc.inRange(kvmclock, wall + 1, wall + 10)).isFalse();
            assertThat(new XenWallclock(5, 0, 0, 0).written()).as("odd version: KVM is mid-write").isFalse();
        }
    }

    @Test
    void vcpuInfoTimeIsAPvclockInSharedInfo() {
        // vcpu_info[i] at 64-byte stride from 0, its vcpu_time_info at +0x20, same layout as pvclock.
        assertThat(shared_info.vcpu_info$offset).isZero();
        assertThat(vcpu_info.sizeof()).isEqualTo(64);
        assertThat(vcpu_info.time$offset).isEqualTo(0x20);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            MemorySegment time = vcpu_info.time(shared_info.vcpu_info(page, 1));
            vcpu_time_info.version(time, 2);
            vcpu_time_info.tsc_timestamp(time, 1000);
            vcpu_time_info.system_time(time, 77);
            vcpu_time_info.tsc_to_system_mul(time, 0x80000000);
            vcpu_time_info.tsc_shift(time, (byte) 1);
            MemorySegment asPvclock = page.asSlice(64 + 0x20, 32);
            PvclockParams p = PvclockParams.decode(asPvclock);
            assertThat(p.nsAt(1010)).isEqualTo(77 + 10); // (10 << 1) * 0.5
        }
    }

    static HostFacts hostWithXen(int xenHvm) {
        Map<String, Integer> caps = new LinkedHashMap<>();
        for (String name : List.of("xen_hvm", "adjust_clock", "tsc_control", "vm_tsc_control", "hyperv", "hyperv_time",
                "kvmclock_ctrl", "get_tsc_khz", "vcpu_attributes", "immediate_exit", "max_vcpus")) caps.put(name, 0);
        caps.put("xen_hvm", xenHvm);
        return new HostFacts("test", 12, "tsc", 1_000_000, caps, List.of(), List.of(), false, true, true, true, kvmclockprobe.host.HostClock.unknown("tsc"));
    }

    @Test
    void skipsNameTheMissingXenCapability() {
        assertThat(new XenSharedInfo().missingCapability(hostWithXen(0)))
                .hasValueSatisfying(r -> assertThat(r).contains("KVM_CAP_XEN_HVM is 0").contains("CONFIG_KVM_XEN"));
        assertThat(new XenSharedInfo().missingCapability(hostWithXen(kvm_h.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)))
                .hasValueSatisfying(r -> assertThat(r).contains("KVM_XEN_HVM_CONFIG_SHARED_INFO"));
        assertThat(new XenVcpuInfo().missingCapability(hostWithXen(0x1ff))).isEmpty();
        assertThat(new XenSharedInfo().missingCapability(hostWithXen(0x1ff))).isEmpty();
    }

    @RequiresKvm
    @Test
    void withoutXenEmulationTheConfigIoctlFailsNamingItself(Kvm kvm) {
        assumeTrue(kvm.checkExtension(Capability.XEN_HVM) == 0, "this host has Xen emulation; the lab covers the real path");
        try (Vm vm = kvm.createVm()) {
            assertThatThrownBy(() -> vm.xenHvmConfig(kvm_h.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, 0x40000000))
                    .isInstanceOfSatisfying(SyscallException.class, e -> {
                        assertThat(e.call()).isEqualTo("KVM_XEN_HVM_CONFIG");
                        assertThat(e.getMessage()).startsWith("KVM_XEN_HVM_CONFIG failed: E");
                    });
        }
    }
}

package kvmclockprobe.bindings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * ABI facts written down by hand (no compiler needed), so the generated bindings cannot
 * drift silently even where the compiler-backed tests are skipped.
 */
class KnownAbiFactsTest {

    @Test
    void kvmClockAbi() {
        assertThat(kvm_clock_data.sizeof()).isEqualTo(48);
        assertThat(kvm_clock_data.host_tsc$offset).isEqualTo(24);
        assertThat(kvm_h.KVM_CLOCK_TSC_STABLE).isEqualTo(2);
        assertThat(kvm_h.KVM_CLOCK_REALTIME).isEqualTo(4);
        assertThat(kvm_h.KVM_CLOCK_HOST_TSC).isEqualTo(8);
        assertThat(kvm_h.KVM_CAP_ADJUST_CLOCK).isEqualTo(39);
        assertThat(kvm_h.KVM_CAP_XEN_HVM).isEqualTo(38);
        assertThat(kvm_h.KVM_API_VERSION).isEqualTo(12);
        assertThat(kvm_h.KVM_RUN).isEqualTo(0xAE80L);
        assertThat(kvm_h.KVM_GET_CLOCK).isEqualTo(0x8030AE7CL);
        assertThat(kvm_h.MSR_KVM_SYSTEM_TIME_NEW).isEqualTo(0x4b564d01);
    }

    @Test
    void pvclockAbi() {
        assertThat(pvclock_vcpu_time_info.sizeof()).isEqualTo(32);
        assertThat(pvclock_vcpu_time_info.tsc_shift$offset).isEqualTo(28);
        assertThat(pvclock_vcpu_time_info.flags$offset).isEqualTo(29);
        assertThat(pvclock_wall_clock.sizeof()).isEqualTo(12);
        assertThat(pvclock_vcpu_time_info.layout().byteAlignment()).isEqualTo(1);
        assertThat(x86_h.PVCLOCK_TSC_STABLE_BIT).isEqualTo(1);
        assertThat(x86_h.MSR_IA32_TSC).isEqualTo(0x10);
        assertThat(x86_h.MSR_IA32_TSC_ADJUST).isEqualTo(0x3b);
        assertThat(x86_h.MSR_EFER).isEqualTo(0xC0000080L);
        assertThat(x86_h.HV_X64_MSR_REFERENCE_TSC).isEqualTo(0x40000021);
    }

    @Test
    void xenSharedInfoAbiOnX86_64() {
        assertThat(vcpu_time_info.sizeof()).isEqualTo(32);
        assertThat(vcpu_info.sizeof()).isEqualTo(64);
        assertThat(vcpu_info.time$offset).isEqualTo(32);
        assertThat(shared_info.vcpu_info$count).isEqualTo(xen_h.XEN_LEGACY_MAX_VCPUS).isEqualTo(32);
        assertThat(shared_info.wc_version$offset).isEqualTo(0xC00);
        assertThat(shared_info.wc_sec$offset).isEqualTo(0xC04);
        assertThat(shared_info.wc_nsec$offset).isEqualTo(0xC08);
        assertThat(shared_info.wc_sec_hi$offset).isEqualTo(0xC0C);
        assertThat(xen_h.XEN_PVCLOCK_TSC_STABLE_BIT).isEqualTo(1);
    }

    @Test
    void x86Structs() {
        assertThat(kvm_regs.sizeof()).isEqualTo(144);
        assertThat(kvm_sregs.sizeof()).isEqualTo(312);
        assertThat(kvm_segment.sizeof()).isEqualTo(24);
        assertThat(kvm_run.io_data_offset$offset).isEqualTo(40);
        assertThat(kvm_msr_entry.sizeof()).isEqualTo(16);
        assertThat(kvm_cpuid_entry2.sizeof()).isEqualTo(40);
    }

    @Test
    void errnoTable() {
        assertThat(errno_h.name(libc_h.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(errno_h.name(35)).isEqualTo("EDEADLK");
        assertThat(errno_h.name(libc_h.EOPNOTSUPP)).isEqualTo("EOPNOTSUPP");
        assertThat(errno_h.name(libc_h.EINTR)).isEqualTo("EINTR");
        assertThat(errno_h.NAMES[0]).isNull();
        assertThat(errno_h.name(0)).isEqualTo("E0");
        assertThat(errno_h.name(-1)).isEqualTo("E-1");
        assertThat(errno_h.name(100_000)).isEqualTo("E100000");
    }

    @Test
    void accessorsReadAndWriteTheRightBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment run = kvm_run.allocate(arena);
            kvm_run.io_port(run, (short) 0x3f8);
            assertThat(run.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 34)).isEqualTo((short) 0x3f8);
            kvm_run.internal_data(run, 15, 42L);
            assertThat(kvm_run.internal_data(run, 15)).isEqualTo(42L);
            assertThatThrownBy(() -> kvm_run.internal_data(run, 16)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(kvm_run.mmio_data(run).byteSize()).isEqualTo(8);

            MemorySegment sregs = kvm_sregs.allocate(arena);
            kvm_segment.selector(kvm_sregs.cs(sregs), (short) 0x10);
            assertThat(sregs.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 12)).isEqualTo((short) 0x10);

            MemorySegment msrs = arena.allocate(kvm_msrs.sizeof() + 2 * kvm_msr_entry.sizeof(), 8);
            kvm_msrs.nmsrs(msrs, 2);
            kvm_msr_entry.index(kvm_msrs.entries(msrs, 1), x86_h.MSR_IA32_TSC);
            assertThat(msrs.get(java.lang.foreign.ValueLayout.JAVA_INT, 8 + 16)).isEqualTo(0x10);

            // packed struct at an odd address, as in guest memory
            MemorySegment page = arena.allocate(64);
            MemorySegment pv = page.asSlice(3, pvclock_vcpu_time_info.sizeof());
            pvclock_vcpu_time_info.tsc_timestamp(pv, 0x1122334455667788L);
            assertThat(pvclock_vcpu_time_info.tsc_timestamp(pv)).isEqualTo(0x1122334455667788L);

            MemorySegment shared = shared_info.allocate(arena);
            vcpu_time_info.version(vcpu_info.time(shared_info.vcpu_info(shared, 1)), 7);
            assertThat(shared.get(java.lang.foreign.ValueLayout.JAVA_INT, 64 + 32)).isEqualTo(7);
        }
    }
}

package kvmclockprobe.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_clock_data;
import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.kvm_regs;
import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.SyscallException;

/** Each KVM ioctl's number and name, and how a failure names it, without KVM. */
class KvmIoctlTest {

    @Test
    void theIocMacrosRebuildTheHeadersNumbers() {
        // include/uapi/linux/kvm.h: KVM_GET_CLOCK _IOR(KVMIO, 0x7c, ...), KVM_SET_CLOCK _IOW(KVMIO, 0x7b, ...),
        // KVM_GET_REGS _IOR(KVMIO, 0x81, ...), KVM_SET_REGS _IOW(KVMIO, 0x82, ...)
        assertThat(KvmIoctl.ior(0x7c, kvm_clock_data.sizeof())).isEqualTo(kvm_h.KVM_GET_CLOCK);
        assertThat(KvmIoctl.iow(0x7b, kvm_clock_data.sizeof())).isEqualTo(kvm_h.KVM_SET_CLOCK);
        assertThat(KvmIoctl.ior(0x81, kvm_regs.sizeof())).isEqualTo(kvm_h.KVM_GET_REGS);
        assertThat(KvmIoctl.iow(0x82, kvm_regs.sizeof())).isEqualTo(kvm_h.KVM_SET_REGS);
    }

    @Test
    void theProposedClockGuestIoctlsCarryAPvclockTimeInfo() {
        // _IOR/_IOW(KVMIO, 0xd7/0xd6, struct pvclock_vcpu_time_info): 32 bytes
        assertThat(KvmIoctl.KVM_GET_CLOCK_GUEST.number()).isEqualTo(0x8020_aed7L);
        assertThat(KvmIoctl.KVM_SET_CLOCK_GUEST.number()).isEqualTo(0x4020_aed6L);
    }

    @Test
    void everyNameIsTheHeadersNameForItsNumber() throws ReflectiveOperationException {
        for (KvmIoctl ioctl : KvmIoctl.values()) {
            if (ioctl == KvmIoctl.KVM_GET_CLOCK_GUEST || ioctl == KvmIoctl.KVM_SET_CLOCK_GUEST) continue;
            assertThat(kvm_h.class.getField(ioctl.name()).getLong(null)).as(ioctl.name()).isEqualTo(ioctl.number());
        }
    }

    @Test
    void aFailureNamesTheIoctlAndItsDetail() {
        int fd = Libc.open("/dev/null", libc_h.O_RDWR | libc_h.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> Libc.ioctl(fd, KvmIoctl.KVM_GET_API_VERSION, 0L))
                    .isInstanceOf(SyscallException.class)
                    .hasMessage("KVM_GET_API_VERSION failed: ENOTTY (Inappropriate ioctl for device)");
            assertThatThrownBy(() -> Libc.ioctl(fd, KvmIoctl.KVM_SET_DEVICE_ATTR, "KVM_VCPU_TSC_OFFSET", arena.allocate(8)))
                    .isInstanceOfSatisfying(SyscallException.class, e -> {
                        assertThat(e.call()).isEqualTo("KVM_SET_DEVICE_ATTR(KVM_VCPU_TSC_OFFSET)");
                        assertThat(e.errnoName()).isEqualTo("ENOTTY");
                    });
        } finally {
            Libc.close(fd);
        }
    }
}

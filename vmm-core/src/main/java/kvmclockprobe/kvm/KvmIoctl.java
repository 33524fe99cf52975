package kvmclockprobe.kvm;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.pvclock_vcpu_time_info;
import kvmclockprobe.sys.Ioctl;

/**
 * The KVM ioctls this VMM issues, each number paired once with its name: the constant's name is
 * the kernel's, and it is what a failure names.
 */
enum KvmIoctl implements Ioctl {
    // On the system descriptor (/dev/kvm).
    KVM_GET_API_VERSION(kvm_h.KVM_GET_API_VERSION),
    KVM_CHECK_EXTENSION(kvm_h.KVM_CHECK_EXTENSION),
    KVM_GET_VCPU_MMAP_SIZE(kvm_h.KVM_GET_VCPU_MMAP_SIZE),
    KVM_GET_SUPPORTED_CPUID(kvm_h.KVM_GET_SUPPORTED_CPUID),
    KVM_CREATE_VM(kvm_h.KVM_CREATE_VM),

    // On a VM descriptor.
    KVM_CREATE_VCPU(kvm_h.KVM_CREATE_VCPU),
    KVM_SET_USER_MEMORY_REGION(kvm_h.KVM_SET_USER_MEMORY_REGION),
    KVM_SET_TSS_ADDR(kvm_h.KVM_SET_TSS_ADDR),
    KVM_GET_CLOCK(kvm_h.KVM_GET_CLOCK),
    KVM_SET_CLOCK(kvm_h.KVM_SET_CLOCK),
    KVM_ENABLE_CAP(kvm_h.KVM_ENABLE_CAP),
    KVM_XEN_HVM_CONFIG(kvm_h.KVM_XEN_HVM_CONFIG),
    KVM_XEN_HVM_SET_ATTR(kvm_h.KVM_XEN_HVM_SET_ATTR),

    // On a vCPU descriptor.
    KVM_RUN(kvm_h.KVM_RUN),
    KVM_SET_SIGNAL_MASK(kvm_h.KVM_SET_SIGNAL_MASK),
    KVM_GET_REGS(kvm_h.KVM_GET_REGS),
    KVM_SET_REGS(kvm_h.KVM_SET_REGS),
    KVM_GET_SREGS(kvm_h.KVM_GET_SREGS),
    KVM_SET_SREGS(kvm_h.KVM_SET_SREGS),
    KVM_SET_CPUID2(kvm_h.KVM_SET_CPUID2),
    KVM_GET_MSRS(kvm_h.KVM_GET_MSRS),
    KVM_SET_MSRS(kvm_h.KVM_SET_MSRS),
    KVM_GET_TSC_KHZ(kvm_h.KVM_GET_TSC_KHZ),
    KVM_SET_TSC_KHZ(kvm_h.KVM_SET_TSC_KHZ),
    KVM_KVMCLOCK_CTRL(kvm_h.KVM_KVMCLOCK_CTRL),
    KVM_HAS_DEVICE_ATTR(kvm_h.KVM_HAS_DEVICE_ATTR),
    KVM_GET_DEVICE_ATTR(kvm_h.KVM_GET_DEVICE_ATTR),
    KVM_SET_DEVICE_ATTR(kvm_h.KVM_SET_DEVICE_ATTR),
    KVM_XEN_VCPU_SET_ATTR(kvm_h.KVM_XEN_VCPU_SET_ATTR),
    /**
     * {@code _IOR(KVMIO, 0xd7, struct pvclock_vcpu_time_info)}, proposed by the "Cleaning up the KVM
     * clock mess" series and in no released kernel's header, so its number is built here from the
     * series' definition. No capability announces it: a kernel without it answers ENOTTY.
     */
    KVM_GET_CLOCK_GUEST(ior(0xd7, pvclock_vcpu_time_info.sizeof())),
    /** {@code _IOW(KVMIO, 0xd6, struct pvclock_vcpu_time_info)}; see {@link #KVM_GET_CLOCK_GUEST}. */
    KVM_SET_CLOCK_GUEST(iow(0xd6, pvclock_vcpu_time_info.sizeof()));

    /** {@code KVMIO}: the ioctl type byte of every KVM request. */
    static final int KVMIO = 0xAE;
    /** {@code _IOC_WRITE}: userspace writes the argument (x86's encoding). */
    static final int IOC_WRITE = 1;
    /** {@code _IOC_READ}: the kernel writes the argument. */
    static final int IOC_READ = 2;
    /** Where {@code _IOC} puts the number, the type, the argument's size and the direction. */
    static final int IOC_NRSHIFT = 0, IOC_TYPESHIFT = 8, IOC_SIZESHIFT = 16, IOC_DIRSHIFT = 30;

    private final long number;

    KvmIoctl(long number) {
        this.number = number;
    }

    @Override
    public long number() {
        return number;
    }

    /** The kernel's {@code _IOC(dir, KVMIO, nr, size)} ({@code include/uapi/asm-generic/ioctl.h}). */
    static long ioc(int dir, int nr, long size) {
        return (long) dir << IOC_DIRSHIFT | size << IOC_SIZESHIFT | (long) KVMIO << IOC_TYPESHIFT | (long) nr << IOC_NRSHIFT;
    }

    /** {@code _IOR(KVMIO, nr, type)} for a type of {@code size} bytes. */
    static long ior(int nr, long size) {
        return ioc(IOC_READ, nr, size);
    }

    /** {@code _IOW(KVMIO, nr, type)} for a type of {@code size} bytes. */
    static long iow(int nr, long size) {
        return ioc(IOC_WRITE, nr, size);
    }
}

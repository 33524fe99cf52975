package kvmclockprobe.kvm;

import static kvmclockprobe.kvm.KvmIoctl.KVM_CHECK_EXTENSION;
import static kvmclockprobe.kvm.KvmIoctl.KVM_CREATE_VM;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_API_VERSION;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_SUPPORTED_CPUID;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_VCPU_MMAP_SIZE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import kvmclockprobe.bindings.kvm_cpuid2;
import kvmclockprobe.bindings.kvm_cpuid_entry2;
import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.SyscallException;

/**
 * The KVM system handle ({@code /dev/kvm}): capability queries and VM creation. Owns the
 * descriptor; VMs it creates own theirs and may outlive it.
 */
public final class Kvm implements AutoCloseable {
    /** The environment variable that names another KVM device for the probe and its tests. */
    public static final String DEVICE_ENV = "KVMCLOCK_KVM_DEVICE";

    /**
     * Where KVM lives unless told otherwise: {@code $KVMCLOCK_KVM_DEVICE} when set and not empty
     * (read once), else {@code /dev/kvm}. {@code KVMCLOCK_KVM_DEVICE=/nonexistent} hides KVM from
     * the command line's default and from every test that needs it, as on a host without KVM.
     */
    public static final Path DEFAULT_PATH = defaultPath(System.getenv(DEVICE_ENV));

    static Path defaultPath(String fromEnvironment) {
        return Path.of(fromEnvironment == null || fromEnvironment.isEmpty() ? "/dev/kvm" : fromEnvironment);
    }

    /** The first {@code kvm_cpuid2} capacity offered; KVM answers E2BIG while it is too small. */
    private static final int CPUID_ENTRIES_FIRST = 64;
    /**
     * Where the doubling stops: well above {@code KVM_MAX_CPUID_ENTRIES} (256), so E2BIG there is
     * not a matter of size.
     */
    private static final int CPUID_ENTRIES_MAX = 4096;

    private final FileDescriptor fd;

    private Kvm(int fd, Path path) {
        this.fd = new FileDescriptor(fd, path.toString());
    }

    /** Opens {@link #DEFAULT_PATH} read/write. */
    public static Kvm open() {
        return open(DEFAULT_PATH);
    }

    /**
     * Opens the KVM device at {@code path} and checks its API version.
     *
     * @throws KvmUnavailableException when it is missing, not accessible, or not a KVM device
     */
    public static Kvm open(Path path) {
        int fd;
        try {
            fd = Libc.open(path.toString(), libc_h.O_RDWR | libc_h.O_CLOEXEC);
        } catch (SyscallException e) {
            throw KvmUnavailableException.openFailed(path, e);
        }
        Kvm kvm = new Kvm(fd, path);
        try {
            int version = kvm.apiVersion();
            if (version != kvm_h.KVM_API_VERSION) {
                throw new IllegalStateException("KVM API version " + version + ", this probe speaks "
                        + kvm_h.KVM_API_VERSION);
            }
        } catch (RuntimeException e) {
            kvm.close();
            throw KvmUnavailableException.notKvm(path, e);
        }
        return kvm;
    }

    /** {@code KVM_GET_API_VERSION}. */
    public int apiVersion() {
        return Libc.ioctl(fd.get(), KVM_GET_API_VERSION, 0L);
    }

    /** {@code KVM_CHECK_EXTENSION} on the system descriptor: 0 when unsupported, else a cap-specific value. */
    public int checkExtension(Capability capability) {
        return Libc.ioctl(fd.get(), KVM_CHECK_EXTENSION, capability.number());
    }

    /** {@code KVM_GET_VCPU_MMAP_SIZE}: bytes to map of each vCPU's {@code kvm_run}. */
    public int vcpuMmapSize() {
        return Libc.ioctl(fd.get(), KVM_GET_VCPU_MMAP_SIZE, 0L);
    }

    /**
     * {@code KVM_GET_SUPPORTED_CPUID}: a {@code kvm_cpuid2} with its entries, allocated in {@code arena}.
     */
    public MemorySegment supportedCpuid(Arena arena) {
        for (int capacity = CPUID_ENTRIES_FIRST; ; capacity *= 2) {
            MemorySegment cpuid = arena.allocate(kvm_cpuid2.sizeof() + capacity * kvm_cpuid_entry2.sizeof(),
                    kvm_cpuid2.layout().byteAlignment());
            kvm_cpuid2.nent(cpuid, capacity);
            int rc = Libc.ioctlRaw(fd.get(), KVM_GET_SUPPORTED_CPUID, cpuid);
            if (rc >= 0) return cpuid;
            if (-rc != libc_h.E2BIG || capacity >= CPUID_ENTRIES_MAX) {
                throw new SyscallException(KVM_GET_SUPPORTED_CPUID.name(), -rc);
            }
        }
    }

    /** {@code KVM_CREATE_VM} with the default machine type. */
    public Vm createVm() {
        // Asked first: once KVM_CREATE_VM has given a descriptor, nothing may fail before a Vm owns it.
        int mmapSize = vcpuMmapSize();
        int vmFd = Libc.ioctl(fd.get(), KVM_CREATE_VM, 0L);
        return new Vm(vmFd, mmapSize);
    }

    @Override
    public void close() {
        fd.close();
    }
}

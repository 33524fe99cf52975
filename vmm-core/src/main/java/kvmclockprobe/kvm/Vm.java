package kvmclockprobe.kvm;

import static kvmclockprobe.kvm.KvmIoctl.KVM_CREATE_VCPU;
import static kvmclockprobe.kvm.KvmIoctl.KVM_ENABLE_CAP;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_CLOCK;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_CLOCK;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_TSS_ADDR;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_USER_MEMORY_REGION;
import static kvmclockprobe.kvm.KvmIoctl.KVM_XEN_HVM_CONFIG;
import static kvmclockprobe.kvm.KvmIoctl.KVM_XEN_HVM_SET_ATTR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.bindings.kvm_clock_data;
import kvmclockprobe.bindings.kvm_enable_cap;
import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.kvm_userspace_memory_region;
import kvmclockprobe.bindings.kvm_xen_hvm_attr;
import kvmclockprobe.bindings.kvm_xen_hvm_config;
import kvmclockprobe.sys.Libc;

/**
 * A KVM virtual machine: owns its descriptor, its guest memory and its vCPUs. Closing it
 * closes the vCPUs first, then the VM descriptor, then unmaps the memory.
 */
public final class Vm implements AutoCloseable {
    private final FileDescriptor fd;
    private final int vcpuMmapSize;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final List<GuestMemory> memory = new ArrayList<>();

    Vm(int fd, int vcpuMmapSize) {
        this.fd = new FileDescriptor(fd, "VM");
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * Maps {@code size} bytes of fresh guest RAM at {@code gpa} and registers them with
     * {@code KVM_SET_USER_MEMORY_REGION} in the next free slot.
     */
    public synchronized GuestMemory addMemory(long gpa, long size) {
        GuestMemory region = new GuestMemory(memory.size(), gpa, size);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = kvm_userspace_memory_region.allocate(arena);
            kvm_userspace_memory_region.slot(r, region.slot());
            kvm_userspace_memory_region.flags(r, 0);
            kvm_userspace_memory_region.guest_phys_addr(r, gpa);
            kvm_userspace_memory_region.memory_size(r, size);
            kvm_userspace_memory_region.userspace_addr(r, region.hostAddress());
            Libc.ioctl(fd.get(), KVM_SET_USER_MEMORY_REGION, r);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
        memory.add(region);
        return region;
    }

    /** {@code KVM_SET_TSS_ADDR}: three pages KVM needs on Intel for real-mode emulation. */
    public void setTssAddr(long gpa) {
        Libc.ioctl(fd.get(), KVM_SET_TSS_ADDR, gpa);
    }

    /** {@code KVM_GET_CLOCK}. */
    public ClockData getClock() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = kvm_clock_data.allocate(arena);
            Libc.ioctl(fd.get(), KVM_GET_CLOCK, data);
            return new ClockData(kvm_clock_data.clock(data), kvm_clock_data.flags(data),
                    kvm_clock_data.realtime(data), kvm_clock_data.host_tsc(data));
        }
    }

    /** {@code KVM_SET_CLOCK} with {@code clockNs}, {@code flags} and (for {@code KVM_CLOCK_REALTIME}) {@code realtimeNs}. */
    public void setClock(long clockNs, int flags, long realtimeNs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = kvm_clock_data.allocate(arena);
            kvm_clock_data.clock(data, clockNs);
            kvm_clock_data.flags(data, flags);
            kvm_clock_data.realtime(data, realtimeNs);
            Libc.ioctl(fd.get(), KVM_SET_CLOCK, data);
        }
    }

    /** {@code KVM_ENABLE_CAP} on the VM with up to four arguments. */
    public void enableCap(int capability, int flags, long... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = kvm_enable_cap.allocate(arena);
            kvm_enable_cap.cap(cap, capability);
            kvm_enable_cap.flags(cap, flags);
            for (int i = 0; i < args.length; i++) kvm_enable_cap.args(cap, i, args[i]);
            Libc.ioctl(fd.get(), KVM_ENABLE_CAP, cap);
        }
    }

    /** {@code KVM_XEN_HVM_CONFIG} with its own config flags ({@code KVM_XEN_HVM_CONFIG_*}) and the hypercall MSR. */
    public void xenHvmConfig(int flags, int msr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = kvm_xen_hvm_config.allocate(arena);
            kvm_xen_hvm_config.flags(config, flags);
            kvm_xen_hvm_config.msr(config, msr);
            Libc.ioctl(fd.get(), KVM_XEN_HVM_CONFIG, config);
        }
    }

    /** {@code KVM_XEN_HVM_SET_ATTR} type {@code KVM_XEN_ATTR_TYPE_LONG_MODE}. */
    public void xenSetLongMode(boolean longMode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = kvm_xen_hvm_attr.allocate(arena);
            kvm_xen_hvm_attr.type(attr, (short) kvm_h.KVM_XEN_ATTR_TYPE_LONG_MODE);
            kvm_xen_hvm_attr.u_long_mode(attr, (byte) (longMode ? 1 : 0));
            Libc.ioctl(fd.get(), KVM_XEN_HVM_SET_ATTR, "LONG_MODE", attr);
        }
    }

    /** {@code KVM_XEN_HVM_SET_ATTR} type {@code KVM_XEN_ATTR_TYPE_SHARED_INFO}: the shared_info page's gfn. */
    public void xenSetSharedInfo(long gfn) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = kvm_xen_hvm_attr.allocate(arena);
            kvm_xen_hvm_attr.type(attr, (short) kvm_h.KVM_XEN_ATTR_TYPE_SHARED_INFO);
            kvm_xen_hvm_attr.u_shared_info_gfn(attr, gfn);
            Libc.ioctl(fd.get(), KVM_XEN_HVM_SET_ATTR, "SHARED_INFO", attr);
        }
    }

    /** {@code KVM_CREATE_VCPU} and the mapping of its {@code kvm_run}. */
    public synchronized Vcpu createVcpu(int id) {
        int vcpuFd = Libc.ioctl(fd.get(), KVM_CREATE_VCPU, id);
        Vcpu vcpu;
        try {
            vcpu = new Vcpu(id, vcpuFd, vcpuMmapSize);
        } catch (RuntimeException e) {
            Libc.close(vcpuFd);
            throw e;
        }
        vcpus.add(vcpu);
        return vcpu;
    }

    public synchronized List<Vcpu> vcpus() {
        return List.copyOf(vcpus);
    }


    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (Vcpu vcpu : vcpus) {
            try {
                vcpu.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        vcpus.clear();
        try {
            fd.close();
        } catch (RuntimeException e) {
            if (first == null) first = e;
        }
        for (GuestMemory region : memory) {
            try {
                region.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        memory.clear();
        if (first != null) throw first;
    }
}

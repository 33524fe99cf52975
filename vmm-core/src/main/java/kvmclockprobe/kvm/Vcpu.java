package kvmclockprobe.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_CLOCK_GUEST;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_DEVICE_ATTR;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_MSRS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_REGS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_SREGS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_GET_TSC_KHZ;
import static kvmclockprobe.kvm.KvmIoctl.KVM_HAS_DEVICE_ATTR;
import static kvmclockprobe.kvm.KvmIoctl.KVM_KVMCLOCK_CTRL;
import static kvmclockprobe.kvm.KvmIoctl.KVM_RUN;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_CLOCK_GUEST;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_CPUID2;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_DEVICE_ATTR;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_MSRS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_REGS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_SIGNAL_MASK;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_SREGS;
import static kvmclockprobe.kvm.KvmIoctl.KVM_SET_TSC_KHZ;
import static kvmclockprobe.kvm.KvmIoctl.KVM_XEN_VCPU_SET_ATTR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

import kvmclockprobe.bindings.kvm_device_attr;
import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.kvm_msr_entry;
import kvmclockprobe.bindings.kvm_msrs;
import kvmclockprobe.bindings.kvm_regs;
import kvmclockprobe.bindings.kvm_run;
import kvmclockprobe.bindings.kvm_signal_mask;
import kvmclockprobe.bindings.kvm_sregs;
import kvmclockprobe.bindings.kvm_xen_vcpu_attr;
import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.SyscallException;

/**
 * A vCPU: owns its descriptor and its mapped {@code kvm_run}. One thread runs it; any thread
 * may {@link #kick()} it out of {@code KVM_RUN}.
 *
 * <p>Kicking uses the scheme QEMU and kvmtool use: the running thread keeps {@link #KICK_SIGNAL}
 * blocked, and {@code KVM_SET_SIGNAL_MASK} unblocks it only while inside {@code KVM_RUN}. A kick
 * that arrives outside {@code KVM_RUN} stays pending and makes the next {@code KVM_RUN} return
 * at once, so no kick is lost and no signal handler ever runs in the JVM.
 */
public final class Vcpu implements AutoCloseable {
    /** The signal that kicks a vCPU thread out of {@code KVM_RUN}. */
    public static final int KICK_SIGNAL = libc_h.SIGUSR1;
    /**
     * The size of the kernel's {@code sigset_t} on x86-64 (64 signals), the only {@code len}
     * {@code KVM_SET_SIGNAL_MASK} accepts.
     */
    private static final int KERNEL_SIGSET_BYTES = Long.BYTES;

    private final int id;
    private final FileDescriptor fd;
    private volatile MemorySegment run;
    /** errno of {@code KVM_RUN}, owned by this vCPU so the run loop looks nothing up. */
    private final MemorySegment runErrno = Libc.newErrnoState(Arena.ofAuto());
    private final Object kickLock = new Object();
    private volatile Thread runner;
    /** Kernel tid of the thread that runs this vCPU; 0 when none. Guarded by {@link #kickLock}. */
    private int runnerTid;

    Vcpu(int id, int fd, int mmapSize) {
        this.id = id;
        this.fd = new FileDescriptor(fd, "vCPU " + id);
        this.run = Libc.mmap(mmapSize, libc_h.PROT_READ | libc_h.PROT_WRITE, libc_h.MAP_SHARED, fd,
                "kvm_run of vCPU " + id);
        try {
            setSignalMaskEmpty();
        } catch (RuntimeException e) {
            Libc.munmap(run); // the descriptor is the caller's to close (Vm.createVcpu)
            throw e;
        }
    }

    public int id() {
        return id;
    }

    private MemorySegment kvmRun() {
        MemorySegment r = run;
        if (r == null) throw new IllegalStateException("vCPU " + id + " is closed");
        return r;
    }

    /** {@code KVM_SET_SIGNAL_MASK} with no signal blocked: the mask in force inside {@code KVM_RUN}. */
    private void setSignalMaskEmpty() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(kvm_signal_mask.sizeof() + KERNEL_SIGSET_BYTES,
                    kvm_signal_mask.layout().byteAlignment());
            kvm_signal_mask.len(mask, KERNEL_SIGSET_BYTES);
            Libc.ioctl(fd.get(), KVM_SET_SIGNAL_MASK, mask);
        }
    }

    /**
     * {@code KVM_RUN}: enters the guest until the next exit and returns it decoded.
     * Returns {@link VcpuExit.Interrupted} when {@link #kick()} ended the run.
     */
    public VcpuExit run() {
        if (runner != Thread.currentThread()) adoptCallingThread();
        MemorySegment r = kvmRun();
        int rc = Libc.ioctlRaw(fd.get(), KVM_RUN, 0L, runErrno);
        if (rc < 0) {
            if (-rc == libc_h.EINTR || -rc == libc_h.EAGAIN) {
                Libc.consumePendingSignal(KICK_SIGNAL);
                kvm_run.immediate_exit(r, (byte) 0);
                return new VcpuExit.Interrupted();
            }
            throw new SyscallException(KVM_RUN.name(), -rc, "vCPU " + id);
        }
        return decodeExit(r);
    }

    private void adoptCallingThread() {
        Libc.blockSignal(KICK_SIGNAL);
        synchronized (kickLock) {
            runnerTid = Libc.gettid();
            runner = Thread.currentThread();
        }
    }

    /**
     * The calling thread will not run this vCPU again: kicks stop targeting it. A thread that ran
     * a vCPU must call this before it ends, or a later kick could hit whatever thread reuses its
     * tid.
     */
    public void releaseThread() {
        synchronized (kickLock) {
            if (runner != Thread.currentThread()) return;
            runnerTid = 0;
            runner = null;
        }
        Libc.consumePendingSignal(KICK_SIGNAL);
        // The thread goes on to other work (the main thread, after bench or the host probe), where
        // nothing kicks it: it gets back the mask it had before adoptCallingThread blocked the signal.
        Libc.unblockSignal(KICK_SIGNAL);
    }

    /** Makes the current or next {@code KVM_RUN} of this vCPU return {@link VcpuExit.Interrupted}. */
    public void kick() {
        synchronized (kickLock) {
            MemorySegment r = run;
            if (r == null) return;
            kvm_run.immediate_exit(r, (byte) 1);
            if (runnerTid != 0) Libc.tgkill(runnerTid, KICK_SIGNAL);
        }
    }

    private static VcpuExit decodeExit(MemorySegment r) {
        int reason = kvm_run.exit_reason(r);
        return switch (reason) {
            case kvm_h.KVM_EXIT_IO -> {
                int size = Byte.toUnsignedInt(kvm_run.io_size(r));
                long offset = kvm_run.io_data_offset(r);
                long value = switch (size) {
                    case Byte.BYTES -> Byte.toUnsignedLong(r.get(JAVA_BYTE, offset));
                    case Short.BYTES -> Short.toUnsignedLong(r.get(JAVA_SHORT_UNALIGNED, offset));
                    case Integer.BYTES -> Integer.toUnsignedLong(r.get(JAVA_INT_UNALIGNED, offset));
                    default -> 0L;
                };
                yield new VcpuExit.Io(kvm_run.io_direction(r) == kvm_h.KVM_EXIT_IO_OUT,
                        Short.toUnsignedInt(kvm_run.io_port(r)), size, kvm_run.io_count(r), value);
            }
            case kvm_h.KVM_EXIT_MMIO -> new VcpuExit.Mmio(kvm_run.mmio_phys_addr(r), kvm_run.mmio_is_write(r) != 0,
                    kvm_run.mmio_len(r), kvm_run.mmio_data(r).get(JAVA_LONG_UNALIGNED, 0));
            case kvm_h.KVM_EXIT_HLT -> new VcpuExit.Hlt();
            case kvm_h.KVM_EXIT_SHUTDOWN -> new VcpuExit.Shutdown();
            case kvm_h.KVM_EXIT_FAIL_ENTRY -> new VcpuExit.FailEntry(
                    kvm_run.fail_entry_hardware_entry_failure_reason(r), kvm_run.fail_entry_cpu(r));
            case kvm_h.KVM_EXIT_INTERNAL_ERROR -> new VcpuExit.InternalError(kvm_run.internal_suberror(r),
                    exitData(r, kvm_run.internal_ndata(r), kvm_run.internal_data$count, kvm_run::internal_data));
            case kvm_h.KVM_EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent(kvm_run.system_event_type(r),
                    exitData(r, kvm_run.system_event_ndata(r), kvm_run.system_event_data$count, kvm_run::system_event_data));
            default -> new VcpuExit.Other(reason);
        };
    }

    /** The first {@code ndata} words of an exit's {@code data[capacity]}, {@code ndata} bounded by the array. */
    private static long[] exitData(MemorySegment r, int ndata, long capacity, ToLongBiFunction<MemorySegment, Long> word) {
        int n = (int) Math.min(Math.max(ndata, 0), capacity);
        long[] data = new long[n];
        for (int i = 0; i < n; i++) data[i] = word.applyAsLong(r, (long) i);
        return data;
    }

    /** {@code KVM_GET_REGS}. */
    public Regs getRegs() {
        return get(KVM_GET_REGS, kvm_regs.layout(), Regs::read);
    }

    /** {@code KVM_SET_REGS}. */
    public void setRegs(Regs regs) {
        set(KVM_SET_REGS, kvm_regs.layout(), regs::write);
    }

    /** {@code KVM_GET_SREGS}. */
    public Sregs getSregs() {
        return get(KVM_GET_SREGS, kvm_sregs.layout(), Sregs::read);
    }

    /** {@code KVM_SET_SREGS}. */
    public void setSregs(Sregs sregs) {
        set(KVM_SET_SREGS, kvm_sregs.layout(), sregs::write);
    }

    /** {@code request} into a scratch struct of {@code layout}, decoded by {@code decode}. */
    private <T> T get(KvmIoctl request, MemoryLayout layout, Function<MemorySegment, T> decode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment struct = arena.allocate(layout);
            Libc.ioctl(fd.get(), request, struct);
            return decode.apply(struct);
        }
    }

    /** {@code request} with a scratch struct of {@code layout}, filled by {@code encode}. */
    private void set(KvmIoctl request, MemoryLayout layout, Consumer<MemorySegment> encode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment struct = arena.allocate(layout);
            encode.accept(struct);
            Libc.ioctl(fd.get(), request, struct);
        }
    }

    /** {@code KVM_SET_CPUID2} with a {@code kvm_cpuid2} and its entries. */
    public void setCpuid2(MemorySegment cpuid2) {
        Libc.ioctl(fd.get(), KVM_SET_CPUID2, cpuid2);
    }

    /** {@code KVM_GET_MSRS}: the values of {@code indices}, in order. */
    public long[] getMsrs(int... indices) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msrs = msrsFor(arena, indices, null);
            int n = Libc.ioctl(fd.get(), KVM_GET_MSRS, msrs);
            if (n < indices.length) {
                throw new IllegalStateException(String.format("KVM_GET_MSRS failed at MSR 0x%x (vCPU %d)", indices[n], id));
            }
            long[] values = new long[indices.length];
            for (int i = 0; i < indices.length; i++) values[i] = kvm_msr_entry.data(kvm_msrs.entries(msrs, i));
            return values;
        }
    }

    public long getMsr(int index) {
        return getMsrs(index)[0];
    }

    /** {@code KVM_SET_MSRS}: writes {@code values[i]} to {@code indices[i]}, as the host (not the guest). */
    public void setMsrs(int[] indices, long[] values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msrs = msrsFor(arena, indices, values);
            int n = Libc.ioctl(fd.get(), KVM_SET_MSRS, msrs);
            if (n < indices.length) {
                throw new IllegalStateException(String.format("KVM_SET_MSRS refused MSR 0x%x (vCPU %d)", indices[n], id));
            }
        }
    }

    public void setMsr(int index, long value) {
        setMsrs(new int[] {index}, new long[] {value});
    }

    private static MemorySegment msrsFor(Arena arena, int[] indices, long[] values) {
        MemorySegment msrs = arena.allocate(kvm_msrs.sizeof() + indices.length * kvm_msr_entry.sizeof(),
                kvm_msrs.layout().byteAlignment());
        kvm_msrs.nmsrs(msrs, indices.length);
        for (int i = 0; i < indices.length; i++) {
            MemorySegment e = kvm_msrs.entries(msrs, i);
            kvm_msr_entry.index(e, indices[i]);
            if (values != null) kvm_msr_entry.data(e, values[i]);
        }
        return msrs;
    }

    /** {@code KVM_GET_TSC_KHZ}: this vCPU's guest TSC frequency. */
    public long getTscKhz() {
        return Libc.ioctl(fd.get(), KVM_GET_TSC_KHZ, 0L);
    }

    /** {@code KVM_SET_TSC_KHZ} on this vCPU. */
    public void setTscKhz(long khz) {
        Libc.ioctl(fd.get(), KVM_SET_TSC_KHZ, khz);
    }

    /** {@code KVM_KVMCLOCK_CTRL}: tells the guest (via {@code PVCLOCK_GUEST_STOPPED}) it was paused. */
    public void kvmclockCtrl() {
        Libc.ioctl(fd.get(), KVM_KVMCLOCK_CTRL, 0L);
    }

    /**
     * {@code KVM_GET_CLOCK_GUEST} into {@code pvti} (a {@code pvclock_vcpu_time_info}). Proposed, in
     * no released kernel: one without it answers ENOTTY.
     */
    public void getClockGuest(MemorySegment pvti) {
        Libc.ioctl(fd.get(), KVM_GET_CLOCK_GUEST, pvti);
    }

    /** {@code KVM_SET_CLOCK_GUEST} from {@code pvti}. */
    public void setClockGuest(MemorySegment pvti) {
        Libc.ioctl(fd.get(), KVM_SET_CLOCK_GUEST, pvti);
    }

    /** {@code KVM_HAS_DEVICE_ATTR} on this vCPU. */
    public boolean hasDeviceAttr(int group, long attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = deviceAttr(arena, group, attribute, MemorySegment.NULL);
            return Libc.ioctlRaw(fd.get(), KVM_HAS_DEVICE_ATTR, attr) == 0;
        }
    }

    /** {@code KVM_GET_DEVICE_ATTR} of a 64-bit attribute (for example {@code KVM_VCPU_TSC_OFFSET}). */
    public long getDeviceAttrU64(int group, long attribute, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            MemorySegment attr = deviceAttr(arena, group, attribute, value);
            Libc.ioctl(fd.get(), KVM_GET_DEVICE_ATTR, name, attr);
            return value.get(JAVA_LONG, 0);
        }
    }

    /** {@code KVM_SET_DEVICE_ATTR} of a 64-bit attribute. */
    public void setDeviceAttrU64(int group, long attribute, long newValue, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, newValue);
            MemorySegment attr = deviceAttr(arena, group, attribute, value);
            Libc.ioctl(fd.get(), KVM_SET_DEVICE_ATTR, name, attr);
        }
    }

    private static MemorySegment deviceAttr(Arena arena, int group, long attribute, MemorySegment value) {
        MemorySegment attr = kvm_device_attr.allocate(arena);
        kvm_device_attr.group(attr, group);
        kvm_device_attr.attr(attr, attribute);
        kvm_device_attr.addr(attr, value.address());
        return attr;
    }

    /** {@code KVM_XEN_VCPU_SET_ATTR} type {@code KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO} at {@code gpa}. */
    public void xenSetVcpuInfo(long gpa) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = kvm_xen_vcpu_attr.allocate(arena);
            kvm_xen_vcpu_attr.type(attr, (short) kvm_h.KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO);
            kvm_xen_vcpu_attr.u_gpa(attr, gpa);
            Libc.ioctl(fd.get(), KVM_XEN_VCPU_SET_ATTR, "VCPU_INFO", attr);
        }
    }

    @Override
    public void close() {
        MemorySegment r;
        synchronized (kickLock) {
            r = run;
            run = null;
            runnerTid = 0;
        }
        if (r != null) Libc.munmap(r);
        fd.close();
    }
}

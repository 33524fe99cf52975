package kvmclockprobe.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.bindings.timespec;

/**
 * The few libc calls the VMM needs, as downcall handles created once. Calls that can fail
 * capture errno and throw {@link SyscallException} naming the call.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
            CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Per-thread errno capture buffer: the hot path (KVM_RUN) allocates nothing. */
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL_PTR = handle("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL_LONG = handle("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = handle("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    /** Critical: the vDSO answers without blocking, and the clock pairs need the shortest path. */
    private static final MethodHandle CLOCK_GETTIME = handle("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(false));
    private static final MethodHandle MPROTECT = handle("mprotect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = handle("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SYSCALL3 = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    private static final MethodHandle PTHREAD_SIGMASK = handle("pthread_sigmask",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGTIMEDWAIT = handle("sigtimedwait",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SYSCONF = handle("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    private static final MethodHandle KLOGCTL = handle("klogctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    /** {@code SYSLOG_ACTION_READ_ALL}: the whole kernel log ring, without consuming it. */
    private static final int SYSLOG_ACTION_READ_ALL = 3;
    /** {@code SYSLOG_ACTION_SIZE_BUFFER}: the size of the kernel log ring. */
    private static final int SYSLOG_ACTION_SIZE_BUFFER = 10;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How far {@link #strerror} reads for the message's NUL: longer than any glibc message. */
    private static final long STRERROR_MAX_BYTES = 4096;

    private static int errno() {
        return ERRNO_STATE.get().get(JAVA_INT, ERRNO_OFFSET);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** {@code open(path, flags)}; the call is named {@code "open " + path} in errors. */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(ERRNO_STATE.get(), arena.allocateFrom(path), flags);
            if (fd < 0) throw new SyscallException("open " + path, errno());
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(fd)}; EINTR is not retried (Linux closes the fd anyway). */
    public static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(ERRNO_STATE.get(), fd);
            if (rc < 0 && errno() != libc_h.EINTR) throw new SyscallException("close", errno());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a pointer argument; returns the non-negative result or throws naming {@code request}. */
    public static int ioctl(int fd, Ioctl request, MemorySegment arg) {
        return ioctl(fd, request, null, arg);
    }

    /**
     * ioctl with a pointer argument; returns the non-negative result or throws naming
     * {@code request} and what it was about, as in {@code KVM_SET_DEVICE_ATTR(KVM_VCPU_TSC_OFFSET)}.
     */
    public static int ioctl(int fd, Ioctl request, String detail, MemorySegment arg) {
        int rc = ioctlRaw(fd, request, arg);
        if (rc < 0) throw new SyscallException(detail == null ? request.name() : request.name() + "(" + detail + ")", -rc);
        return rc;
    }

    /** ioctl with an integer argument; returns the non-negative result or throws naming {@code request}. */
    public static int ioctl(int fd, Ioctl request, long arg) {
        int rc = ioctlRaw(fd, request, arg, ERRNO_STATE.get());
        if (rc < 0) throw new SyscallException(request.name(), -rc);
        return rc;
    }

    /** A buffer for {@link #ioctlRaw(int, Ioctl, long, MemorySegment)}'s errno, for callers on a hot path. */
    public static MemorySegment newErrnoState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /**
     * ioctl with an integer argument and a caller-owned errno buffer (from {@link #newErrnoState}):
     * the result, or {@code -errno}. The hot path of {@code KVM_RUN}: no lookups, no allocation.
     */
    public static int ioctlRaw(int fd, Ioctl request, long arg, MemorySegment errnoState) {
        try {
            int rc = (int) IOCTL_LONG.invokeExact(errnoState, fd, request.number(), arg);
            return rc < 0 ? -errnoState.get(JAVA_INT, ERRNO_OFFSET) : rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a pointer argument: the result, or {@code -errno} on failure (nothing thrown). */
    public static int ioctlRaw(int fd, Ioctl request, MemorySegment arg) {
        try {
            int rc = (int) IOCTL_PTR.invokeExact(ERRNO_STATE.get(), fd, request.number(), arg);
            return rc < 0 ? -errno() : rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Every mapping {@link #mmap} made and {@link #munmap} has not undone: address → what it is. */
    private static final ConcurrentHashMap<Long, String> LIVE_MAPPINGS = new ConcurrentHashMap<>();

    /** The mappings this process made through {@link #mmap} and still holds (guest RAM, kvm_run, ...): for leak checks. */
    public static Map<Long, String> liveMappings() {
        return Map.copyOf(LIVE_MAPPINGS);
    }

    /** {@code mmap(NULL, length, prot, flags, fd, 0)} as a segment of {@code length} bytes. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, String what) {
        try {
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(ERRNO_STATE.get(), MemorySegment.NULL,
                    length, prot, flags, fd, 0L);
            if (addr.address() == -1L) throw new SyscallException("mmap " + what, errno());
            LIVE_MAPPINGS.put(addr.address(), what + " (" + length + " bytes)");
            return addr.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void mprotect(MemorySegment mapping, int prot) {
        try {
            int rc = (int) MPROTECT.invokeExact(ERRNO_STATE.get(), mapping, mapping.byteSize(), prot);
            if (rc < 0) throw new SyscallException("mprotect", errno());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        try {
            int rc = (int) MUNMAP.invokeExact(ERRNO_STATE.get(), mapping, mapping.byteSize());
            if (rc < 0) throw new SyscallException("munmap", errno());
            LIVE_MAPPINGS.remove(mapping.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads {@code clockId} into the given {@code struct timespec} scratch segment; returns ns. */
    private static long clockGettimeNs(int clockId, MemorySegment timespecScratch) {
        try {
            int rc = (int) CLOCK_GETTIME.invokeExact(clockId, timespecScratch);
            if (rc != 0) throw new IllegalStateException("clock_gettime(" + clockId + ") failed");
            return timespec.tv_sec(timespecScratch) * NANOS_PER_SECOND + timespec.tv_nsec(timespecScratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The thread's own {@code struct timespec} scratch, so clock reads allocate nothing. */
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(timespec.layout()));

    /** {@code clock_gettime(CLOCK_MONOTONIC_RAW)} in ns: what KVM's definition A follows. */
    public static long monotonicRawNs() {
        return clockGettimeNs(libc_h.CLOCK_MONOTONIC_RAW, TIMESPEC.get());
    }

    /** {@code clock_gettime(CLOCK_REALTIME)} in ns since the epoch. */
    public static long realtimeNs() {
        return clockGettimeNs(libc_h.CLOCK_REALTIME, TIMESPEC.get());
    }

    /** {@code clock_gettime(CLOCK_BOOTTIME)} in ns. */
    public static long boottimeNs() {
        return clockGettimeNs(libc_h.CLOCK_BOOTTIME, TIMESPEC.get());
    }

    /**
     * The kernel's log ring as {@code dmesg} reads it ({@code klogctl(SYSLOG_ACTION_READ_ALL)}),
     * or null with no permission ({@code dmesg_restrict}, no {@code CAP_SYSLOG}) or on any error.
     */
    public static String kernelLog() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ERRNO_STATE.get();
            int size = (int) KLOGCTL.invokeExact(state, SYSLOG_ACTION_SIZE_BUFFER, MemorySegment.NULL, 0);
            if (size <= 0) return null;
            MemorySegment buf = arena.allocate(size);
            int n = (int) KLOGCTL.invokeExact(state, SYSLOG_ACTION_READ_ALL, buf, size);
            if (n <= 0) return null;
            return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return null;
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(STRERROR_MAX_BYTES).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's kernel thread id. */
    public static int gettid() {
        try {
            long tid = (long) SYSCALL3.invokeExact(ERRNO_STATE.get(), (long) libc_h.SYS_gettid, 0L, 0L, 0L);
            if (tid < 0) throw new SyscallException("gettid", errno());
            return (int) tid;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int getpid() {
        return (int) ProcessHandle.current().pid();
    }

    /**
     * {@code tgkill(getpid(), tid, signal)}: sends a signal to one thread of this process.
     * Returns false when that thread no longer exists.
     */
    public static boolean tgkill(int tid, int signal) {
        try {
            long rc = (long) SYSCALL3.invokeExact(ERRNO_STATE.get(), (long) libc_h.SYS_tgkill,
                    (long) getpid(), (long) tid, (long) signal);
            if (rc < 0 && errno() == libc_h.ESRCH) return false;
            if (rc < 0) throw new SyscallException("tgkill", errno());
            return true;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Size in bytes of glibc's {@code sigset_t}. */
    private static final long SIGSET_BYTES = 128;

    /** Blocks {@code signal} in the calling thread. */
    public static void blockSignal(int signal) {
        changeSignalMask(libc_h.SIG_BLOCK, signal);
    }

    /** Unblocks {@code signal} in the calling thread. */
    public static void unblockSignal(int signal) {
        changeSignalMask(libc_h.SIG_UNBLOCK, signal);
    }

    /** {@code pthread_sigmask(how, {signal}, NULL)}. */
    private static void changeSignalMask(int how, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_BYTES);
            setSignalBit(set, signal);
            int rc = (int) PTHREAD_SIGMASK.invokeExact(how, set, MemorySegment.NULL);
            if (rc != 0) throw new SyscallException("pthread_sigmask", rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Consumes a pending {@code signal} of the calling thread without waiting; true when one was pending. */
    public static boolean consumePendingSignal(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SIGSET_BYTES);
            setSignalBit(set, signal);
            MemorySegment zero = arena.allocate(timespec.layout());
            int rc = (int) SIGTIMEDWAIT.invokeExact(ERRNO_STATE.get(), set, MemorySegment.NULL, zero);
            if (rc == signal) return true;
            int e = errno();
            if (e == libc_h.EAGAIN || e == libc_h.EINTR) return false;
            throw new SyscallException("sigtimedwait", e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the bit for {@code signal} (1-based) in a kernel/glibc signal set. */
    private static void setSignalBit(MemorySegment set, int signal) {
        int bit = signal - 1;
        long offset = (long) (bit / Long.SIZE) * Long.BYTES;
        long word = set.get(JAVA_LONG, offset);
        set.set(JAVA_LONG, offset, word | (1L << (bit % Long.SIZE)));
    }

    public static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}

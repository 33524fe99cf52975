package kvmclockprobe.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import kvmclockprobe.bindings.libc_h;

/**
 * Reads the host TSC from Java. FFM has no intrinsic for {@code rdtsc}, so this maps a
 * 13-byte function ({@code lfence; rdtsc; shl rdx,32; or rax,rdx; ret}) into an executable page
 * (written, then made read+execute: never writable and executable at once) and calls it as a
 * critical downcall. Used to pair the TSC with {@code CLOCK_MONOTONIC_RAW} within tens of
 * nanoseconds, without the system call a {@code KVM_GET_CLOCK} bracket costs.
 *
 * <p>Where the page cannot be made executable (a hardened kernel), {@link #available()} is
 * false and says why in {@link #unavailableReason()}.
 */
public final class Tsc {
    private Tsc() {}

    /** lfence; rdtsc; shl rdx, 32; or rax, rdx; ret */
    private static final byte[] CODE = {
        0x0F, (byte) 0xAE, (byte) 0xE8,
        0x0F, 0x31,
        0x48, (byte) 0xC1, (byte) 0xE2, 0x20,
        0x48, 0x09, (byte) 0xD0,
        (byte) 0xC3,
    };

    private static final MethodHandle RDTSC;
    private static final String UNAVAILABLE;

    static {
        MethodHandle handle = null;
        String reason = null;
        try {
            MemorySegment page = Libc.mmap(CODE.length, libc_h.PROT_READ | libc_h.PROT_WRITE,
                    libc_h.MAP_PRIVATE | libc_h.MAP_ANONYMOUS, -1, "rdtsc stub");
            MemorySegment.copy(MemorySegment.ofArray(CODE), 0, page, 0, CODE.length);
            Libc.mprotect(page, libc_h.PROT_READ | libc_h.PROT_EXEC);
            handle = Linker.nativeLinker().downcallHandle(page, FunctionDescriptor.of(JAVA_LONG),
                    Linker.Option.critical(false));
            long a = (long) handle.invokeExact();
            long b = (long) handle.invokeExact();
            if (b - a < 0) reason = "the TSC went backwards between two reads";
        } catch (Throwable t) {
            reason = "cannot map an executable rdtsc stub: " + t.getMessage();
        }
        RDTSC = reason == null ? handle : null;
        UNAVAILABLE = reason;
    }

    public static boolean available() {
        return RDTSC != null;
    }

    /** Why {@link #read()} cannot be used here; null when it can. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The host TSC, after all earlier loads ({@code lfence; rdtsc}). */
    public static long read() {
        if (RDTSC == null) throw new IllegalStateException("rdtsc unavailable: " + UNAVAILABLE);
        try {
            return (long) RDTSC.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

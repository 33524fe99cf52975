package kvmclockprobe.sys;

import kvmclockprobe.bindings.errno_h;

/**
 * A system call or ioctl that failed. The message names the call, the errno name and its
 * meaning, for example {@code KVM_XEN_HVM_CONFIG failed: EINVAL (Invalid argument)}.
 */
public class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + " failed: " + errno_h.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public SyscallException(String call, int errno, String detail) {
        super(call + " failed: " + errno_h.name(errno) + " (" + Libc.strerror(errno) + "): " + detail);
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, in the kernel's words ({@code KVM_RUN}, {@code open /dev/kvm}). */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** What the errno means, from {@code strerror}. */
    public String meaning() {
        return Libc.strerror(errno);
    }

    public String errnoName() {
        return errno_h.name(errno);
    }
}

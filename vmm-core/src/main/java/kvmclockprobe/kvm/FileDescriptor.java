package kvmclockprobe.kvm;

import kvmclockprobe.sys.Libc;

/**
 * An owned file descriptor: closed exactly once; using it after close throws.
 */
final class FileDescriptor implements AutoCloseable {
    private final String what;
    private volatile int fd;

    FileDescriptor(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /** The raw descriptor; throws if this handle was closed. */
    int get() {
        int f = fd;
        if (f < 0) throw new IllegalStateException(what + " is closed");
        return f;
    }

    @Override
    public void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            Libc.close(f);
        }
    }

    @Override
    public String toString() {
        return what + (fd >= 0 ? " (fd " + fd + ")" : " (closed)");
    }
}

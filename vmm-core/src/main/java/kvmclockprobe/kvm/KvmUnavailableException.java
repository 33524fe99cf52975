package kvmclockprobe.kvm;

import java.nio.file.Path;

import kvmclockprobe.sys.SyscallException;

/**
 * The KVM device cannot be used: missing, not accessible, or not a KVM device. The message is
 * one line that says which, for example
 * {@code cannot use /dev/kvm: open failed: EACCES (Permission denied)}.
 */
public final class KvmUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KvmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    static KvmUnavailableException openFailed(Path path, SyscallException e) {
        return new KvmUnavailableException("cannot use " + path + ": open failed: " + e.errnoName()
                + " (" + e.meaning() + ")", e);
    }

    static KvmUnavailableException notKvm(Path path, RuntimeException e) {
        return new KvmUnavailableException(path + " is not a usable KVM device: " + e.getMessage(), e);
    }
}

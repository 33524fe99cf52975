package kvmclockprobe.cli;

import java.nio.file.Path;

import kvmclockprobe.kvm.Kvm;
import picocli.CommandLine.Option;

/** The {@code --kvm-device} option every command that talks to KVM shares. */
public final class KvmDeviceOption {
    // No defaultValue: the default is the field's initial value, Kvm.DEFAULT_PATH, which follows
    // $KVMCLOCK_KVM_DEVICE like the tests do.
    @Option(names = "--kvm-device", paramLabel = "PATH",
            description = "KVM device to open (default: ${DEFAULT-VALUE}; $" + Kvm.DEVICE_ENV + " changes it).")
    Path path = Kvm.DEFAULT_PATH;

    /** Opens the device; a missing, inaccessible or non-KVM device is a {@link kvmclockprobe.kvm.KvmUnavailableException} (exit 4). */
    public Kvm open() {
        return Kvm.open(path);
    }
}

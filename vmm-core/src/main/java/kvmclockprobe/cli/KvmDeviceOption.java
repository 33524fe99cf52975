package kvmclockprobe.cli;

import java.nio.file.Path;

import kvmclockprobe.kvm.Kvm;
import picocli.CommandLine.Option;

/** The {@code --kvm-device} option every command that talks to KVM shares. */
public final class KvmDeviceOption {
    @Option(names = "--kvm-device", paramLabel = "PATH", defaultValue = "/dev/kvm",
            description = "KVM device to open (default: ${DEFAULT-VALUE}).")
    Path path = Kvm.DEFAULT_PATH;

    /** Opens the device; failures surface as {@link kvmclockprobe.sys.SyscallException} (exit 4). */
    public Kvm open() {
        return Kvm.open(path);
    }
}

package kvmclockprobe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;

import kvmclockprobe.kvm.Kvm;

/** Tests that need the real /dev/kvm open it here, and skip with the reason when the host has none. */
public final class RealKvm {
    private RealKvm() {}

    public static Kvm open() {
        assumeTrue(Files.exists(Kvm.DEFAULT_PATH), "this host has no /dev/kvm");
        assumeTrue(Files.isReadable(Kvm.DEFAULT_PATH) && Files.isWritable(Kvm.DEFAULT_PATH),
                "/dev/kvm is not readable and writable by this user");
        return Kvm.open();
    }
}

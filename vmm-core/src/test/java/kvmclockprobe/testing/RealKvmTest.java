package kvmclockprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import kvmclockprobe.kvm.Kvm;

/** The reasons {@link RequiresKvm} tests skip with, on devices that are not a usable KVM (no KVM needed). */
class RealKvmTest {

    @Test
    void aMissingDeviceIsNamedAndSoIsTheOverrideThatHidesIt() {
        assertThat(RealKvm.probe(Path.of("/dev/kvm-that-is-not-here"), null))
                .hasValue("this host has no /dev/kvm-that-is-not-here");
        assertThat(RealKvm.probe(Path.of("/nonexistent"), "/nonexistent"))
                .hasValue("KVMCLOCK_KVM_DEVICE=/nonexistent hides the KVM device: /nonexistent does not exist");
    }

    @Test
    void aDeviceThatIsNotKvmIsUnusableWithTheKernelsAnswer() {
        assertThat(RealKvm.probe(Path.of("/dev/null"), "/dev/null")).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("/dev/null is not a usable KVM device").contains("ENOTTY"));
    }

    @Test
    void theSuiteAsksAboutTheCommandLinesDefaultDevice() {
        assertThat(RealKvm.unusableReason()).isEqualTo(RealKvm.probe(Kvm.DEFAULT_PATH, System.getenv(Kvm.DEVICE_ENV)));
    }
}

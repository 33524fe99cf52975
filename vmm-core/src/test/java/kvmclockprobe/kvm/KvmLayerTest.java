package kvmclockprobe.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import kvmclockprobe.bindings.kvm_cpuid_entry2;
import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.x86.Cpuid;
import kvmclockprobe.sys.SyscallException;
import kvmclockprobe.testing.RequiresKvm;

/** The safe KVM layer against the real /dev/kvm (the tests marked {@link RequiresKvm}), and its failures without it. */
class KvmLayerTest {

    @RequiresKvm
    @Test
    void createsAndClosesVmAndVcpu(Kvm kvm) {
        Vm vm = kvm.createVm();
        Vcpu vcpu = vm.createVcpu(0);
        assertThat(vcpu.getTscKhz()).isPositive();
        vm.close();
        assertThatThrownBy(vcpu::getRegs).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> vm.createVcpu(1)).isInstanceOf(IllegalStateException.class);
        vm.close(); // idempotent
    }

    @RequiresKvm
    @Test
    void helloGuestExitsWithItsValueThenHalts(Kvm kvm) {
        try (Machine m = Machine.boot(kvm, GuestImage.HELLO, 1)) {
            Vcpu vcpu = m.vcpus().getFirst();
            VcpuExit first = vcpu.run();
            assertThat(first).isInstanceOf(VcpuExit.Io.class);
            VcpuExit.Io io = (VcpuExit.Io) first;
            assertThat(io.out()).isTrue();
            assertThat(io.port()).isEqualTo(GuestAbi.PORT_DOORBELL);
            assertThat(io.size()).isEqualTo(4);
            assertThat(io.value()).isEqualTo(Integer.toUnsignedLong(GuestAbi.DOORBELL_HELLO_VALUE));
            assertThat(vcpu.run()).isInstanceOf(VcpuExit.Hlt.class);
        }
    }

    @RequiresKvm
    @Test
    void vcpusAreGivenTheKvmParavirtLeavesSoKvmclockIsAdvertised(Kvm kvm) {
        try (Machine m = Machine.create(kvm, GuestImage.HELLO)) {
            MemorySegment signature = Cpuid.find(m.cpuid(), kvm_h.KVM_CPUID_SIGNATURE, 0);
            assertThat(signature).as("CPUID 0x40000000 kept").isNotNull();
            // "KVMKVMKVM\0\0\0" in EBX, ECX, EDX
            assertThat(kvm_cpuid_entry2.ebx(signature)).isEqualTo(0x4b4d564b);
            assertThat(Cpuid.advertisesKvmclock(m.cpuid())).as("KVM_FEATURE_CLOCKSOURCE2").isTrue();
            assertThat(Cpuid.advertisesStableBit(m.cpuid())).as("KVM_FEATURE_CLOCKSOURCE_STABLE_BIT").isTrue();
        }
    }

    @RequiresKvm
    @Test
    void faultingGuestReportsTheVectorThroughItsFaultPort(Kvm kvm) {
        try (Machine m = Machine.boot(kvm, GuestImage.FAULT, 1)) {
            VcpuExit exit = m.vcpus().getFirst().run();
            assertThat(exit).isEqualTo(new VcpuExit.Io(true, GuestAbi.PORT_FAULT, 4, 1, 6)); // #UD
            long block = GuestAbi.VCPU_BLOCK_GPA;
            assertThat(m.ram().readU64(block + GuestAbi.VCPU_OFF_FAULT_VECTOR)).isEqualTo(6L);
            assertThat(m.ram().readU64(block + GuestAbi.VCPU_OFF_FAULT_RIP))
                    .isBetween(GuestAbi.IMAGE_GPA, GuestAbi.IMAGE_GPA + GuestAbi.IMAGE_MAX_SIZE);
        }
    }

    @RequiresKvm
    @Test
    void masterClockComesOnAfterTheFirstRunAndCapsReportsWhatWasMeasured(Kvm kvm) {
        boolean before;
        boolean after;
        try (Machine m = Machine.boot(kvm, GuestImage.HELLO, 1)) {
            before = m.vm().getClock().tscStable();
            HostProbe.runHelloToHlt(m.vcpus().getFirst());
            ClockData clock = m.vm().getClock();
            after = clock.tscStable();
            assertThat(clock.clockNs()).isPositive();
        }
        HostFacts facts = HostProbe.collect(kvm);
        assertThat(facts.masterClock()).isEqualTo(after);
        assertThat(facts.masterClockBeforeRun()).isEqualTo(before);
        // On this kind of host (clocksource tsc) master-clock mode must come on.
        if (facts.clocksource().equals("tsc")) {
            assertThat(after).as("KVM_CLOCK_TSC_STABLE after the first run with clocksource tsc").isTrue();
        }
    }

    @RequiresKvm
    @Test
    void failedIoctlNamesTheIoctlAndTheErrno(Kvm kvm) {
        try (Vm vm = kvm.createVm()) {
            vm.createVcpu(0);
            assertThatThrownBy(() -> vm.createVcpu(0))
                    .isInstanceOfSatisfying(SyscallException.class, e -> {
                        assertThat(e.call()).isEqualTo("KVM_CREATE_VCPU");
                        assertThat(e.errno()).isEqualTo(libc_h.EEXIST);
                        assertThat(e.getMessage()).isEqualTo("KVM_CREATE_VCPU failed: EEXIST (File exists)");
                    });
            assertThatThrownBy(() -> vm.enableCap(0x7fff_fff0, 0))
                    .isInstanceOfSatisfying(SyscallException.class, e -> {
                        assertThat(e.call()).isEqualTo("KVM_ENABLE_CAP");
                        assertThat(e.errnoName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).isEqualTo("KVM_ENABLE_CAP failed: EINVAL (Invalid argument)");
                    });
        }
    }

    @Test
    void missingDeviceIsReportedAsUnavailable() {
        assertThatThrownBy(() -> Kvm.open(Path.of("/nonexistent/kvm")))
                .isInstanceOf(KvmUnavailableException.class)
                .hasMessage("cannot use /nonexistent/kvm: open failed: ENOENT (No such file or directory)");
        assertThatThrownBy(() -> Kvm.open(Path.of("/dev/null")))
                .isInstanceOf(KvmUnavailableException.class)
                .hasMessageContaining("/dev/null is not a usable KVM device: KVM_GET_API_VERSION failed: ENOTTY");
    }

    @Test
    void theDefaultDeviceIsDevKvmUnlessTheEnvironmentNamesAnother() {
        assertThat(Kvm.defaultPath(null)).isEqualTo(Path.of("/dev/kvm"));
        assertThat(Kvm.defaultPath("")).isEqualTo(Path.of("/dev/kvm"));
        assertThat(Kvm.defaultPath("/nonexistent")).isEqualTo(Path.of("/nonexistent"));
        assertThat(Kvm.DEFAULT_PATH).isEqualTo(Kvm.defaultPath(System.getenv(Kvm.DEVICE_ENV)));
    }

    @RequiresKvm
    @Test
    void guestMemoryChecksBounds(Kvm kvm) {
        try (Machine m = Machine.create(kvm, GuestImage.HELLO)) {
            GuestMemory ram = m.ram();
            assertThat(ram.size()).isEqualTo(GuestAbi.RAM_SIZE);
            ram.writeU64(GuestAbi.RAM_SIZE - 8, 0x1122334455667788L);
            assertThat(ram.readU64(GuestAbi.RAM_SIZE - 8)).isEqualTo(0x1122334455667788L);
            assertThatThrownBy(() -> ram.readU64(GuestAbi.RAM_SIZE - 4))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("outside slot 0");
            assertThatThrownBy(() -> ram.slice(-8, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @RequiresKvm
    @Test
    void kickEndsARunningGuest(Kvm kvm) throws Exception {
        try (Machine m = Machine.boot(kvm, GuestImage.SPIN, 1)) {
            Vcpu vcpu = m.vcpus().getFirst();
            VcpuExit[] result = new VcpuExit[1];
            Thread t = Thread.ofPlatform().start(() -> {
                result[0] = vcpu.run();
                vcpu.releaseThread();
            });
            Thread.sleep(200);
            assertThat(t.isAlive()).as("spin guest still running before the kick").isTrue();
            vcpu.kick();
            t.join(5_000);
            assertThat(t.isAlive()).as("vCPU thread returned after the kick").isFalse();
            assertThat(result[0]).isInstanceOf(VcpuExit.Interrupted.class);
        }
    }

    @RequiresKvm
    @Test
    void thousandVmCyclesLeaveTheFileDescriptorCountUnchanged(Kvm kvm) throws IOException {
        // Warm up lazily-opened descriptors (jar files, /proc) before counting.
        try (Vm vm = kvm.createVm()) {
            vm.createVcpu(0);
        }
        long before = openFileDescriptors();
        for (int i = 0; i < 1_000; i++) {
            try (Vm vm = kvm.createVm()) {
                if (i % 10 == 0) vm.createVcpu(0);
            }
        }
        assertThat(openFileDescriptors()).isEqualTo(before);
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @RequiresKvm
    @Test
    void capabilityQueriesAnswer(Kvm kvm) {
        assertThat(kvm.apiVersion()).isEqualTo(kvm_h.KVM_API_VERSION);
        assertThat(kvm.checkExtension(Capability.MAX_VCPUS)).isPositive();
        assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(4096);
        assertThat(Libc.monotonicRawNs()).isPositive();
    }
}

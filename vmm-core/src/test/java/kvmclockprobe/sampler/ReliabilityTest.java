package kvmclockprobe.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import kvmclockprobe.clock.LinearFit;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.testing.RequiresKvm;

/**
 * What a VMM must not leak, on the real KVM: descriptors, kvm_run and guest RAM mappings,
 * threads and memory, over many VM cycles and on the failure paths.
 */
@RequiresKvm
class ReliabilityTest {
    /** VM cycles: 10,000 on a KVM host; the lab (QEMU TCG) sets KVMCLOCK_VM_CYCLES=1000. */
    static int cycles() {
        String v = System.getenv("KVMCLOCK_VM_CYCLES");
        return v == null || v.isBlank() ? 10_000 : Integer.parseInt(v.strip());
    }

    /** What the process holds that a VM could leak. */
    record Held(long fds, long kvmMappings, java.util.Set<Long> probeMappings, long vcpuThreads) {
        static Held now() {
            long fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> maps = read("/proc/self/maps");
            long kvm = maps.stream().filter(l -> l.contains("kvm")).count();
            java.util.Set<Long> ours = Libc.liveMappings().keySet();
            // and every one of ours really is mapped, by /proc/self/maps
            for (long address : ours) {
                assertThat(maps).as("mapping at 0x%x in /proc/self/maps", address)
                        .anyMatch(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf('-')), 16) == address);
            }
            long threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && (t.getName().startsWith("vcpu-") || t.getName().equals("sampler-watchdog"))).count();
            return new Held(fds, kvm, java.util.Set.copyOf(ours), threads);
        }

    }

    static List<String> read(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long rssBytes() {
        String[] statm = read("/proc/self/statm").getFirst().split(" ");
        return Long.parseLong(statm[1]) * 4096;
    }

    /**
     * Resident memory outside the Java heap: what a leaked mapping or native allocation grows.
     * (The heap's committed size grows and stays with the collector's choices, not with leaks.)
     */
    static long nativeRssBytes() {
        return rssBytes() - Runtime.getRuntime().totalMemory();
    }

    @Test
    void vmCyclesLeaveNoDescriptorMappingOrMemoryBehind(Kvm kvm) {
        int n = cycles();
        int warmUp = Math.max(50, n / 4);
        LinearFit rss = null;
        Held before = null;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (i == warmUp) {
                System.gc();
                before = Held.now();
                rss = new LinearFit(i, nativeRssBytes());
            }
            try (Machine m = Machine.boot(kvm, GuestImage.HELLO, 1)) {
                HostProbe.runHelloToHlt(m.vcpus().getFirst());
            }
            if (rss != null && i % Math.max(1, n / 50) == 0) rss.add(i, nativeRssBytes());
        }
        System.gc();
        Held after = Held.now();
        rss.add(n, nativeRssBytes());
        double mibPer1000 = rss.slope() * 1000 / (1 << 20);
        System.out.printf(Locale.ROOT, "VM cycles: %d create->run->destroy in %.1f s; fds %d -> %d; kvm mappings %d -> %d; "
                        + "RSS outside the Java heap: slope after %d warm-up cycles %.3f MiB per 1000 cycles%n", n, (System.nanoTime() - start) / 1e9,
                before.fds(), after.fds(), before.kvmMappings(), after.kvmMappings(), warmUp, mibPer1000);
        assertThat(after.fds()).as("open descriptors").isEqualTo(before.fds());
        assertThat(after.kvmMappings()).as("kvm_run mappings").isEqualTo(before.kvmMappings());
        assertThat(after.probeMappings()).as("guest RAM and kvm_run mappings (Libc.liveMappings)").isEqualTo(before.probeMappings());
        assertThat(mibPer1000).as("RSS growth, MiB per 1000 cycles").isLessThanOrEqualTo(1.0);
    }

    @Test
    void aRunnerThreadThatFailsToStartLeavesNothingBehind(Kvm kvm) {
        Held before = Held.now();
        AtomicInteger started = new AtomicInteger();
        SamplerSession.ThreadStarter failSecond = (name, r) -> {
            if (started.incrementAndGet() == 2) throw new IllegalStateException("injected: cannot start " + name);
            return Thread.ofPlatform().name(name).start(r);
        };
        assertThatThrownBy(() -> SamplerSession.launch(kvm, GuestImage.SAMPLER, 2, SamplerSession.Options.defaults(), failSecond))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("injected");
        assertThat(started).hasValue(2);
        assertThat(Held.now()).as("descriptors, mappings and vCPU threads after the failed launch").isEqualTo(before);
    }

    /** The calling thread's blocked-signal mask, from /proc (SigBlk). */
    static long blockedSignals() {
        String line = read("/proc/self/task/" + Libc.gettid() + "/status").stream()
                .filter(l -> l.startsWith("SigBlk:")).findFirst().orElseThrow();
        return Long.parseUnsignedLong(line.substring("SigBlk:".length()).strip(), 16);
    }

    @Test
    void aGuestThatNeverExitsIsCutOffAndTheThreadKeepsNoKickSignalBlocked(Kvm kvm) {
        long sigusr1 = 1L << (10 - 1);
        long start = System.nanoTime();
        try (Machine m = Machine.boot(kvm, GuestImage.SPIN, 1)) {
            assertThatThrownBy(() -> HostProbe.runHelloToHlt(m.vcpus().getFirst()))
                    .isInstanceOf(GuestFailure.class)
                    .hasMessageContaining("no exit within 5 s on vCPU 0")
                    .hasMessageContaining("rip=");
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "a guest that never exits: cut off after %.1f s%n", s);
        assertThat(s).isLessThan(10);
        assertThat(blockedSignals() & sigusr1).as("SIGUSR1 blocked after").isZero();
    }

    @Test
    void aVmOnAClosedKvmHandleLeavesNothingBehind() {
        Kvm closed = Kvm.open();
        closed.close();
        Held before = Held.now();
        assertThatThrownBy(() -> Machine.create(closed, GuestImage.HELLO)).isInstanceOf(IllegalStateException.class);
        assertThat(Held.now()).isEqualTo(before);
    }

    /** Guest code at the entry point instead of the sampler: the faults a VMM must report, not crash on. */
    static SamplerSession misbehaving(Kvm kvm, byte... code) {
        return SamplerSession.launch(kvm, GuestImage.SAMPLER, 1, SamplerSession.Options.defaults().withHangLimit(java.time.Duration.ofSeconds(3)),
                (name, r) -> Thread.ofPlatform().name(name).start(r), ram -> ram.write(GuestAbi.IMAGE_GPA, code));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
            // lidt [rip+2] (a zero-limit IDT right after the ud2), ud2: #UD cannot be delivered -> triple fault
            "triple fault, 0F011D020000000F0B00000000000000000000, KVM_EXIT_SHUTDOWN (triple fault)",
            // cli; hlt: halted with interrupts off, and no interrupt will ever come
            "hlt with interrupts off, FAF4, KVM_EXIT_HLT",
            // jmp . : spins forever, never rings a doorbell
            "spin, EBFE, hung: no doorbell",
            // mov $0x20000000, %eax; flds (%rax): x87 from a mapped GPA without a memslot -> KVM cannot emulate it
            "emulation failure, B800000020D900, KVM_EXIT_INTERNAL_ERROR KVM_INTERNAL_ERROR_EMULATION"})
    void aMisbehavingGuestIsAClearErrorNamingTheVcpuAndItsRegisters(String what, String hex, String expected, Kvm kvm) {
        byte[] code = java.util.HexFormat.of().parseHex(hex);
        Held before = Held.now();
        long start = System.nanoTime();
        try (SamplerSession s = misbehaving(kvm, code)) {
            assertThatThrownBy(() -> s.sampleFor(java.time.Duration.ofSeconds(10)))
                    .as(what).isInstanceOf(GuestFailure.class)
                    .hasMessageContaining("vCPU 0").hasMessageContaining(expected).hasMessageContaining("rip=");
        } catch (GuestFailure | IllegalStateException e) {
            // start() itself may already have seen the failure: the same checks on that
            assertThat(e.getMessage()).as(what).contains("vCPU 0").contains(expected).contains("rip=");
        }
        System.out.printf(Locale.ROOT, "%s: reported after %.1f s%n", what, (System.nanoTime() - start) / 1e9);
        assertThat(Held.now()).as("nothing left behind after %s", what).isEqualTo(before);
    }
}

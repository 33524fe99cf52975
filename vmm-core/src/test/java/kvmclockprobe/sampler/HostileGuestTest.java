package kvmclockprobe.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.testing.RequiresKvm;

/**
 * A running guest that attacks the host side of the guest ABI ({@code HOSTILE} image): random and
 * adversarial values in its vCPU block and event ring, odd doorbell values, doorbell storms. Each
 * seeded case boots a fresh VM and runs until the host stops it with an error; the host must
 * answer with a {@link GuestProtocolError} or a {@link GuestFailure} and nothing else, never hang
 * (each case is bounded) and leave nothing behind. 10,000 cases on a KVM host; the lab (QEMU
 * TCG) sets {@code KVMCLOCK_HOSTILE_CASES}. {@code KVMCLOCK_HOSTILE_SEED} repeats a run.
 */
@RequiresKvm
class HostileGuestTest {
    static final Duration CASE_LIMIT = Duration.ofSeconds(5);

    static int cases() {
        String v = System.getenv("KVMCLOCK_HOSTILE_CASES");
        return v == null || v.isBlank() ? 10_000 : Integer.parseInt(v.strip());
    }

    static long seed() {
        String v = System.getenv("KVMCLOCK_HOSTILE_SEED");
        return v == null || v.isBlank() ? 20261202L : Long.parseLong(v.strip());
    }

    @Test
    void aHostileGuestGetsAClearErrorAndLeavesNothingBehind(Kvm kvm) {
        int cases = cases();
        long seed = seed();
        SamplerSession.Options options = SamplerSession.Options.defaults().withHangLimit(Duration.ofSeconds(2));
        Map<String, Integer> outcomes = new TreeMap<>();
        // Warm-up: the first VM maps what the process keeps (the rdtsc page, classes' native state).
        runCase(kvm, options, seed);
        ReliabilityTest.Held before = ReliabilityTest.Held.now();
        long start = System.nanoTime();
        long slowestNs = 0;
        for (int i = 0; i < cases; i++) {
            long caseSeed = seed + i;
            long t0 = System.nanoTime();
            String outcome = runCase(kvm, options, caseSeed);
            slowestNs = Math.max(slowestNs, System.nanoTime() - t0);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        ReliabilityTest.Held after = ReliabilityTest.Held.now();
        System.out.printf("hostile guest: seed %d, %d cases in %.1f s (slowest %.2f s): %s%n", seed, cases,
                (System.nanoTime() - start) / 1e9, slowestNs / 1e9, outcomes);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(cases);
        assertThat(outcomes.keySet()).as("every case ended in a clear guest error").allMatch(k -> k.startsWith("GuestProtocolError") || k.startsWith("GuestFailure"));
        assertThat(after.fds()).as("open descriptors").isEqualTo(before.fds());
        assertThat(after.probeMappings()).as("the probe's mappings").isEqualTo(before.probeMappings());
        assertThat(after.vcpuThreads()).as("vCPU threads").isEqualTo(before.vcpuThreads());
    }

    /**
     * One case: the hostile guest on a fresh VM until the host's first error, at most
     * {@link #CASE_LIMIT}. Returns the kind of the error ("GuestProtocolError", or "GuestFailure: "
     * and its message without numbers), or "other ..." for anything that is not a clear guest error.
     */
    static String runCase(Kvm kvm, SamplerSession.Options options, long seed) {
        try (SamplerSession s = SamplerSession.launchPatched(kvm, GuestImage.HOSTILE, 1, options,
                (name, r) -> Thread.ofPlatform().name(name).start(r),
                m -> m.ram().writeU64(GuestAbi.CONTROL_GPA + GuestAbi.CTL_OFF_FUZZ_SEED, seed))) {
            long deadline = System.nanoTime() + CASE_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                s.checkHealthy();
                Thread.sleep(1);
            }
            return "other: seed " + seed + " ran " + CASE_LIMIT + " without an error";
        } catch (GuestProtocolError e) {
            return "GuestProtocolError";
        } catch (GuestFailure e) {
            return "GuestFailure: " + kind(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "other: interrupted";
        } catch (RuntimeException e) {
            return "other: seed " + seed + " " + e;
        }
    }

    /** The message without its numbers: "vCPU 0 reported error 9 (unknown)" and the like, grouped. */
    static String kind(String message) {
        return message == null ? "" : message.replaceAll("[0-9]+|0x[0-9a-f]+", "N").replaceAll(";.*", "");
    }
}

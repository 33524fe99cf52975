package kvmclockprobe.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.sampler.GuestProtocolError;
import kvmclockprobe.sampler.VcpuBlock;

/**
 * A hostile guest, as the host sees it: whatever the guest writes into its vCPU block and event
 * ring (random bytes, and the adversarial values: bad states and types, wrapped, equal, huge and
 * negative ring indices, events claiming another vCPU), reading it gives the parsed values or a
 * {@link GuestProtocolError}, never another exception, never a read outside guest memory (every
 * read goes through {@link GuestMemory}'s bounds checks), and never a hang. Needs no KVM: the
 * host's view of guest memory is an ordinary mapping. The seed is printed;
 * {@code KVMCLOCK_FUZZ_SEED} and {@code KVMCLOCK_FUZZ_CASES} repeat or extend a run.
 */
class HostileGuestMemoryTest {

    static long env(String name, long otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : Long.parseLong(v.strip());
    }

    @Test
    void everyHostileBlockIsParsedOrAProtocolErrorAndNothingElse() {
        long seed = env("KVMCLOCK_FUZZ_SEED", 20261202L);
        long cases = env("KVMCLOCK_FUZZ_CASES", 20_000);
        SplittableRandom random = new SplittableRandom(seed);
        long parsed = 0, protocolErrors = 0;
        long start = System.nanoTime();
        try (GuestMemory ram = new GuestMemory(0, 0, GuestAbi.RAM_SIZE)) {
            for (long c = 0; c < cases; c++) {
                int vcpu = random.nextInt(GuestAbi.MAX_VCPUS);
                long base = GuestAbi.vcpuBlockGpa(vcpu);
                hostile(ram, base, vcpu, random);
                VcpuBlock block = new VcpuBlock(ram, vcpu);
                boolean ok = true;
                try {
                    block.status();
                } catch (GuestProtocolError e) {
                    ok = false;
                    assertThat(e.getMessage()).contains("vCPU " + vcpu);
                }
                try {
                    assertThat(block.drain().size()).isBetween(0, GuestAbi.EVENT_RING_SLOTS);
                    // drained: the ring is consumed up to what was written
                    assertThat(ram.readU64(base + GuestAbi.VCPU_OFF_EVENTS_CONSUMED))
                            .isEqualTo(ram.readU64(base + GuestAbi.VCPU_OFF_EVENTS_WRITTEN));
                } catch (GuestProtocolError e) {
                    ok = false;
                    assertThat(e.getMessage()).contains("vCPU " + vcpu);
                }
                if (ok) parsed++;
                else protocolErrors++;
                assertThat(System.nanoTime() - start).as("no hang").isLessThan(Duration.ofMinutes(2).toNanos());
            }
        }
        System.out.printf("hostile guest memory: seed %d, %d cases: %d parsed, %d guest protocol errors, %.1f s%n",
                seed, cases, parsed, protocolErrors, (System.nanoTime() - start) / 1e9);
        assertThat(parsed).as("some hostile blocks are still valid").isPositive();
        assertThat(protocolErrors).as("most are caught").isGreaterThan(cases / 4);
    }

    /** One hostile state of the block: random bytes, then some fields set to adversarial values. */
    static void hostile(GuestMemory ram, long base, int vcpu, SplittableRandom random) {
        byte[] noise = new byte[(int) GuestAbi.VCPU_BLOCK_SIZE];
        random.nextBytes(noise);
        ram.write(base, noise);
        long[] counters = {0, 1, GuestAbi.EVENT_RING_SLOTS, GuestAbi.EVENT_RING_SLOTS + 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
                0xFFFF_FFFFL, 1L << 32, random.nextLong()};
        long consumed = counters[random.nextInt(counters.length)];
        long written = switch (random.nextInt(5)) {
            case 0 -> consumed; // empty
            case 1 -> consumed + random.nextInt(GuestAbi.EVENT_RING_SLOTS + 1); // valid, maybe wrapping past 2^64
            case 2 -> consumed - 1 - random.nextInt(5); // behind: negative pending
            case 3 -> consumed + GuestAbi.EVENT_RING_SLOTS + 1 + random.nextInt(1000); // overrun
            default -> counters[random.nextInt(counters.length)];
        };
        ram.writeU64(base + GuestAbi.VCPU_OFF_EVENTS_CONSUMED, consumed);
        ram.writeU64(base + GuestAbi.VCPU_OFF_EVENTS_WRITTEN, written);
        if (random.nextBoolean()) ram.writeU32(base + GuestAbi.VCPU_OFF_STATE, random.nextInt(8) - 2);
        // Make some events well-formed so the ring gets read deep, others claim another vCPU.
        for (long k = consumed; k != written && Long.compareUnsigned(k - consumed, GuestAbi.EVENT_RING_SLOTS) < 0; k++) {
            long e = GuestAbi.eventGpa(vcpu, k);
            int roll = random.nextInt(10);
            if (roll < 7) {
                ram.writeU32(e + GuestAbi.EVT_OFF_TYPE, GuestAbi.EVENT_VERSION_CHANGE + random.nextInt(3));
                ram.writeU32(e + GuestAbi.EVT_OFF_VCPU, roll == 0 ? vcpu + 1 : vcpu);
            }
        }
    }
}

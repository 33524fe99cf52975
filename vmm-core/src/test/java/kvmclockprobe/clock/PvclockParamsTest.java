package kvmclockprobe.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.pvclock_vcpu_time_info;

/** The pvclock arithmetic against BigInteger over the full range of shifts and multipliers. */
class PvclockParamsTest {
    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

    /** The guest's arithmetic, done with unbounded integers, reduced mod 2^64 like the u64 result. */
    static long reference(PvclockParams p, long tsc) {
        BigInteger delta = new BigInteger(Long.toUnsignedString(tsc - p.tscTimestamp()));
        if (p.shift() < 0) delta = delta.shiftRight(-p.shift());
        else delta = delta.shiftLeft(p.shift()).mod(U64);
        BigInteger product = delta.multiply(BigInteger.valueOf(Integer.toUnsignedLong(p.mul()))).shiftRight(32);
        BigInteger ns = product.add(new BigInteger(Long.toUnsignedString(p.systemTimeNs()))).mod(U64);
        return ns.longValue();
    }

    @Test
    void matchesBigIntegerOverAllShiftsAndMultipliers() {
        SplittableRandom random = new SplittableRandom(20261126);
        for (int shift = -32; shift <= 31; shift++) {
            for (int i = 0; i < 2_000; i++) {
                int mul = switch (i % 4) {
                    case 0 -> -1; // 0xFFFFFFFF
                    case 1 -> Integer.MIN_VALUE; // 0x80000000
                    default -> random.nextInt();
                };
                long stamp = random.nextLong();
                long tsc = switch (i % 3) {
                    case 0 -> stamp + random.nextLong(1L << 40); // typical: a few minutes later
                    case 1 -> random.nextLong(); // anything, including tsc < stamp (wraps, like u64)
                    default -> stamp;
                };
                PvclockParams p = new PvclockParams(2, stamp, random.nextLong(), mul, (byte) shift, (byte) 1);
                assertThat(p.nsAt(tsc)).as("%s at tsc %s", p, Long.toUnsignedString(tsc)).isEqualTo(reference(p, tsc));
            }
        }
    }

    @Test
    void beforeTheTimestampTheSignedLineMirrorsTheUnsignedOne() {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int shift = -8; shift <= 4; shift++) {
            for (int i = 0; i < 500; i++) {
                long stamp = 1L << 50;
                long d = random.nextLong(1L << 36);
                PvclockParams p = new PvclockParams(2, stamp, 1L << 52, random.nextInt(), (byte) shift, (byte) 1);
                assertThat(p.nsAtSigned(stamp + d)).isEqualTo(p.nsAt(stamp + d));
                // The clock d cycles before the stamp is as far below system_time as d cycles after is above it.
                assertThat(p.nsAtSigned(stamp - d)).isEqualTo(2 * p.systemTimeNs() - p.nsAt(stamp + d));
            }
        }
    }

    @Test
    void knownValue() {
        // 2.596124 GHz: one second of TSC is 2,596,124,000 cycles; KVM's mul/shift for it.
        PvclockParams p = new PvclockParams(2, 1_000, 5_000_000_000L, (int) 3308753585L, (byte) -1, (byte) 1);
        long oneSecond = p.nsAt(1_000 + 2_596_124_000L) - p.systemTimeNs();
        assertThat(oneSecond).isBetween(999_999_990L, 1_000_000_010L);
        assertThat(p.nsAt(1_000)).isEqualTo(5_000_000_000L);
    }

    @Test
    void mulShiftUsesTheFull128BitProduct() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long a = random.nextLong(), b = random.nextLong();
            int shift = 1 + random.nextInt(63);
            BigInteger expected = new BigInteger(Long.toUnsignedString(a)).multiply(new BigInteger(Long.toUnsignedString(b)))
                    .shiftRight(shift).mod(U64);
            assertThat(PvclockParams.mulShift(a, b, shift)).isEqualTo(expected.longValue());
        }
    }

    @Test
    void decodesTheKernelLayoutAndComparesClocks() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(pvclock_vcpu_time_info.sizeof());
            pvclock_vcpu_time_info.version(s, 6);
            pvclock_vcpu_time_info.tsc_timestamp(s, 0x1122334455667788L);
            pvclock_vcpu_time_info.system_time(s, 123_456_789L);
            pvclock_vcpu_time_info.tsc_to_system_mul(s, 0xC5310000);
            pvclock_vcpu_time_info.tsc_shift(s, (byte) -1);
            pvclock_vcpu_time_info.flags(s, (byte) 1);
            PvclockParams p = PvclockParams.readConsistent(s, 3);
            assertThat(p).isEqualTo(new PvclockParams(6, 0x1122334455667788L, 123_456_789L, 0xC5310000, (byte) -1, (byte) 1));
            assertThat(p.tscStable()).isTrue();
            assertThat(p.sameClockAs(new PvclockParams(8, p.tscTimestamp(), p.systemTimeNs(), p.mul(), p.shift(), p.flags()))).isTrue();
            assertThat(p.sameClockAs(new PvclockParams(6, p.tscTimestamp(), p.systemTimeNs() + 1, p.mul(), p.shift(), p.flags()))).isFalse();
        }
    }
}

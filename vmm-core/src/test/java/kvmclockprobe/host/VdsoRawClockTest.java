package kvmclockprobe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import kvmclockprobe.clock.KernelClockArithmetic;
import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.host.VdsoRawClock.Bracket;
import kvmclockprobe.host.VdsoRawClock.Found;
import kvmclockprobe.host.VdsoRawClock.Layout;
import kvmclockprobe.host.VdsoRawClock.Reading;
import kvmclockprobe.host.VdsoRawClock.Unavailable;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.Tsc;

/**
 * {@link VdsoRawClock} against page images built here from include/vdso/datapage.h (offsets
 * written out independently of {@link Layout}), and on this host's real vDSO.
 */
class VdsoRawClockTest {

    // ------------------------------------------------------------ a synthetic timekeeper

    /** tkr_raw for the tsc clocksource at 2096017 kHz: clocks_calc_mult_shift gives 8004332/24 (KVM-CLOCK.md). */
    static final long MULT = 8_004_332;
    static final int SHIFT = 24;

    /** A raw clock base: what update_vsyscall() copies from tkr_raw and raw_sec. */
    static final class Timekeeper {
        long mult = MULT;
        int shift = SHIFT;
        long cycleLast = 1_234_567_890_123L;
        long sec = 500_000;
        long nsecShifted = 123_456_789L << SHIFT;
        int seq = 1234;

        /** The raw time at {@code tsc}: sec * 1e9 + ((tsc - cycle_last) * mult + nsec) >> shift, worked in exact arithmetic. */
        long rawNs(long tsc) {
            BigInteger ns = BigInteger.valueOf(tsc - cycleLast).multiply(BigInteger.valueOf(mult))
                    .add(BigInteger.valueOf(nsecShifted)).shiftRight(shift);
            return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), ns.longValueExact());
        }

        /** timekeeping_advance() for the raw clock: accumulate up to {@code tsc}, normalise nsec into sec. */
        void advanceTo(long tsc) {
            nsecShifted += (tsc - cycleLast) * mult;
            cycleLast = tsc;
            while (nsecShifted >= (1_000_000_000L << shift)) {
                nsecShifted -= 1_000_000_000L << shift;
                sec++;
            }
            seq += 2;
        }
    }

    /** Brackets from a clock of {@code truth}: TSC steps of about 1 ms, clock_gettime 120 ns before and 130 ns after. */
    static class Brackets implements VdsoRawClock.Bracketing {
        final Timekeeper truth;
        long tsc;
        int taken;

        Brackets(Timekeeper truth) {
            this.truth = truth;
            this.tsc = truth.cycleLast + 12_345;
        }

        @Override
        public Bracket take() {
            tsc += 2_096_017 + taken++ * 7;
            long raw = truth.rawNs(tsc);
            return new Bracket(raw - 120, tsc, raw + 130);
        }

        long rawNowNs() {
            return truth.rawNs(truth.cycleLast + 12_345);
        }
    }

    // ------------------------------------------------------------ page images

    /** The layouts as the kernel headers spell them: whether max_cycles is there, whether the struct vdso_data tail is. */
    enum Kernel {
        V6_1(false, true), V6_10(true, true), V6_15(true, false), V6_15_NO_OVERFLOW_PROTECT(false, false);

        final boolean maxCycles;
        final boolean vdsoDataTail;

        Kernel(boolean maxCycles, boolean vdsoDataTail) {
            this.maxCycles = maxCycles;
            this.vdsoDataTail = vdsoDataTail;
        }

        /** sizeof(struct vdso_data) or sizeof(struct vdso_clock). */
        int size() {
            return 4 + 4 + 8 + (maxCycles ? 8 : 0) + 8 + 4 + 4 + 12 * 16 + (vdsoDataTail ? 4 + 4 + 4 + 4 : 0);
        }
    }

    /** A 4 KiB page with the clock-base array {@code [CS_HRES_COARSE], [CS_RAW]} at {@code at}. */
    static ByteBuffer page(Kernel k, int at, int clockMode, Timekeeper raw) {
        ByteBuffer p = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        // Some unrelated data around it: x86 up to 6.12 kept other vvars below offset 128.
        for (int i = 0; i < at; i += 8) p.putLong(i, 0x0123_4567_89ab_cdefL * (i + 1));
        writeBases(p, k, at, clockMode, raw);
        return p;
    }

    static void writeBases(ByteBuffer p, Kernel k, int at, int clockMode, Timekeeper raw) {
        int mc = k.maxCycles ? 8 : 0;
        for (int base = 0; base < 2; base++) {
            int o = at + base * k.size();
            p.putInt(o, raw.seq);                                   // u32 seq
            p.putInt(o + 4, clockMode);                             // s32 clock_mode
            p.putLong(o + 8, raw.cycleLast);                        // u64 cycle_last
            if (k.maxCycles) p.putLong(o + 16, 0x1c_d42e_4dffbL);   // u64 max_cycles
            p.putLong(o + 16 + mc, -1L);                            // u64 mask: CLOCKSOURCE_MASK(64)
            // u32 mult, u32 shift: tkr_mono's mult is NTP-adjusted, tkr_raw's is not.
            p.putInt(o + 24 + mc, (int) (base == 0 ? raw.mult + 1_234 : raw.mult));
            p.putInt(o + 28 + mc, raw.shift);
            int basetime = o + 32 + mc;
            if (base == 0) {
                p.putLong(basetime, 1_760_000_000L);                // [CLOCK_REALTIME].sec
                p.putLong(basetime + 8, 42L << raw.shift);
                p.putLong(basetime + 16, raw.sec + 3);              // [CLOCK_MONOTONIC].sec
                p.putLong(basetime + 24, 7L << raw.shift);
            } else {
                p.putLong(basetime + 4 * 16, raw.sec);              // [CLOCK_MONOTONIC_RAW].sec
                p.putLong(basetime + 4 * 16 + 8, raw.nsecShifted);  //                     .nsec << shift
            }
            if (k.vdsoDataTail && base == 0) p.putInt(basetime + 12 * 16 + 8, 1); // hrtimer_res
        }
    }

    static Reading find(ByteBuffer page, long pageOffset, Brackets brackets) {
        return VdsoRawClock.find(MemorySegment.ofBuffer(page), pageOffset, brackets.rawNowNs(), brackets,
                VdsoRawClock.TRIES, () -> { });
    }

    // ------------------------------------------------------------ synthetic pages

    @ParameterizedTest(name = "{0} at offset {1}")
    @CsvSource({
            "V6_1, 128, VDSO_DATA",                      // x86 before 6.10: DECLARE_VVAR(128, struct vdso_data, _vdso_data)
            "V6_10, 128, VDSO_DATA_MAX_CYCLES",          // 6.10 to 6.12: max_cycles added, still at 128
            "V6_10, 0, VDSO_DATA_MAX_CYCLES",            // 6.13, 6.14: the array moved to offset 0
            "V6_15, 0, VDSO_CLOCK_MAX_CYCLES",           // 6.15+: struct vdso_time_data.clock_data[]
            "V6_15_NO_OVERFLOW_PROTECT, 1528, VDSO_CLOCK", // anywhere else in the page
    })
    void findsTheRawBaseOfEachLayout(Kernel k, int at, Layout expected) {
        Timekeeper tk = new Timekeeper();
        Reading r = find(page(k, at, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk), 0, new Brackets(tk));

        assertThat(r).isInstanceOf(Found.class);
        Found f = (Found) r;
        assertThat(f.layout()).isEqualTo(expected);
        assertThat(f.offset()).isEqualTo(at);
        assertThat(f.scale()).isEqualTo(new ClocksourceScale(MULT, SHIFT));
        assertThat(f.errorNs()).isLessThanOrEqualTo(5);  // the bracket's middle, to rounding
        assertThat(f.bracketNs()).isEqualTo(250);
        assertThat(f.tries()).isEqualTo(VdsoRawClock.TRIES);
    }

    @Test
    void reportsTheOffsetWithinTheMapping() {
        Timekeeper tk = new Timekeeper();
        Reading r = find(page(Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk), 4096, new Brackets(tk));
        assertThat(((Found) r).offset()).isEqualTo(4096);
    }

    @ParameterizedTest(name = "clock_mode {0}")
    @CsvSource({"0, none", "2, pvclock", "3, hvclock"})
    void aClockNotReadWithRdtscIsUnavailableNamingTheMode(int mode, String name) {
        Timekeeper tk = new Timekeeper();
        Reading r = find(page(Kernel.V6_15, 0, mode, tk), 0, new Brackets(tk));

        assertThat(r).isInstanceOf(Unavailable.class);
        Unavailable u = (Unavailable) r;
        assertThat(u.reason()).isEqualTo("the vDSO's raw clock is not read with rdtsc here (clock_mode "
                + mode + ": " + name + ")");
        assertThat(u.clockMode()).isEqualTo(mode);
        assertThat(u.located().orElseThrow().raw().mult()).isEqualTo(MULT);
    }

    @Test
    void valuesThatDoNotReproduceTheClockAreNotAccepted() {
        Timekeeper published = new Timekeeper();
        Timekeeper truth = new Timekeeper();
        truth.mult = MULT + MULT / 100; // a clock 1% fast: 10 us off after 1 ms
        Reading r = find(page(Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, published), 0, new Brackets(truth));

        assertThat(r).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) r).reason()).startsWith("no candidate reproduced CLOCK_MONOTONIC_RAW: offset 0x0 (");
    }

    @Test
    void aTornReadIsNotAccepted() {
        Timekeeper tk = new Timekeeper();
        tk.seq = 1235; // odd: update_vsyscall() is between vdso_write_begin() and vdso_write_end()
        ByteBuffer p = page(Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk);

        assertThat(VdsoRawClock.readUnderSeq(MemorySegment.ofBuffer(p), Layout.VDSO_CLOCK_MAX_CYCLES.stride,
                Layout.VDSO_CLOCK_MAX_CYCLES)).isEmpty();
        Reading r = find(p, 0, new Brackets(tk));
        assertThat(r).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) r).reason()).contains("seq stayed odd");
    }

    @Test
    void theKernelUpdatingTheBaseBetweenTriesIsFollowed() {
        Timekeeper tk = new Timekeeper();
        ByteBuffer p = page(Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk);
        Brackets brackets = new Brackets(tk) {
            @Override
            public Bracket take() {
                Bracket b = super.take();
                tk.advanceTo(b.tsc() - 1_000); // a tick just before this reading
                writeBases(p, Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk);
                return b;
            }
        };
        Reading r = VdsoRawClock.find(MemorySegment.ofBuffer(p), 0, brackets.rawNowNs(), brackets,
                VdsoRawClock.TRIES, () -> { });

        assertThat(r).isInstanceOf(Found.class);
        assertThat(tk.seq).isEqualTo(1234 + 2 * VdsoRawClock.TRIES);
    }

    @Test
    void aPageWithoutTheDataHasNoCandidate() {
        Timekeeper tk = new Timekeeper();
        Brackets brackets = new Brackets(tk);
        assertThat(find(ByteBuffer.allocate(4096), 0, brackets)).isEqualTo(
                new Unavailable("no clock base in the vvar page at 0x0 looks like the kernel's vDSO data"));

        // A base time older than the timekeeper ever lets it get (600 s) is not the live clock.
        tk.sec -= 3_600;
        ByteBuffer stale = page(Kernel.V6_15, 0, VdsoRawClock.VDSO_CLOCKMODE_TSC, tk);
        tk.sec += 3_600;
        assertThat(VdsoRawClock.locate(MemorySegment.ofBuffer(stale), 0, brackets.rawNowNs())).isEmpty();
    }

    @Test
    void aTimeNamespacePageIsRecognised() {
        ByteBuffer p = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int base = 0; base < 2; base++) { // timens_setup_vdso_data(): seq 1, VDSO_CLOCKMODE_TIMENS, offsets
            p.putInt(base * 232, 1);
            p.putInt(base * 232 + 4, Integer.MAX_VALUE);
            p.putLong(base * 232 + 40 + 16, -3_600);
        }
        MemorySegment s = MemorySegment.ofBuffer(p);
        assertThat(VdsoRawClock.isTimensPage(s)).isTrue();
        assertThat(VdsoRawClock.locate(s, 0, 500_000_000_000_000L)).isEmpty();

        Timekeeper tk = new Timekeeper();
        assertThat(VdsoRawClock.isTimensPage(MemorySegment.ofBuffer(page(Kernel.V6_15, 0, 1, tk)))).isFalse();
    }

    @Test
    void rawNsAtIsDoHres() {
        VdsoRawClock.RawBase b = new VdsoRawClock.RawBase(2, 1, 1_000_000L, -1L, MULT, SHIFT, 10, 5L << SHIFT);
        // 1 ms of a 2096017 kHz TSC past cycle_last, on a base of 10 s + 5 ns.
        long expected = 10_000_000_000L + ((2_096_017L * MULT + (5L << SHIFT)) >> SHIFT);
        assertThat(VdsoRawClock.rawNsAt(b, 1_000_000L + 2_096_017L).longValueExact()).isEqualTo(expected);
        // Negative motion (a TSC before cycle_last) counts as none, as x86's vdso_calc_ns() does.
        assertThat(VdsoRawClock.rawNsAt(b, 999_000L).longValueExact()).isEqualTo(10_000_000_005L);
    }

    @Test
    void findsTheVvarMappingInProcMaps() {
        List<String> v618 = List.of(
                "7f9e3e5e2000-7f9e3e5e6000 r--p 00000000 00:00 0                          [vvar]",
                "7f9e3e5e6000-7f9e3e5e8000 r--p 00000000 00:00 0                          [vvar_vclock]",
                "7f9e3e5e8000-7f9e3e5ea000 r-xp 00000000 00:00 0                          [vdso]");
        assertThat(VdsoRawClock.vvarMapping(v618)).contains(new VdsoRawClock.VvarMapping(0x7f9e3e5e2000L, 0x4000, true));
        List<String> v61 = List.of(
                "7ffd1b5f0000-7ffd1b5f4000 r--p 00000000 00:00 0                          [vvar]",
                "7ffd1b5f4000-7ffd1b5f6000 r-xp 00000000 00:00 0                          [vdso]");
        assertThat(VdsoRawClock.vvarMapping(v61)).contains(new VdsoRawClock.VvarMapping(0x7ffd1b5f0000L, 0x4000, false));
        assertThat(VdsoRawClock.vvarMapping(List.of("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/cat"))).isEmpty();
    }

    // ------------------------------------------------------------ this host

    @Test
    void onThisHost() throws Exception {
        String clocksource = HostProbe.clocksource();
        Reading r = VdsoRawClock.read();
        System.out.printf("clocksource %s; kernel %s; %s%n", clocksource,
                Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(), r);
        if (r instanceof Unavailable u && u.reason().startsWith("no [vvar] mapping")) {
            assumeTrue(false, "this process has no vDSO (booted with vdso=0?): " + u.reason());
        }
        if (r instanceof Unavailable u) {
            u.located().ifPresent(c -> System.out.printf("located: clock_mode %d (%s), mult %d, shift %d at %s, %s%n",
                    c.raw().clockMode(), VdsoRawClock.clockModeName(c.raw().clockMode()), c.raw().mult(), c.raw().shift(),
                    "0x" + Long.toHexString(c.offset()), c.layout().description));
        }

        if (clocksource.equals("tsc")) {
            // The tsc clocksource is registered with vdso_clock_mode VDSO_CLOCKMODE_TSC.
            assumeTrue(Tsc.available(), "the host reads the raw clock with rdtsc, but Java cannot here: " + Tsc.unavailableReason());
            assertThat(r).as("tsc clocksource").isInstanceOf(Found.class);
            Found f = (Found) r;
            assertReproducesTheRawClockOver200Ms(f.scale());
            reportAgainstTheKernelArithmetic(f.scale());
        } else {
            // kvm-clock: VDSO_CLOCKMODE_PVCLOCK when the host says PVCLOCK_TSC_STABLE_BIT, else none;
            // the Hyper-V TSC page: VDSO_CLOCKMODE_HVCLOCK, or none; anything else (hpet, acpi_pm): none.
            Set<Integer> expected = switch (clocksource) {
                case "kvm-clock" -> Set.of(VdsoRawClock.VDSO_CLOCKMODE_PVCLOCK, VdsoRawClock.VDSO_CLOCKMODE_NONE);
                case "hyperv_clocksource_tsc_page" -> Set.of(VdsoRawClock.VDSO_CLOCKMODE_HVCLOCK, VdsoRawClock.VDSO_CLOCKMODE_NONE);
                default -> Set.of(VdsoRawClock.VDSO_CLOCKMODE_NONE);
            };
            assertThat(r).as("clocksource %s", clocksource).isInstanceOf(Unavailable.class);
            Unavailable u = (Unavailable) r;
            assertThat(u.reason()).startsWith("the vDSO's raw clock is not read with rdtsc here (clock_mode ");
            assertThat(u.clockMode()).as("clock mode for %s", clocksource).isIn(expected);
            assertThat(u.reason()).endsWith("(clock_mode " + u.clockMode() + ": " + VdsoRawClock.clockModeName(u.clockMode()) + ")");
            reportAgainstTheKernelArithmetic(null);
        }
    }

    /**
     * Independently of the page: two (rdtsc, CLOCK_MONOTONIC_RAW bracket) pairs 200 ms apart must
     * differ by {@code delta_tsc * mult >> shift}. One unit of mult is worth about 25 ns over 200 ms
     * at 2 GHz, so this pins mult to a few tens of units around the kernel's.
     */
    static void assertReproducesTheRawClockOver200Ms(ClocksourceScale scale) throws InterruptedException {
        long b1 = Libc.monotonicRawNs(), t1 = Tsc.read(), a1 = Libc.monotonicRawNs();
        Thread.sleep(200);
        long b2 = Libc.monotonicRawNs(), t2 = Tsc.read(), a2 = Libc.monotonicRawNs();
        long predicted = BigInteger.valueOf(t2 - t1).multiply(BigInteger.valueOf(scale.mult()))
                .shiftRight(scale.shift()).longValueExact();
        System.out.printf("over %d cycles: predicted %d ns, measured [%d, %d] ns%n", t2 - t1, predicted, b2 - a1, a2 - b1);
        assertThat(predicted).isBetween(b2 - a1 - 2_000, a2 - b1 + 2_000);
    }

    /** A report only: the raw mult/shift clocks_calc_mult_shift gives for the tsc_khz the kernel logged. */
    static void reportAgainstTheKernelArithmetic(ClocksourceScale found) {
        OptionalLong khz = loggedTscKhz();
        if (khz.isEmpty()) {
            System.out.println("tsc_khz: not in the kernel log (dmesg unreadable here)");
            return;
        }
        ClocksourceScale predicted = KernelClockArithmetic.tscClocksource(khz.getAsLong());
        System.out.printf("tsc_khz %d from the kernel log: clocks_calc_mult_shift gives mult %d shift %d; the vDSO has %s%n",
                khz.getAsLong(), predicted.mult(), predicted.shift(),
                found == null ? "no TSC raw clock" : "mult " + found.mult() + " shift " + found.shift()
                        + (found.equals(predicted) ? " (equal)" : " (different)"));
    }

    /** "tsc: Refined TSC clocksource calibration: 2096.017 MHz", else "tsc: Detected 2096.026 MHz processor". */
    static OptionalLong loggedTscKhz() {
        String log;
        try {
            Process p = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
            log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
        for (String pattern : List.of("tsc: Refined TSC clocksource calibration: (\\d+)\\.(\\d{3}) MHz",
                "tsc: Detected (\\d+)\\.(\\d{3}) MHz processor")) {
            Matcher m = Pattern.compile(pattern).matcher(log);
            Optional<Long> last = Optional.empty();
            while (m.find()) last = Optional.of(Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2)));
            if (last.isPresent()) return OptionalLong.of(last.get());
        }
        return OptionalLong.empty();
    }
}

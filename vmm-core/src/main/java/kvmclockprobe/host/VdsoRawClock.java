package kvmclockprobe.host;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.Tsc;

/**
 * The host kernel's raw clock {@code mult}/{@code shift}, read from the vDSO data page instead of
 * assumed. KVM's master clock converts the host TSC with {@code pvclock_gtod_data.raw_clock}, a
 * copy of the timekeeper's {@code tkr_raw}; {@code update_vsyscall()} (kernel/time/vsyscall.c)
 * publishes the same {@code tkr_raw} for the vDSO as the clock base {@code CS_RAW}, which is what
 * {@code clock_gettime(CLOCK_MONOTONIC_RAW)} computes from in user space:
 * {@code ns = (((cycles - cycle_last) & mask) * mult + basetime[CLOCK_MONOTONIC_RAW].nsec) >> shift},
 * {@code sec = basetime[CLOCK_MONOTONIC_RAW].sec + ns / NSEC_PER_SEC} ({@code do_hres()},
 * lib/vdso/gettimeofday.c; the stored nsec is shifted left by {@code shift}).
 *
 * <p>Each clock base is, in include/vdso/datapage.h, {@code u32 seq; s32 clock_mode; u64 cycle_last;
 * [u64 max_cycles;] u64 mask; u32 mult; u32 shift; struct vdso_timestamp basetime[VDSO_BASES]}
 * ({@code max_cycles} only with {@code CONFIG_GENERIC_VDSO_OVERFLOW_PROTECT}, which x86 selects since
 * 6.10), in an array of {@code CS_BASES} = 2: {@code [CS_HRES_COARSE]} then {@code [CS_RAW]}. Where
 * that array sits differs by version ({@link Layout}), so nothing here trusts an offset: every
 * offset of the time page is a candidate, a candidate must look like the kernel's data
 * ({@link #locate}), and one is accepted only when it reproduces {@code CLOCK_MONOTONIC_RAW} at an
 * {@code rdtsc} taken between two {@code clock_gettime(CLOCK_MONOTONIC_RAW)} calls, on several
 * tries ({@link #find}). That works only where the vDSO itself reads the clock with
 * {@code rdtsc} ({@code clock_mode} {@code VDSO_CLOCKMODE_TSC}); otherwise the answer is
 * {@link Unavailable}, naming the mode.
 *
 * <p>{@link #read()} is the I/O (the {@code [vvar]} mapping of this process, the TSC, the clock);
 * {@link #locate}, {@link #check} and {@link #find} are pure over a page image and given clock
 * readings.
 */
public final class VdsoRawClock {
    private VdsoRawClock() {}

    /** The vDSO data pages are 4 KiB on x86-64. */
    static final int PAGE_SIZE = 4096;
    /** {@code CLOCK_MONOTONIC_RAW}: the index of its {@code basetime} in every clock base. */
    static final int CLOCK_MONOTONIC_RAW = 4;
    /** {@code VDSO_BASES} = {@code CLOCK_TAI + 1}: the length of {@code basetime[]}. */
    static final int VDSO_BASES = 12;
    /** {@code sizeof(struct vdso_timestamp)}: {@code u64 sec; u64 nsec;}. */
    static final int VDSO_TIMESTAMP_SIZE = 16;

    /** {@code enum vdso_clock_mode} with x86's {@code VDSO_ARCH_CLOCKMODES} (arch/x86/include/asm/vdso/clocksource.h). */
    public static final int VDSO_CLOCKMODE_NONE = 0;
    public static final int VDSO_CLOCKMODE_TSC = 1;
    public static final int VDSO_CLOCKMODE_PVCLOCK = 2;
    public static final int VDSO_CLOCKMODE_HVCLOCK = 3;
    /** A time namespace's page: {@code seq} 1 and this mode force the vDSO to the real page. */
    public static final int VDSO_CLOCKMODE_TIMENS = Integer.MAX_VALUE;

    /**
     * How long {@code basetime[CLOCK_MONOTONIC_RAW].sec} may lag the clock: the timekeeper is
     * updated at least every {@code max_idle_ns} of its clocksource, and the TSC's and kvm-clock's
     * conversion range is capped at 600 s ({@code __clocksource_update_freq_scale}).
     */
    static final long MAX_BASETIME_LAG_S = 600;
    /** Beyond the {@code clock_gettime} bracket, what a reproduction may be off by. */
    static final long SLACK_NS = 5_000;
    /** Validations each candidate must pass. */
    static final int TRIES = 5;
    /** Rereads while {@code seq} is odd (an update in progress) or changes under the read. */
    static final int SEQ_RETRIES = 1_000;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The layouts of the clock-base array that kernels have used: the element with or without
     * {@code max_cycles}, and with or without the tail that {@code struct vdso_data} carried after
     * {@code basetime[]} ({@code tz_minuteswest, tz_dsttime, hrtimer_res, __unused}: 16 bytes;
     * x86's {@code arch_data} is empty). 6.15 split {@code struct vdso_data} into
     * {@code struct vdso_time_data} holding {@code struct vdso_clock clock_data[CS_BASES]} without
     * that tail. Where the array starts: x86 up to 6.12 at offset 128 of the vvar page
     * ({@code DECLARE_VVAR(128, struct vdso_data, _vdso_data)}), from 6.13 at 0.
     */
    public enum Layout {
        VDSO_DATA(false, 240, "struct vdso_data, before 6.10"),
        VDSO_DATA_MAX_CYCLES(true, 248, "struct vdso_data with max_cycles, 6.10 to 6.14"),
        VDSO_CLOCK(false, 224, "struct vdso_clock, 6.15+ without max_cycles"),
        VDSO_CLOCK_MAX_CYCLES(true, 232, "struct vdso_clock with max_cycles, 6.15+");

        /** Whether {@code u64 max_cycles} follows {@code cycle_last}. */
        public final boolean maxCycles;
        /** {@code sizeof} one array element: the distance from {@code [CS_HRES_COARSE]} to {@code [CS_RAW]}. */
        public final int stride;
        public final String description;

        Layout(boolean maxCycles, int stride, String description) {
            this.maxCycles = maxCycles;
            this.stride = stride;
            this.description = description;
        }

        static final int SEQ = 0;
        static final int CLOCK_MODE = 4;
        static final int CYCLE_LAST = 8;
        static final int MAX_CYCLES = 16;

        int mask() {
            return maxCycles ? 24 : 16;
        }

        int mult() {
            return mask() + 8;
        }

        int shift() {
            return mask() + 12;
        }

        int basetime(int clockId) {
            return mask() + 16 + clockId * VDSO_TIMESTAMP_SIZE;
        }

        /** Bytes of one clock base up to the end of {@code basetime[]}. */
        int span() {
            return basetime(VDSO_BASES);
        }
    }

    /** The {@code CS_RAW} clock base as read: {@code tkr_raw}'s fields and the raw clock's base time. */
    public record RawBase(int seq, int clockMode, long cycleLast, long mask, long mult, int shift,
                          long sec, long nsecShifted) {}

    /** A place in the vvar mapping that holds what looks like the kernel's clock-base array. */
    public record Candidate(long offset, Layout layout, RawBase raw) {
        /** Where {@code [CS_RAW]} starts, within the mapping. */
        public long rawBaseOffset() {
            return offset + layout.stride;
        }

        String describe() {
            return "offset 0x" + Long.toHexString(offset) + " (" + layout.description + ")";
        }
    }

    /**
     * One reading of the clocks: {@code clock_gettime(CLOCK_MONOTONIC_RAW)}, then {@code rdtsc},
     * then {@code clock_gettime(CLOCK_MONOTONIC_RAW)} again.
     */
    public record Bracket(long rawBeforeNs, long tsc, long rawAfterNs) {}

    /** Takes a {@link Bracket}; may throw {@link IllegalStateException} when the TSC cannot be read. */
    @FunctionalInterface
    public interface Bracketing {
        Bracket take();
    }

    /** What {@link #read()} found: the raw clock's scale, or why it cannot be known here. */
    public sealed interface Reading permits Found, Unavailable {}

    /**
     * The structure was found and reproduced {@code CLOCK_MONOTONIC_RAW}.
     *
     * @param offset where the clock-base array starts in the {@code [vvar]} mapping
     * @param errorNs the largest distance of a reproduction from its bracket's middle
     * @param bracketNs the widest {@code clock_gettime} bracket
     */
    public record Found(long mult, int shift, long offset, Layout layout, long errorNs, long bracketNs, int tries)
            implements Reading {
        /** The raw clock's {@code mult}/{@code shift}, as {@link kvmclockprobe.clock.KernelClockArithmetic} names them. */
        public ClocksourceScale scale() {
            return new ClocksourceScale(mult, shift);
        }
    }

    /**
     * Not found, with a one-line reason; {@code located} is the structure when it was found but
     * could not be validated (a clock mode other than TSC).
     */
    public record Unavailable(String reason, Optional<Candidate> located) implements Reading {
        public Unavailable(String reason) {
            this(reason, Optional.empty());
        }

        /** The vDSO clock mode of the located structure, or -1. */
        public int clockMode() {
            return located.map(c -> c.raw().clockMode()).orElse(-1);
        }
    }

    /** A clock mode with its kernel name. */
    public static String clockModeName(int mode) {
        return switch (mode) {
            case VDSO_CLOCKMODE_NONE -> "none";
            case VDSO_CLOCKMODE_TSC -> "tsc";
            case VDSO_CLOCKMODE_PVCLOCK -> "pvclock";
            case VDSO_CLOCKMODE_HVCLOCK -> "hvclock";
            case VDSO_CLOCKMODE_TIMENS -> "timens";
            default -> "unknown";
        };
    }

    // ---------------------------------------------------------------- I/O

    /** The {@code [vvar]} mapping of this process, and whether {@code [vvar_vclock]} exists beside it (6.13+). */
    record VvarMapping(long start, long length, boolean vclockMapping) {}

    /** Reads the raw clock's scale from this process's vDSO data. Never throws for an unusual host. */
    public static Reading read() {
        try {
            String arch = System.getProperty("os.arch");
            if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
                return new Unavailable("not x86-64 (os.arch " + arch + "): the vDSO layout and rdtsc are x86-64's");
            }
            Optional<VvarMapping> mapping = vvarMapping(Files.readAllLines(Path.of("/proc/self/maps")));
            if (mapping.isEmpty()) return new Unavailable("no [vvar] mapping in /proc/self/maps (vDSO disabled?)");
            VvarMapping m = mapping.get();
            // Touch only the page that holds the time data: the others may be absent (the pvclock
            // and hvclock pages before 6.13, the timens page outside a time namespace), and
            // reading one faults with SIGBUS.
            MemorySegment vvar = MemorySegment.ofAddress(m.start()).reinterpret(m.length());
            int page = 0;
            if (isTimensPage(vvar.asSlice(0, PAGE_SIZE))) {
                // In a time namespace the first page is the namespace's (offsets only) and the real
                // one sits at the timens page: page 3 up to 6.12 (vvar, pvclock, hvclock, timens),
                // page 1 since the vclock pages moved to [vvar_vclock] (6.13+).
                page = m.vclockMapping() ? 1 : 3;
                if ((page + 1L) * PAGE_SIZE > m.length()) {
                    return new Unavailable("in a time namespace, and the [vvar] mapping (" + m.length()
                            + " bytes) has no page " + page + " for the real time data");
                }
            }
            MemorySegment timePage = vvar.asSlice((long) page * PAGE_SIZE, PAGE_SIZE);
            return find(timePage, (long) page * PAGE_SIZE, Libc.monotonicRawNs(), VdsoRawClock::liveBracket,
                    TRIES, () -> sleepMillis(2));
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Unavailable("cannot read the vDSO data: " + e);
        }
    }

    private static Bracket liveBracket() {
        if (!Tsc.available()) throw new IllegalStateException(Tsc.unavailableReason());
        long before = Libc.monotonicRawNs();
        long tsc = Tsc.read();
        long after = Libc.monotonicRawNs();
        return new Bracket(before, tsc, after);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code [vvar]} line of {@code /proc/self/maps} ({@code start-end perms offset dev inode path}). */
    static Optional<VvarMapping> vvarMapping(List<String> maps) {
        VvarMapping found = null;
        boolean vclock = false;
        for (String line : maps) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6) continue;
            if (f[5].equals("[vvar_vclock]")) vclock = true;
            if (!f[5].equals("[vvar]")) continue;
            String[] range = f[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16);
            long end = Long.parseUnsignedLong(range[1], 16);
            found = new VvarMapping(start, end - start, false);
        }
        if (found == null) return Optional.empty();
        return Optional.of(new VvarMapping(found.start(), found.length(), vclock));
    }

    // ---------------------------------------------------------------- pure part

    /**
     * Finds the raw clock base in one time page and validates it: the candidates {@link #locate}
     * gives; among those in TSC mode, the first whose fields, each read under {@code seq}, reproduce
     * {@code CLOCK_MONOTONIC_RAW} inside the bracket on {@code tries} consecutive tries, both from
     * the base just read and from the one read on the first try (tkr_raw's {@code mult} never
     * changes, so the old base extrapolates exactly: a longer lever on a wrong {@code mult}).
     *
     * @param page the time page, read live (the fields are reread under {@code seq} on each try)
     * @param pageOffset where that page starts in the mapping (for the reported offset)
     * @param rawNowNs {@code CLOCK_MONOTONIC_RAW} now, for the plausibility of the base time
     * @param betweenTries run between tries (a short sleep, so that the kernel updates the base)
     */
    public static Reading find(MemorySegment page, long pageOffset, long rawNowNs, Bracketing bracketing, int tries,
                               Runnable betweenTries) {
        // Locate on a copy: the live page changes under a scan; each candidate is reread under seq.
        MemorySegment snapshot = MemorySegment.ofArray(page.asSlice(0, PAGE_SIZE).toArray(JAVA_BYTE));
        List<Candidate> candidates = locate(snapshot, pageOffset, rawNowNs);
        if (candidates.isEmpty()) {
            return new Unavailable("no clock base in the vvar page at 0x" + Long.toHexString(pageOffset)
                    + " looks like the kernel's vDSO data");
        }
        List<Candidate> tsc = candidates.stream().filter(c -> c.raw().clockMode() == VDSO_CLOCKMODE_TSC).toList();
        if (tsc.isEmpty()) {
            TreeMap<Integer, String> modes = new TreeMap<>();
            candidates.forEach(c -> modes.put(c.raw().clockMode(), "clock_mode " + c.raw().clockMode() + ": "
                    + clockModeName(c.raw().clockMode())));
            return new Unavailable("the vDSO's raw clock is not read with rdtsc here (" + String.join(", ", modes.values())
                    + ")", Optional.of(candidates.getFirst()));
        }
        List<String> failures = new ArrayList<>();
        for (Candidate c : tsc) {
            Layout l = c.layout();
            long rawBaseInPage = c.rawBaseOffset() - pageOffset;
            RawBase first = null;
            long worstError = 0;
            long widestBracket = 0;
            String failure = null;
            for (int t = 0; t < tries && failure == null; t++) {
                if (t > 0) betweenTries.run();
                Optional<RawBase> read = readUnderSeq(page, rawBaseInPage, l);
                if (read.isEmpty()) {
                    failure = c.describe() + ": seq stayed odd or kept changing (an update in progress)";
                    break;
                }
                RawBase now = read.get();
                if (now.clockMode() != VDSO_CLOCKMODE_TSC) {
                    failure = c.describe() + ": clock_mode changed to " + now.clockMode();
                    break;
                }
                if (first == null) first = now;
                Bracket b;
                try {
                    b = bracketing.take();
                } catch (IllegalStateException e) {
                    return new Unavailable("cannot take an rdtsc reading here: " + e.getMessage(), Optional.of(c));
                }
                for (RawBase base : first == now ? List.of(now) : List.of(now, first)) {
                    Check k = check(base, b, SLACK_NS);
                    if (!k.reproduces()) {
                        failure = c.describe() + ": " + k.describe(b) + (base == first && base != now
                                ? " (from the first try's base)" : "");
                        break;
                    }
                    worstError = Math.max(worstError, k.errorNs());
                }
                widestBracket = Math.max(widestBracket, b.rawAfterNs() - b.rawBeforeNs());
            }
            if (failure == null) {
                return new Found(first.mult(), first.shift(), c.offset(), l, worstError, widestBracket, tries);
            }
            failures.add(failure);
        }
        return new Unavailable("no candidate reproduced CLOCK_MONOTONIC_RAW: " + String.join("; ", failures),
                Optional.of(tsc.getFirst()));
    }

    /**
     * Every (offset, layout) of {@code page} where a clock-base array looks like the kernel's,
     * in offset order. Checks, in the kernel's terms: both bases have the same x86
     * {@code clock_mode} and the same {@code mask} (one clocksource feeds both), the mask is
     * {@code 2^n - 1}; {@code [CS_RAW]} has {@code mult != 0}, {@code shift <= 32} (what
     * {@code clocks_calc_mult_shift} yields), {@code basetime[CLOCK_MONOTONIC_RAW]} set, its nsec
     * below {@code NSEC_PER_SEC << shift}, and its sec at most {@link #MAX_BASETIME_LAG_S} behind
     * {@code rawNowNs} and not ahead of it. {@code seq} is not checked here: {@link #find} rereads
     * under it.
     */
    public static List<Candidate> locate(MemorySegment page, long pageOffset, long rawNowNs) {
        List<Candidate> out = new ArrayList<>();
        long nowSec = Math.floorDiv(rawNowNs, 1_000_000_000L);
        for (int off = 0; off < PAGE_SIZE; off += 8) { // the array is u64-aligned
            for (Layout l : Layout.values()) {
                int raw = off + l.stride;
                if (raw + l.span() > PAGE_SIZE) continue;
                int mode = page.get(U32, raw + Layout.CLOCK_MODE);
                if (mode < VDSO_CLOCKMODE_NONE || mode > VDSO_CLOCKMODE_HVCLOCK) continue;
                if (page.get(U32, off + Layout.CLOCK_MODE) != mode) continue;
                long mask = page.get(U64, raw + l.mask());
                if (mask == 0 || (mask & (mask + 1)) != 0 || page.get(U64, off + l.mask()) != mask) continue;
                long mult = Integer.toUnsignedLong(page.get(U32, raw + l.mult()));
                int shift = page.get(U32, raw + l.shift());
                if (mult == 0 || shift < 0 || shift > 32) continue;
                long sec = page.get(U64, raw + l.basetime(CLOCK_MONOTONIC_RAW));
                long nsec = page.get(U64, raw + l.basetime(CLOCK_MONOTONIC_RAW) + 8);
                if ((sec | nsec) == 0 || nsec < 0 || (nsec >>> shift) >= 1_000_000_000L) continue;
                if (sec > nowSec + 1 || sec < nowSec - MAX_BASETIME_LAG_S) continue;
                RawBase base = new RawBase(page.get(U32, raw + Layout.SEQ), mode, page.get(U64, raw + Layout.CYCLE_LAST),
                        mask, mult, shift, sec, nsec);
                out.add(new Candidate(pageOffset + off, l, base));
            }
        }
        return out;
    }

    /**
     * Whether {@code page} is a time namespace's vvar page: both clock bases of an array have
     * {@code seq} 1 and {@code clock_mode} {@code VDSO_CLOCKMODE_TIMENS} ({@code timens_setup_vdso_data}).
     */
    public static boolean isTimensPage(MemorySegment page) {
        for (int off = 0; off < PAGE_SIZE; off += 8) {
            for (Layout l : Layout.values()) {
                int raw = off + l.stride;
                if (raw + l.span() > PAGE_SIZE) continue;
                if (page.get(U32, off + Layout.SEQ) == 1 && page.get(U32, off + Layout.CLOCK_MODE) == VDSO_CLOCKMODE_TIMENS
                        && page.get(U32, raw + Layout.SEQ) == 1 && page.get(U32, raw + Layout.CLOCK_MODE) == VDSO_CLOCKMODE_TIMENS) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The clock base at {@code offset} read as the vDSO does ({@code vdso_read_begin} /
     * {@code vdso_read_retry}): wait while {@code seq} is odd, read, and retry if {@code seq}
     * changed meanwhile. Empty when no consistent read came within {@link #SEQ_RETRIES}.
     */
    public static Optional<RawBase> readUnderSeq(MemorySegment page, long offset, Layout l) {
        for (int i = 0; i < SEQ_RETRIES; i++) {
            int seq = page.get(U32, offset + Layout.SEQ);
            if ((seq & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            VarHandle.loadLoadFence(); // smp_rmb() after reading seq
            RawBase b = new RawBase(seq,
                    page.get(U32, offset + Layout.CLOCK_MODE),
                    page.get(U64, offset + Layout.CYCLE_LAST),
                    page.get(U64, offset + l.mask()),
                    Integer.toUnsignedLong(page.get(U32, offset + l.mult())),
                    page.get(U32, offset + l.shift()),
                    page.get(U64, offset + l.basetime(CLOCK_MONOTONIC_RAW)),
                    page.get(U64, offset + l.basetime(CLOCK_MONOTONIC_RAW) + 8));
            VarHandle.loadLoadFence(); // smp_rmb() before rereading seq
            if (page.get(U32, offset + Layout.SEQ) == seq) return Optional.of(b);
        }
        return Optional.empty();
    }

    /**
     * {@code CLOCK_MONOTONIC_RAW} in ns at TSC {@code cycles} from {@code base}, as {@code do_hres()}
     * computes it: {@code ns = ((delta * mult) + basetime.nsec) >> shift} with
     * {@code delta = (cycles - cycle_last) & mask}, plus {@code sec * NSEC_PER_SEC}. Negative motion
     * (a TSC read before {@code cycle_last}) counts as no motion, as x86's {@code vdso_calc_ns}
     * does. Exact, where the vDSO's u64 product is exact only up to {@code max_cycles}.
     */
    public static BigInteger rawNsAt(RawBase base, long cycles) {
        long delta = cycles - base.cycleLast();
        if (delta < 0) delta = 0;
        delta &= base.mask();
        BigInteger ns = BigInteger.valueOf(delta).multiply(BigInteger.valueOf(base.mult()))
                .add(new BigInteger(Long.toUnsignedString(base.nsecShifted())))
                .shiftRight(base.shift());
        return new BigInteger(Long.toUnsignedString(base.sec())).multiply(BigInteger.valueOf(1_000_000_000L)).add(ns);
    }

    /** One validation: the computed raw time against the bracket. */
    public record Check(BigInteger computedNs, long errorNs, boolean reproduces) {
        String describe(Bracket b) {
            return "computed " + computedNs + " ns at tsc " + Long.toUnsignedString(b.tsc()) + ", bracket ["
                    + b.rawBeforeNs() + ", " + b.rawAfterNs() + "] ns";
        }
    }

    /**
     * Whether {@code base} reproduces the bracket: the raw time it computes at the bracket's TSC
     * lies in {@code [rawBefore - slack, rawAfter + slack]}. The error is the distance from the
     * bracket's middle.
     */
    public static Check check(RawBase base, Bracket b, long slackNs) {
        BigInteger computed = rawNsAt(base, b.tsc());
        BigInteger lo = BigInteger.valueOf(b.rawBeforeNs() - slackNs);
        BigInteger hi = BigInteger.valueOf(b.rawAfterNs() + slackNs);
        boolean inside = computed.compareTo(lo) >= 0 && computed.compareTo(hi) <= 0;
        long error = inside
                ? Math.abs(computed.longValueExact() - (b.rawBeforeNs() + (b.rawAfterNs() - b.rawBeforeNs()) / 2))
                : Long.MAX_VALUE;
        return new Check(computed, error, inside);
    }
}

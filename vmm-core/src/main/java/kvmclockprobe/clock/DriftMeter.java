package kvmclockprobe.clock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Accumulates {@link ClockReading}s and fits straight lines to B − raw and C − B over host raw
 * time: the slopes are the B−A and C−B drifts. The raw time of a reading is the midpoint of its
 * bracket, so only the narrowest brackets are fitted: where {@code KVM_GET_CLOCK} read the TSC
 * inside a wide bracket (preemption, a JIT transition, an interrupt) is unknown and would bias
 * the slope. A change of master-clock mode restarts the fit, and is counted.
 */
public final class DriftMeter {
    /** Blocks for the honest slope error (batch means): contiguous in time, each averaged to one point. */
    static final int ERROR_BLOCKS = 10;

    /** The reference bracket is this percentile of all brackets (robust against a few lucky ones). */
    static final double REFERENCE_PERCENTILE = 0.05;
    /** Readings whose bracket exceeds the reference by more than this fraction... */
    static final double MAX_BRACKET_OVER_REFERENCE = 0.25;
    /** ...and by more than this many ns are dropped. */
    static final long MAX_BRACKET_EXCESS_NS = 200;

    private final List<ClockReading> readings = new ArrayList<>();
    private long total;
    private int modeChanges;
    private boolean throughout = true;

    public synchronized void add(ClockReading r) {
        if (!readings.isEmpty() && readings.getLast().masterClock() != r.masterClock()) {
            modeChanges++;
            readings.clear();
        }
        if (!r.masterClock()) throughout = false;
        readings.add(r);
        total++;
    }


    public synchronized List<ClockReading> readings() {
        return List.copyOf(readings);
    }

    /**
     * Reads the clock every {@code period} for {@code duration}, calling {@code each} after every
     * reading (health checks, progress).
     */
    public void collect(ClockReader reader, Duration duration, Duration period, Consumer<ClockReading> each) {
        long end = System.nanoTime() + duration.toNanos();
        long periodNs = period.toNanos();
        long next = System.nanoTime();
        while (next < end) {
            ClockReading r = reader.read();
            add(r);
            each.accept(r);
            next += periodNs;
            long sleepNs = next - System.nanoTime();
            if (sleepNs > 0) {
                try {
                    Thread.sleep(sleepNs / 1_000_000, (int) (sleepNs % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring drift", e);
                }
            }
        }
    }

    /** The widest bracket a reading among {@code readings} may have and still be fitted (or plotted). */
    public static double bracketLimitNs(List<ClockReading> readings) {
        return bracketLimitNs(sortedBrackets(readings));
    }

    private static long[] sortedBrackets(List<ClockReading> readings) {
        return readings.stream().mapToLong(ClockReading::bracketNs).sorted().toArray();
    }

    private static double bracketLimitNs(long[] brackets) {
        if (brackets.length == 0) return Double.POSITIVE_INFINITY;
        long reference = brackets[(int) (brackets.length * REFERENCE_PERCENTILE)];
        return Math.max(reference * (1 + MAX_BRACKET_OVER_REFERENCE), reference + MAX_BRACKET_EXCESS_NS);
    }

    /**
     * The slope's error from {@link #ERROR_BLOCKS} contiguous blocks: each block's mean time and
     * mean B − raw make one point, and the standard error of the line through those points holds
     * whatever wanders within a block (correlated noise) instead of assuming every reading
     * independent. NaN with fewer than two readings a block.
     */
    static double batchMeansSlopeError(List<ClockReading> fitted) {
        int per = fitted.size() / ERROR_BLOCKS;
        if (per < 2) return Double.NaN;
        ClockReading first = fitted.getFirst();
        LinearFit blocks = new LinearFit(first.rawNs() / 1e9, first.bMinusRawNs());
        for (int b = 0; b < ERROR_BLOCKS; b++) {
            double sx = 0, sy = 0;
            for (int i = b * per; i < (b + 1) * per; i++) {
                ClockReading r = fitted.get(i);
                sx += (r.rawNs() - first.rawNs()) / 1e9;
                sy += r.bMinusRawNs() - first.bMinusRawNs();
            }
            blocks.add(first.rawNs() / 1e9 + sx / per, first.bMinusRawNs() + sy / per);
        }
        return blocks.slopeStandardError();
    }

    public synchronized DriftResult fit() {
        if (readings.size() < 3) {
            throw new IllegalStateException("drift needs at least 3 readings in one mode, have " + readings.size());
        }
        long[] brackets = sortedBrackets(readings);
        double median = brackets[brackets.length / 2];
        double limit = bracketLimitNs(brackets);
        ClockReading first = readings.getFirst();
        LinearFit bMinusA = new LinearFit(first.rawNs() / 1e9, first.bMinusRawNs());
        LinearFit cMinusB = new LinearFit(first.rawNs() / 1e9, first.cMinusBNs());
        double sumCminusB = 0;
        List<ClockReading> fitted = new ArrayList<>();
        long used = 0;
        long firstUsed = Long.MAX_VALUE, lastUsed = Long.MIN_VALUE;
        for (ClockReading r : readings) {
            if (r.bracketNs() > limit) continue;
            double x = r.rawNs() / 1e9;
            bMinusA.add(x, r.bMinusRawNs());
            cMinusB.add(x, r.cMinusBNs());
            sumCminusB += r.cMinusBNs();
            fitted.add(r);
            used++;
            firstUsed = Math.min(firstUsed, r.rawNs());
            lastUsed = Math.max(lastUsed, r.rawNs());
        }
        ClockReading last = readings.getLast();
        return new DriftResult(total, used, (lastUsed - firstUsed) / 1e9,
                bMinusA.slope(), bMinusA.slopeStandardError(), batchMeansSlopeError(fitted),
                cMinusB.slope(), cMinusB.slopeStandardError(), sumCminusB / used,
                median, bMinusA.residualStdDev(),
                last.masterClock(), throughout, modeChanges, last.sinceSnapshotNs());
    }
}

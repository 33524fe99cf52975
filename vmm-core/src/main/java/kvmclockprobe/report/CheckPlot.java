package kvmclockprobe.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;

/**
 * The {@code check --plot} picture: a standalone SVG with one panel per trigger that ran and has
 * plot points, stacked vertically. Each panel plots the guest clock minus host raw time against
 * host time relative to the trigger (a dashed line at 0), so a jump shows as a step.
 *
 * <p>Points that are not finite, or absurdly large ({@literal >} 1e100), are left out; an empty or
 * degenerate range (one point, a constant value) is widened so that the scales stay finite. The
 * SVG is written by hand with {@link Xml}, which escapes every text and attribute.
 */
public final class CheckPlot {
    static final String SVG_NS = "http://www.w3.org/2000/svg";

    static final int WIDTH = 900;
    private static final int HEADER = 52;
    private static final int PANEL_HEIGHT = 300;
    private static final int PANEL_GAP = 14;
    private static final int PLOT_LEFT = 92;
    private static final int PLOT_RIGHT = WIDTH - 30;
    private static final int PLOT_TOP = 62; // relative to the panel
    private static final int PLOT_HEIGHT = 190;
    private static final double MAX_ABS = 1e100;
    /** The reason under a panel's title: two lines of at most this many characters. */
    private static final int REASON_CHARS = 145;

    private static final String INK = "#222";
    private static final String MUTED = "#666";
    private static final String GRID = "#e4e4e4";
    private static final String LINE = "#1f5fa8";
    private static final String TRIGGER = "#c0392b";
    private static final String SAMPLE = "#c9d6e6";
    private static final String PREDICTED = "#b9770e";

    private CheckPlot() {}

    public static String svg(CheckReport r) {
        List<TriggerResult> plotted = r.results().stream()
                .filter(t -> !t.plot().isEmpty())
                .toList();
        int height = plotted.isEmpty() ? 120 : HEADER + plotted.size() * (PANEL_HEIGHT + PANEL_GAP);
        Xml x = new Xml();
        x.open("svg", "xmlns", SVG_NS, "width", WIDTH, "height", height, "viewBox", "0 0 " + WIDTH + " " + height,
                "font-family", "DejaVu Sans, Helvetica, Arial, sans-serif", "font-size", 12);
        x.text("title", "kvmclock-probe check");
        x.empty("rect", "x", 0, "y", 0, "width", WIDTH, "height", height, "fill", "#fff");
        String[] heading = heading(r);
        x.text("text", heading[0], "class", "heading", "x", 16, "y", 22, "font-size", 15, "font-weight", "bold", "fill", INK);
        x.text("text", heading[1], "class", "totals", "x", 16, "y", 40, "font-size", 13, "fill", INK);
        if (plotted.isEmpty()) {
            x.text("text", "no trigger ran", "x", WIDTH / 2, "y", 80, "font-size", 16, "text-anchor", "middle",
                    "fill", MUTED, "class", "empty");
        }
        int y = HEADER;
        int index = 0;
        for (TriggerResult t : plotted) {
            panel(x, t, index++, y);
            y += PANEL_HEIGHT + PANEL_GAP;
        }
        x.close("svg");
        return x.toString();
    }

    /** The run (host, settle) and its totals: two lines, so that neither runs past the page. */
    private static String[] heading(CheckReport r) {
        StringBuilder s = new StringBuilder("kvmclock-probe check");
        if (r.host() != null) s.append(" — host ").append(r.host().kernelRelease());
        s.append(", settle ").append(CheckTable.settle(r));
        StringBuilder t = new StringBuilder().append(r.count(Status.PASS)).append(" passed, ")
                .append(r.count(Status.FAIL)).append(" failed, ")
                .append(r.count(Status.SKIP)).append(" skipped");
        if (r.count(Status.INCONCLUSIVE) > 0) t.append(", ").append(r.count(Status.INCONCLUSIVE)).append(" inconclusive");
        if (r.count(Status.ERROR) > 0) t.append(", ").append(r.count(Status.ERROR)).append(" errored");
        return new String[] {s.toString(), t.toString()};
    }

    private static void panel(Xml x, TriggerResult t, int index, int top) {
        x.open("g", "class", "panel", "id", "panel-" + index, "data-trigger", t.trigger(),
                "transform", "translate(0," + top + ")");
        x.text("title", Table.oneLine(t.trigger()) + ": " + Table.oneLine(t.reason()));
        x.empty("rect", "x", 0.5, "y", 0.5, "width", WIDTH - 1, "height", PANEL_HEIGHT - 1, "fill", "none",
                "stroke", "#ccc");

        // title: trigger, status, observed/predicted jump; then the reason, shortened if it must be
        String statusColor = switch (t.status()) {
            case FAIL -> "#c0392b";
            case PASS -> "#1e8449";
            case ERROR -> "#b9770e";
            case SKIP, INCONCLUSIVE, XFAIL -> MUTED;
        };
        x.openInline("text", "x", 12, "y", 20, "font-size", 14, "fill", INK, "class", "panel-title");
        x.text("tspan", Table.oneLine(t.trigger()), "font-weight", "bold");
        x.text("tspan", t.status().label().toUpperCase(Locale.ROOT), "dx", 10, "font-weight", "bold",
                "fill", statusColor);
        x.text("tspan", "observed " + Table.ns(t.observedJumpNs()) + ", predicted "
                + Table.ns(t.predictedJumpNs()) + (t.expectedJump() ? " (jump expected)" : " (no jump expected)"),
                "dx", 14);
        x.close("text");
        List<String> reason = Table.wrap(Table.oneLine(t.reason()), REASON_CHARS);
        if (reason.size() > 2) reason = List.of(reason.get(0), reason.get(1) + " …"); // all of it is in <title>
        x.openInline("text", "x", 12, "y", 37, "font-size", 11, "fill", MUTED, "class", "panel-reason");
        for (int i = 0; i < reason.size(); i++) {
            // the space that wrapping took out stays in the text, invisible at the end of a line
            x.text("tspan", reason.get(i) + (i + 1 < reason.size() ? " " : ""), "x", 12, "dy", i == 0 ? 0 : 14);
        }
        x.close("text");

        Exact exact = Exact.of(t);
        List<PlotPoint> points = exact.align(usable(t.plot()));
        int plotW = PLOT_RIGHT - PLOT_LEFT;
        if (points.isEmpty()) {
            x.text("text", "no finite plot points", "x", PLOT_LEFT + plotW / 2, "y", PLOT_TOP + PLOT_HEIGHT / 2,
                    "text-anchor", "middle", "fill", MUTED);
            x.close("g");
            return;
        }

        double tMin = 0, tMax = 0;
        for (PlotPoint p : points) { // the trigger (t = 0) is always in view
            tMin = Math.min(tMin, p.timeS());
            tMax = Math.max(tMax, p.timeS());
        }
        // never at an edge: the exact lines and their labels on both sides of it stay in view
        double span = Math.max(tMax - tMin, 1e-3);
        tMin = Math.min(tMin, -0.25 * span);
        tMax = Math.max(tMax, 0.25 * span);
        double[] v = exact.valueRange(points, tMin, tMax);
        Axis xa = Axis.of(tMin, tMax, 8, 0);
        Axis ya = Axis.of(v[0], v[1], 5, 0.05);
        Scale sx = new Scale(xa.lo, xa.hi, PLOT_LEFT, PLOT_RIGHT);
        Scale sy = new Scale(ya.lo, ya.hi, PLOT_TOP + PLOT_HEIGHT, PLOT_TOP);
        axes(x, xa, ya, sx, sy);

        // the samples: a faint background (the host's readings scatter by the width of their pairing)
        List<PlotPoint> drawn = thin(points.stream().filter(p -> p.guestMinusRawNs() >= ya.lo && p.guestMinusRawNs() <= ya.hi).toList(), sx);
        x.open("g", "class", "samples", "fill", SAMPLE);
        for (PlotPoint p : drawn) x.empty("circle", "cx", sx.at(p.timeS()), "cy", sy.at(p.guestMinusRawNs()), "r", 1.5);
        x.close("g");
        exact.draw(x, sx, sy, tMin, tMax);
        x.close("g");
    }

    /** Grid, ticks, axis titles and the trigger line. */
    private static void axes(Xml x, Axis xa, Axis ya, Scale sx, Scale sy) {
        double bottom = PLOT_TOP + PLOT_HEIGHT;
        int plotW = PLOT_RIGHT - PLOT_LEFT;
        x.open("g", "class", "grid", "stroke", GRID, "stroke-width", 1);
        for (double v : xa.ticks) x.empty("line", "x1", sx.at(v), "y1", PLOT_TOP, "x2", sx.at(v), "y2", bottom);
        for (double v : ya.ticks) x.empty("line", "x1", PLOT_LEFT, "y1", sy.at(v), "x2", PLOT_RIGHT, "y2", sy.at(v));
        x.close("g");
        x.empty("rect", "x", PLOT_LEFT, "y", PLOT_TOP, "width", plotW, "height", PLOT_HEIGHT, "fill", "none", "stroke", "#999");
        x.open("g", "class", "x-ticks", "font-size", 11, "fill", INK, "text-anchor", "middle");
        for (double v : xa.ticks) x.text("text", xa.label(v), "x", sx.at(v), "y", bottom + 15);
        x.close("g");
        YUnit unit = YUnit.of(ya);
        x.open("g", "class", "y-ticks", "font-size", 11, "fill", INK, "text-anchor", "end");
        for (double v : ya.ticks) x.text("text", unit.label(ya, v), "x", PLOT_LEFT - 6, "y", sy.at(v) + 4);
        x.close("g");
        x.text("text", "time relative to the trigger (s)", "x", PLOT_LEFT + plotW / 2.0, "y", bottom + 32,
                "text-anchor", "middle", "fill", INK);
        double yMid = PLOT_TOP + PLOT_HEIGHT / 2.0;
        x.text("text", "guest clock − host raw (" + unit.name + ")", "x", 16, "y", yMid, "text-anchor", "middle",
                "fill", INK, "transform", "rotate(-90 16 " + Xml.num(yMid) + ")");
        x.empty("line", "class", "trigger", "x1", sx.at(0), "y1", PLOT_TOP, "x2", sx.at(0), "y2", bottom,
                "stroke", TRIGGER, "stroke-width", 1.2, "stroke-dasharray", "5 4");
        x.text("text", "trigger", "x", sx.at(0) + 4, "y", PLOT_TOP + 12, "font-size", 10, "fill", TRIGGER);
    }

    /**
     * What the verdict rests on, drawn exactly: the guest clock minus the raw clock runs at the
     * B−A drift before the trigger (the line through 0 at the trigger) and after it, offset by
     * the jump the guest's own pvclock events showed; the predicted jump is marked beside it.
     * The samples are moved so that those before the trigger centre on the line.
     *
     * @param driftNsPerSec the drift rate the verdict used (0 where none: the lines are then flat)
     * @param observedNs    the jump vCPU 0 saw, null when nothing was measured
     * @param predictedNs   what the verdict compared it with, null when nothing
     */
    record Exact(double driftNsPerSec, Long observedNs, Long predictedNs) {
        static Exact of(TriggerResult t) {
            double d = t.measured().map(m -> m.measurement().drift().bMinusANsPerSec()).orElse(Double.NaN);
            return new Exact(Double.isFinite(d) ? d : 0, t.observedJumpNs(), t.predictedJumpNs());
        }

        double before(double timeS) {
            return driftNsPerSec * timeS;
        }

        double after(double timeS) {
            return (observedNs == null ? 0 : observedNs) + driftNsPerSec * timeS;
        }

        /** The samples moved so that the median of those before the trigger lies on the exact line. */
        List<PlotPoint> align(List<PlotPoint> points) {
            double[] residuals = points.stream().filter(p -> p.timeS() < 0).mapToDouble(p -> p.guestMinusRawNs() - before(p.timeS()))
                    .sorted().toArray();
            double c = residuals.length == 0 ? 0 : residuals[residuals.length / 2];
            return points.stream().map(p -> new PlotPoint(p.timeS(), p.guestMinusRawNs() - c)).toList();
        }

        /** The exact lines, the jumps and the samples' middle 90 %: the value axis's range. */
        double[] valueRange(List<PlotPoint> points, double tMin, double tMax) {
            double lo = Math.min(Math.min(before(tMin), 0), Math.min(after(0), after(tMax)));
            double hi = Math.max(Math.max(before(tMin), 0), Math.max(after(0), after(tMax)));
            if (predictedNs != null) {
                lo = Math.min(lo, predictedNs);
                hi = Math.max(hi, predictedNs);
            }
            double[] v = points.stream().mapToDouble(PlotPoint::guestMinusRawNs).sorted().toArray();
            if (v.length > 0) {
                lo = Math.min(lo, v[(int) (v.length * 0.05)]);
                hi = Math.max(hi, v[Math.min(v.length - 1, (int) (v.length * 0.95))]);
            }
            return new double[] {lo, hi};
        }

        void draw(Xml x, Scale sx, Scale sy, double tMin, double tMax) {
            x.empty("line", "class", "exact-before", "x1", sx.at(tMin), "y1", sy.at(before(tMin)), "x2", sx.at(0), "y2", sy.at(0),
                    "stroke", LINE, "stroke-width", 2);
            if (observedNs == null) return;
            x.empty("line", "class", "exact-after", "x1", sx.at(0), "y1", sy.at(after(0)), "x2", sx.at(tMax), "y2", sy.at(after(tMax)),
                    "stroke", LINE, "stroke-width", 2);
            x.empty("line", "class", "observed-jump", "x1", sx.at(0), "y1", sy.at(0), "x2", sx.at(0), "y2", sy.at(after(0)),
                    "stroke", LINE, "stroke-width", 3);
            x.text("text", "observed " + Table.ns(observedNs), "class", "observed-label", "x", sx.at(0) + 6,
                    "y", sy.at(after(0)) + (observedNs >= 0 ? -6 : 14), "font-size", 11, "fill", LINE);
            if (predictedNs == null) return;
            double py = sy.at(predictedNs);
            x.empty("line", "class", "predicted-jump", "x1", sx.at(0) - 18, "y1", py, "x2", sx.at(0) + 18, "y2", py,
                    "stroke", PREDICTED, "stroke-width", 2, "stroke-dasharray", "4 3");
            x.text("text", "predicted " + Table.ns(predictedNs), "class", "predicted-label", "x", sx.at(0) - 22,
                    "y", py + 4, "font-size", 11, "fill", PREDICTED, "text-anchor", "end");
        }
    }

    /** The finite, plottable points, in time order. */
    static List<PlotPoint> usable(List<PlotPoint> plot) {
        List<PlotPoint> out = new ArrayList<>();
        for (PlotPoint p : plot) {
            if (p == null) continue;
            if (!Double.isFinite(p.timeS()) || !Double.isFinite(p.guestMinusRawNs())) continue;
            if (Math.abs(p.timeS()) > MAX_ABS || Math.abs(p.guestMinusRawNs()) > MAX_ABS) continue;
            out.add(p);
        }
        out.sort(Comparator.comparingDouble(PlotPoint::timeS));
        return out;
    }

    /**
     * At most about four points per pixel column (the first, the lowest, the highest and the last),
     * so that a long run stays a small file and a step stays as tall as it is.
     */
    static List<PlotPoint> thin(List<PlotPoint> points, Scale sx) {
        int columns = (int) Math.ceil(Math.abs(sx.r1 - sx.r0)) + 1;
        if (points.size() <= 4 * columns) return points;
        List<PlotPoint> out = new ArrayList<>();
        int i = 0;
        while (i < points.size()) {
            long col = (long) Math.floor(sx.at(points.get(i).timeS()));
            int first = i, lo = i, hi = i, last = i;
            while (i < points.size() && (long) Math.floor(sx.at(points.get(i).timeS())) == col) {
                if (points.get(i).guestMinusRawNs() < points.get(lo).guestMinusRawNs()) lo = i;
                if (points.get(i).guestMinusRawNs() > points.get(hi).guestMinusRawNs()) hi = i;
                last = i++;
            }
            int[] keep = {first, Math.min(lo, hi), Math.max(lo, hi), last};
            int prev = -1;
            for (int k : keep) {
                if (k > prev) out.add(points.get(k));
                prev = Math.max(prev, k);
            }
        }
        return out;
    }

    /** A linear map from a data range to a pixel range. */
    record Scale(double d0, double d1, double r0, double r1) {
        double at(double v) {
            double span = d1 - d0;
            double p = span == 0 || !Double.isFinite(span) ? (r0 + r1) / 2 : r0 + (v - d0) / span * (r1 - r0);
            return Double.isFinite(p) ? p : (r0 + r1) / 2;
        }
    }

    /** A data range widened to round tick values, and those ticks. */
    record Axis(double lo, double hi, double step, List<Double> ticks) {
        static Axis of(double min, double max, int targetTicks, double padFraction) {
            double span = max - min;
            if (span == 0) {
                double pad = Math.max(1, Math.abs(min) * 0.05);
                min -= pad;
                max += pad;
            } else {
                min -= span * padFraction;
                max += span * padFraction;
            }
            double step = niceStep((max - min) / targetTicks);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            List<Double> ticks = new ArrayList<>();
            long n = Math.round((hi - lo) / step);
            for (long i = 0; i <= n && i <= 100; i++) {
                double v = lo + i * step;
                ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
            }
            return new Axis(lo, hi, step, ticks);
        }

        String label(double v) {
            return format(v, decimals(step));
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) return 1;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * pow;
    }

    /** The y axis unit: ns while the labels stay short, then µs, ms, s. */
    record YUnit(String name, double scale) {
        static YUnit of(Axis a) {
            double m = Math.max(Math.abs(a.lo), Math.abs(a.hi));
            if (m < 1e6) return new YUnit("ns", 1);
            if (m < 1e9) return new YUnit("µs", 1e3);
            if (m < 1e12) return new YUnit("ms", 1e6);
            return new YUnit("s", 1e9);
        }

        String label(Axis a, double v) {
            return format(v / scale, decimals(a.step / scale));
        }
    }

    private static int decimals(double step) {
        return (int) Math.max(0, Math.min(9, -Math.floor(Math.log10(step) + 1e-9)));
    }

    /** A tick label, with a real minus sign; {@code 2.5e9} style beyond seven digits. */
    static String format(double v, int decimals) {
        String s;
        if (Math.abs(v) >= 1e7) {
            String[] parts = String.format(Locale.ROOT, "%.3e", v).split("e");
            String mantissa = parts[0].replaceAll("0+$", "").replaceAll("\\.$", "");
            s = mantissa + "e" + Integer.parseInt(parts[1]);
        } else {
            s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        if (s.matches("-0(\\.0*)?")) s = s.substring(1);
        return s.replace('-', '−');
    }
}

package kvmclockprobe.clock;

/**
 * An ordinary least-squares line {@code y = intercept + slope * x} with the standard error of
 * the slope. Points are added one at a time around a fixed origin to keep precision with large
 * nanosecond values.
 */
public final class LinearFit {
    private final double x0;
    private final double y0;
    private long n;
    private double sumX, sumY, sumXX, sumXY, sumYY;

    /** Points are stored relative to {@code (x0, y0)} so doubles keep their precision. */
    public LinearFit(double x0, double y0) {
        this.x0 = x0;
        this.y0 = y0;
    }

    public void add(double x, double y) {
        double dx = x - x0, dy = y - y0;
        n++;
        sumX += dx;
        sumY += dy;
        sumXX += dx * dx;
        sumXY += dx * dy;
        sumYY += dy * dy;
    }

    public long count() {
        return n;
    }

    private double sxx() {
        return sumXX - sumX * sumX / n;
    }

    private double sxy() {
        return sumXY - sumX * sumY / n;
    }

    private double syy() {
        return sumYY - sumY * sumY / n;
    }

    /** The slope; NaN with fewer than two distinct x. */
    public double slope() {
        if (n < 2 || sxx() <= 0) return Double.NaN;
        return sxy() / sxx();
    }

    /** {@code y} on the line at {@code x}. */
    public double valueAt(double x) {
        double slope = slope();
        double meanX = sumX / n, meanY = sumY / n;
        return y0 + meanY + slope * (x - x0 - meanX);
    }

    /** Standard error of the slope; NaN with fewer than three points. */
    public double slopeStandardError() {
        if (n < 3 || sxx() <= 0) return Double.NaN;
        double residual = Math.max(0, syy() - sxy() * sxy() / sxx());
        return Math.sqrt(residual / (n - 2) / sxx());
    }

    /** Standard deviation of the residuals around the line. */
    public double residualStdDev() {
        if (n < 3 || sxx() <= 0) return Double.NaN;
        double residual = Math.max(0, syy() - sxy() * sxy() / sxx());
        return Math.sqrt(residual / (n - 2));
    }
}

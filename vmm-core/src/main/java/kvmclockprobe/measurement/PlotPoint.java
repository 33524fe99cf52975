package kvmclockprobe.measurement;

/**
 * One host reading around a trigger, for the plot.
 *
 * @param timeS           host raw time relative to the trigger, seconds (negative before it)
 * @param guestMinusRawNs guest clock (B) minus host CLOCK_MONOTONIC_RAW, relative to its value at
 *                        the first reading, ns
 */
public record PlotPoint(double timeS, double guestMinusRawNs) {
}

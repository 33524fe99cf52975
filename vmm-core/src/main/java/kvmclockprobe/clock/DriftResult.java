package kvmclockprobe.clock;

/**
 * The measured drift between the clock definitions over one stretch of time in one mode.
 *
 * @param readings              host readings taken
 * @param readingsUsed          readings whose bracket was narrow enough to fit
 * @param durationS             time spanned by the used readings
 * @param bMinusANsPerSec       slope of B − A (B ahead of A when positive)
 * @param bMinusAStderrNsPerSec standard error of that slope by the textbook formula, which assumes
 *                              independent residuals (they are not: under TCG the pairing wanders)
 * @param bMinusAErrNsPerSec    the honest error of the slope: from the scatter of independent blocks
 *                              (batch means; NaN with too few readings)
 * @param cMinusBNsPerSec       slope of C − B
 * @param cMinusBStderrNsPerSec standard error of that slope
 * @param cMinusBMeanNs         mean of C − B (an offset, not a drift)
 * @param medianBracketNs       median width of the A/B samples' brackets (the rdtsc pair, or the raw-clock bracket around {@code KVM_GET_CLOCK} without it)
 * @param residualNs            standard deviation of B − raw around its line
 * @param masterClock           the VM was in master-clock mode in the fitted stretch
 * @param masterClockThroughout it was in master-clock mode for every reading
 * @param modeChanges           how often the mode changed (each restarts the fit)
 * @param sinceSnapshotNs       guest time from the last master-clock snapshot to the last reading
 */
public record DriftResult(long readings, long readingsUsed, double durationS,
                          double bMinusANsPerSec, double bMinusAStderrNsPerSec, double bMinusAErrNsPerSec,
                          double cMinusBNsPerSec, double cMinusBStderrNsPerSec, double cMinusBMeanNs,
                          double medianBracketNs, double residualNs,
                          boolean masterClock, boolean masterClockThroughout, int modeChanges,
                          long sinceSnapshotNs) {
}

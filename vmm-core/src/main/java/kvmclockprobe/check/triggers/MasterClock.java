package kvmclockprobe.check.triggers;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;

/**
 * {@code master-clock}: a fresh VM must enter master-clock mode where the host allows it
 * ({@link kvmclockprobe.check.MasterClockJudge}). It applies nothing; the scenario judges whether
 * the mode came on. The triggers after it that need the master clock skip, naming its failure.
 */
public final class MasterClock extends BaseTrigger {
    public MasterClock() {
        super("master-clock", Expectation.MASTER_CLOCK, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        throw new UnsupportedOperationException("master-clock applies nothing: the scenario judges the mode itself");
    }
}

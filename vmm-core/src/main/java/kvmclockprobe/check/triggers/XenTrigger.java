package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.host.HostFacts;

/** A trigger on a Xen HVM guest: needs Xen emulation, and starts from a configured VM with shared_info mapped. */
abstract class XenTrigger extends BaseTrigger {
    XenTrigger(String name, Expectation expectation, String reference) {
        super(name, expectation, reference);
    }

    @Override
    public final Optional<String> missingCapability(HostFacts host) {
        return XenSetup.missing(host);
    }

    @Override
    public final void prepare(TriggerContext ctx) {
        XenSetup.configureAndMapSharedInfo(ctx);
    }
}

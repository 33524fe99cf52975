package kvmclockprobe.check.triggers;

import java.util.Optional;

import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerContext;
import kvmclockprobe.measurement.TriggerEffect;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.sys.Libc;

/**
 * The guest's vCPU 0 switches kvmclock MSRs: writes the old {@code MSR_KVM_SYSTEM_TIME} (0x12),
 * then the new one (0x4b564d01). KVM re-snapshots on each switch, and runs without the master
 * clock while vCPU 0 uses the old MSR.
 */
public final class KvmclockMsrSwitch extends BaseTrigger {
    static final long ACK_TIMEOUT_NS = 5_000_000_000L;

    public KvmclockMsrSwitch() {
        super("kvmclock-msr-switch", Expectation.RESNAPSHOT, "");
    }

    @Override
    public TriggerEffect apply(TriggerContext ctx) {
        long before = Libc.monotonicRawNs();
        int seq = ctx.session().control().issueCommand(GuestAbi.COMMAND_MSR_SWITCH);
        long deadline = System.nanoTime() + ACK_TIMEOUT_NS;
        while (ctx.session().control().commandAck() != seq) {
            ctx.session().checkHealthy();
            if (System.nanoTime() > deadline) {
                throw new GuestFailure("vCPU 0 did not acknowledge the MSR switch command within 5 s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestFailure("interrupted while waiting for the MSR switch");
            }
        }
        return TriggerEffect.of(before, Libc.monotonicRawNs(),
                "vCPU 0 wrote MSR_KVM_SYSTEM_TIME (0x12), then MSR_KVM_SYSTEM_TIME_NEW (0x4b564d01)");
    }
}

package kvmclockprobe.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;
import kvmclockprobe.testing.RequiresKvm;

/** Snapshot and restore of the running sampler into a fresh VM, on the real /dev/kvm. */
@RequiresKvm
class SnapshotTest {
    static final SamplerSession.Options OPTIONS = SamplerSession.Options.defaults();
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theGuestContinuesInAFreshVmWithItsRegistersAndMemoryUnchangedButTheClock(Kvm kvm) {
        Snapshot.GuestState saved;
        VcpuStatus atPause;
        long clockNs;
        try (SamplerSession source = SamplerSession.start(kvm, 2, OPTIONS)) {
            source.sampleFor(Duration.ofMillis(300));
            SamplerSession.Paused paused = source.pause(TIMEOUT);
            try (Machine m = paused.machine()) {
                atPause = source.status(0);
                saved = Snapshot.saveGuest(m);
                clockNs = m.vm().getClock().clockNs();
                // Paused means paused: nothing in guest memory moves.
                assertThat(Snapshot.saveMemory(m)).isEqualTo(saved.ram());
            }
        }
        assertThat(atPause.samples()).isGreaterThan(0);
        assertThat(saved.vcpus()).hasSize(2);

        Machine fresh = Snapshot.restoreGuest(kvm, saved);
        Snapshot.GuestState restored;
        try {
            restored = Snapshot.saveGuest(fresh);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        // Before it runs, the fresh VM holds exactly what was saved: RAM, registers, special registers,
        // the kvmclock MSR; only the TSC has moved on (it counts from the value written).
        assertThat(restored.ram()).isEqualTo(saved.ram());
        // Each restored TSC counts on from a written value; KVM matches a vCPU's TSC write that lands
        // within a second of another's (kvm_synchronize_tsc) to that vCPU's, so a vCPU saved later
        // may count on from the earliest saved TSC rather than its own.
        long earliestSavedTsc = saved.vcpus().stream().mapToLong(v -> v.msr(x86_h.MSR_IA32_TSC)).min().orElseThrow();
        for (int i = 0; i < 2; i++) {
            Snapshot.VcpuState a = saved.vcpus().get(i), b = restored.vcpus().get(i);
            assertThat(b.regs()).as("vCPU %d registers", i).isEqualTo(a.regs());
            assertThat(b.sregs()).as("vCPU %d special registers", i).isEqualTo(a.sregs());
            assertThat(b.msr(kvm_h.MSR_KVM_SYSTEM_TIME_NEW)).isEqualTo(a.msr(kvm_h.MSR_KVM_SYSTEM_TIME_NEW));
            assertThat(b.msr(x86_h.MSR_IA32_TSC)).as("vCPU %d TSC", i).isGreaterThanOrEqualTo(i == 0 ? a.msr(x86_h.MSR_IA32_TSC) : earliestSavedTsc);
        }

        // The clock as the simplest VMM carries it (KVM_SET_CLOCK of the value read at the pause): the
        // guest must not see it go back. (Without it a fresh VM's clock starts at 0 and it would.)
        List<VcpuStatus> end;
        try {
            fresh.vm().setClock(clockNs, 0, 0);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        try (SamplerSession resumed = SamplerSession.resume(fresh, OPTIONS)) {
            resumed.sampleFor(Duration.ofMillis(500));
            end = resumed.stop(TIMEOUT);
            assertThat(resumed.events()).filteredOn(e -> e.isBackwardStep() || e.isCrossVcpu()).isEmpty();
        }
        for (VcpuStatus s : end) {
            assertThat(s.state()).as("vCPU %d", s.vcpu()).isEqualTo(GuestAbi.STATE_DONE);
            assertThat(s.errorCode()).isZero();
        }
        // The guest kept counting where it left off, on both vCPUs.
        assertThat(end.get(0).samples()).isGreaterThan(atPause.samples());
        assertThat(end.get(1).samples()).isPositive();
        assertThat(end.get(0).lastNs()).isGreaterThan(atPause.lastNs());
    }

    @Test
    void aPausedGuestResumesInTheSameVm(Kvm kvm) {
        try (SamplerSession source = SamplerSession.start(kvm, 1, OPTIONS)) {
            source.sampleFor(Duration.ofMillis(200));
            SamplerSession.Paused paused = source.pause(TIMEOUT);
            long before = source.status(0).samples();
            assertThat(paused.stopped().rawNs()).isPositive();
            try (SamplerSession again = SamplerSession.resume(paused.machine(), OPTIONS)) {
                assertThat(again.firstEntry(0, TIMEOUT).rawNs()).isGreaterThan(paused.stopped().rawNs());
                again.sampleFor(Duration.ofMillis(300));
                List<VcpuStatus> end = again.stop(TIMEOUT);
                assertThat(end.get(0).samples()).isGreaterThan(before);
            }
        }
    }
}

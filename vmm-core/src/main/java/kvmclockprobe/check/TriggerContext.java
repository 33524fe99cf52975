package kvmclockprobe.check;

import java.util.function.Function;

import kvmclockprobe.clock.ClockReader;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.kvm.GuestMemory;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.Vm;
import kvmclockprobe.measurement.ClockProbe;
import kvmclockprobe.sampler.SamplerSession;

/** What a trigger works with: the running sampler guest, its VM, the host facts. */
public final class TriggerContext {
    private final HostFacts host;
    private final SamplerSession session;
    private final ClockReader reader;

    TriggerContext(HostFacts host, ClockProbe probe) {
        this.host = host;
        this.session = probe.session();
        this.reader = probe.reader();
    }

    public HostFacts host() {
        return host;
    }

    public SamplerSession session() {
        return session;
    }

    public Vm vm() {
        return session.machine().vm();
    }

    public GuestMemory ram() {
        return session.machine().ram();
    }

    public ClockReader reader() {
        return reader;
    }

    public int vcpus() {
        return session.vcpuCount();
    }

    /** Runs a vCPU ioctl on that vCPU's own thread, between two of its runs. */
    public <T> T onVcpu(int index, Function<Vcpu, T> action) {
        return session.onVcpu(index, action, ClockProbe.VCPU_REQUEST_TIMEOUT);
    }

    /** Runs {@code action} on every vCPU in turn. */
    public void onEachVcpu(java.util.function.Consumer<Vcpu> action) {
        for (int i = 0; i < vcpus(); i++) {
            onVcpu(i, v -> {
                action.accept(v);
                return null;
            });
        }
    }
}

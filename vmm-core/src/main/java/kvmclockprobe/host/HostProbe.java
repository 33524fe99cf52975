package kvmclockprobe.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.RunWatchdog;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.VcpuExit;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;

/**
 * Measures {@link HostFacts}: capability queries, plus one tiny VM whose vCPU runs to HLT to see
 * whether master-clock mode comes on, and whether the vCPU TSC offset can be written.
 */
public final class HostProbe {
    private HostProbe() {}

    /**
     * {@code KVM_CAP_XEN_HVM} bits by name, in bit order: every {@code KVM_XEN_HVM_CONFIG_*} the
     * bindings have (the last three from the pinned newer uapi headers, kvm-bindings/README.md).
     */
    public static final Map<Integer, String> XEN_HVM_FLAG_NAMES = Map.ofEntries(
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_HYPERCALL_MSR, "HYPERCALL_MSR"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, "INTERCEPT_HCALL"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_SHARED_INFO, "SHARED_INFO"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_RUNSTATE, "RUNSTATE"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_EVTCHN_2LEVEL, "EVTCHN_2LEVEL"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_EVTCHN_SEND, "EVTCHN_SEND"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_RUNSTATE_UPDATE_FLAG, "RUNSTATE_UPDATE_FLAG"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE, "PVCLOCK_TSC_UNSTABLE"),
            Map.entry(kvm_h.KVM_XEN_HVM_CONFIG_SHARED_INFO_HVA, "SHARED_INFO_HVA"));

    /** {@code KVM_CAP_ADJUST_CLOCK} bits by name. */
    public static final Map<Integer, String> CLOCK_FLAG_NAMES = Map.of(
            kvm_h.KVM_CLOCK_TSC_STABLE, "TSC_STABLE",
            kvm_h.KVM_CLOCK_REALTIME, "REALTIME",
            kvm_h.KVM_CLOCK_HOST_TSC, "HOST_TSC");

    /** Names of the set bits of {@code value}; unknown bits as {@code bitN}. */
    public static List<String> decodeFlags(long value, Map<Integer, String> names) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            long mask = 1L << bit;
            if ((value & mask) == 0) continue;
            String name = mask <= Integer.MAX_VALUE ? names.get((int) mask) : null;
            out.add(name != null ? name : "bit" + bit);
        }
        return out;
    }

    public static HostFacts collect(Kvm kvm) {
        Map<String, Integer> caps = new LinkedHashMap<>();
        for (Capability c : Capability.values()) caps.put(c.key(), kvm.checkExtension(c));
        MasterClockProbe mc = probeMasterClock(kvm);
        HostClock clock = HostClock.read();
        return new HostFacts(
                readLine(Path.of("/proc/sys/kernel/osrelease")),
                kvm.apiVersion(),
                clock.clocksource(),
                mc.tscKhz,
                caps,
                decodeFlags(Integer.toUnsignedLong(caps.get(Capability.XEN_HVM.key())), XEN_HVM_FLAG_NAMES),
                decodeFlags(Integer.toUnsignedLong(caps.get(Capability.ADJUST_CLOCK.key())), CLOCK_FLAG_NAMES),
                mc.before.tscStable(),
                mc.after.tscStable(),
                mc.offsetAttr,
                mc.offsetWritable,
                clock);
    }

    private record MasterClockProbe(long tscKhz, ClockData before, ClockData after, boolean offsetAttr,
                                    Boolean offsetWritable) {}

    /** Boots the hello guest on one vCPU, runs it to HLT, reads {@code KVM_GET_CLOCK} before and after. */
    private static MasterClockProbe probeMasterClock(Kvm kvm) {
        try (Machine m = Machine.boot(kvm, GuestImage.HELLO, 1)) {
            Vcpu vcpu = m.vcpus().getFirst();
            long tscKhz = vcpu.getTscKhz();
            ClockData before = m.vm().getClock();
            runHelloToHlt(vcpu);
            ClockData after = m.vm().getClock();
            boolean attr = vcpu.hasDeviceAttr(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET);
            Boolean writable = null;
            if (attr) {
                long offset = vcpu.getDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, "KVM_VCPU_TSC_OFFSET");
                long probe = offset + 1_000_000L;
                vcpu.setDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, probe, "KVM_VCPU_TSC_OFFSET");
                writable = vcpu.getDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, "KVM_VCPU_TSC_OFFSET") == probe;
            }
            return new MasterClockProbe(tscKhz, before, after, attr, writable);
        }
    }

    /** How long the hello guest may take to reach each of its two exits. */
    static final Duration HELLO_EXIT_LIMIT = Duration.ofSeconds(5);

    /**
     * Runs the hello guest on the calling thread: expects its doorbell OUT with the hello value,
     * then HLT, each within {@link #HELLO_EXIT_LIMIT}; the thread is released afterwards.
     */
    public static void runHelloToHlt(Vcpu vcpu) {
        try (RunWatchdog watchdog = RunWatchdog.watch(vcpu, HELLO_EXIT_LIMIT)) {
            runHelloToHlt(vcpu, watchdog);
        } finally {
            vcpu.releaseThread();
        }
    }

    private static void runHelloToHlt(Vcpu vcpu, RunWatchdog watchdog) {
        VcpuExit first = Machine.runWatched(vcpu, watchdog, "hello guest");
        if (!(first instanceof VcpuExit.Io io && io.out() && io.port() == GuestAbi.PORT_DOORBELL
                && io.value() == Integer.toUnsignedLong(GuestAbi.DOORBELL_HELLO_VALUE))) {
            throw new GuestFailure("hello guest: expected OUT 0x" + Integer.toHexString(GuestAbi.DOORBELL_HELLO_VALUE)
                    + " to port 0x" + Integer.toHexString(GuestAbi.PORT_DOORBELL) + ", got " + VcpuExit.describe(first)
                    + " on vCPU " + vcpu.id() + "; " + Machine.describeRegisters(vcpu));
        }
        VcpuExit second = Machine.runWatched(vcpu, watchdog, "hello guest");
        if (!(second instanceof VcpuExit.Hlt)) {
            throw new GuestFailure("hello guest: expected HLT, got " + VcpuExit.describe(second) + " on vCPU " + vcpu.id()
                    + "; " + Machine.describeRegisters(vcpu));
        }
    }

    /** The host's current clocksource ({@code tsc}, {@code kvm-clock}, {@code hpet}, ...). */
    public static String clocksource() {
        return readLine(Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
    }

    private static String readLine(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "unknown (" + p + ": " + e.getMessage() + ")";
        }
    }
}

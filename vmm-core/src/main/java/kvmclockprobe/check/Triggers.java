package kvmclockprobe.check;

import java.util.List;
import java.util.Optional;

import kvmclockprobe.check.triggers.HypervRefTsc;
import kvmclockprobe.check.triggers.KvmclockCtrl;
import kvmclockprobe.check.triggers.KvmclockMsrSwitch;
import kvmclockprobe.check.triggers.KvmclockRate;
import kvmclockprobe.check.triggers.MasterClock;
import kvmclockprobe.check.triggers.SetClock;
import kvmclockprobe.check.triggers.SetClockRealtime;
import kvmclockprobe.check.triggers.TscKhz;
import kvmclockprobe.check.triggers.TscOffsetAttr;
import kvmclockprobe.check.triggers.TscWrite;
import kvmclockprobe.check.triggers.VcpuHotplug;
import kvmclockprobe.check.triggers.XenSharedInfo;
import kvmclockprobe.check.triggers.XenVcpuInfo;

/** Every trigger the probe knows, in the order {@code check} runs them. */
public final class Triggers {
    private Triggers() {}

    public static final List<Trigger> ALL = List.of(
            new MasterClock(),
            new KvmclockRate(),
            new XenSharedInfo(),
            new XenVcpuInfo(),
            new KvmclockCtrl(),
            new TscKhz(),
            new VcpuHotplug(),
            new TscWrite(),
            new TscOffsetAttr(),
            new SetClock(),
            new SetClockRealtime(),
            new HypervRefTsc(),
            new KvmclockMsrSwitch());

    public static List<String> names() {
        return ALL.stream().map(Trigger::name).toList();
    }

    public static Optional<Trigger> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}

package kvmclockprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;

/** {@code caps}' table from given host facts: no KVM needed. */
class CapsCommandTest {

    @Test
    void theXenHvmLineNamesBitsSixToEight() {
        Map<String, Integer> caps = new LinkedHashMap<>();
        caps.put("xen_hvm", 0x1ff);
        caps.put("adjust_clock", 0xe);
        HostFacts facts = new HostFacts("7.3.4+deb13-amd64", 12, "tsc", 2_400_000L, caps,
                HostProbe.decodeFlags(0x1ff, HostProbe.XEN_HVM_FLAG_NAMES),
                HostProbe.decodeFlags(0xe, HostProbe.CLOCK_FLAG_NAMES), true, true, true, true, kvmclockprobe.host.HostClock.unknown("tsc"));
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            CapsCommand.printTable(out, facts);
        }
        assertThat(s.toString())
                .contains("cap.xen_hvm                0x1ff   [HYPERCALL_MSR, INTERCEPT_HCALL, SHARED_INFO, RUNSTATE, "
                        + "EVTCHN_2LEVEL, EVTCHN_SEND, RUNSTATE_UPDATE_FLAG, PVCLOCK_TSC_UNSTABLE, SHARED_INFO_HVA]")
                .contains("cap.adjust_clock           0xe   [TSC_STABLE, REALTIME, HOST_TSC]")
                .doesNotContain("bit6", "bit7", "bit8");
    }
}

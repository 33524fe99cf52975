package kvmclockprobe.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_h;

/** How {@code caps} names the bits of {@code KVM_CAP_XEN_HVM} and {@code KVM_CAP_ADJUST_CLOCK}: no KVM needed. */
class HostProbeFlagsTest {

    @Test
    void xenHvmBitsSixToEightAreDecodedByName() {
        assertThat(HostProbe.decodeFlags(1L << 6 | 1L << 7 | 1L << 8, HostProbe.XEN_HVM_FLAG_NAMES))
                .containsExactly("RUNSTATE_UPDATE_FLAG", "PVCLOCK_TSC_UNSTABLE", "SHARED_INFO_HVA");
    }

    @Test
    void aNewerKernelsXenHvmCapabilityIsDecodedWhollyByNameInBitOrder() {
        assertThat(HostProbe.decodeFlags(0x1ffL, HostProbe.XEN_HVM_FLAG_NAMES)).containsExactly(
                "HYPERCALL_MSR", "INTERCEPT_HCALL", "SHARED_INFO", "RUNSTATE", "EVTCHN_2LEVEL", "EVTCHN_SEND",
                "RUNSTATE_UPDATE_FLAG", "PVCLOCK_TSC_UNSTABLE", "SHARED_INFO_HVA");
    }

    @Test
    void unknownBitsAreStillShownAsBitN() {
        assertThat(HostProbe.decodeFlags(1L << 8 | 1L << 9 | 1L << 40, HostProbe.XEN_HVM_FLAG_NAMES))
                .containsExactly("SHARED_INFO_HVA", "bit9", "bit40");
        assertThat(HostProbe.decodeFlags(0x1L | kvm_h.KVM_CLOCK_TSC_STABLE, HostProbe.CLOCK_FLAG_NAMES))
                .containsExactly("bit0", "TSC_STABLE");
    }

    /** Every flag the bindings define (the pinned newer uapi headers' included) has its name in caps. */
    @Test
    void everyGeneratedFlagHasAName() throws IllegalAccessException {
        assertThat(HostProbe.XEN_HVM_FLAG_NAMES).isEqualTo(kvmH("KVM_XEN_HVM_CONFIG_"));
        assertThat(HostProbe.CLOCK_FLAG_NAMES).isEqualTo(kvmH("KVM_CLOCK_"));
        assertThat(kvmH("KVM_XEN_HVM_CONFIG_")).hasSize(9);
    }

    /** kvm_h's {@code int} constants named {@code PREFIX*}: value to the rest of the name. */
    private static Map<Integer, String> kvmH(String prefix) throws IllegalAccessException {
        Map<Integer, String> out = new TreeMap<>();
        List<Field> fields = Arrays.stream(kvm_h.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == int.class
                        && f.getName().startsWith(prefix))
                .toList();
        for (Field f : fields) {
            int v = f.getInt(null);
            assertThat(Integer.bitCount(v)).as("%s = %d is one bit", f.getName(), v).isEqualTo(1);
            assertThat(out.put(v, f.getName().substring(prefix.length()))).as("%s's bit is unique", f.getName()).isNull();
        }
        return out;
    }
}

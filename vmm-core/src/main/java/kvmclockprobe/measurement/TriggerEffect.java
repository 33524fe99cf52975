package kvmclockprobe.measurement;

import java.util.List;

import kvmclockprobe.xen.WallclockReading;

/**
 * What applying an action did, as the verdict needs it.
 *
 * @param rawBeforeNs      host {@code CLOCK_MONOTONIC_RAW} just before the action's first ioctl
 * @param rawAfterNs       host {@code CLOCK_MONOTONIC_RAW} just after its last one
 * @param setClock         {@code KVM_SET_CLOCK} actions: what was set and when; else null
 * @param wallclock        the Xen shared_info wallclock across the action, where it has one; else null
 * @param notes            facts a reader should see (what was written, which variant was used)
 */
public record TriggerEffect(long rawBeforeNs, long rawAfterNs, SetClock setClock, WallclockReading wallclock,
                            List<String> notes) {

    /**
     * A {@code KVM_GET_CLOCK} → {@code KVM_SET_CLOCK} pair.
     *
     * @param clockNs              the {@code clock} passed to {@code KVM_SET_CLOCK}
     * @param realtime             whether {@code KVM_CLOCK_REALTIME} was passed
     * @param getRealtimeNs        the {@code realtime} {@code KVM_GET_CLOCK} gave (passed back with the flag)
     * @param realtimeBeforeSetNs  host {@code CLOCK_REALTIME} just before the SET call
     * @param realtimeAfterSetNs   host {@code CLOCK_REALTIME} just after it
     * @param setCallNs            how long the SET call took (raw clock)
     * @param realtimeMissing      the GET gave no {@code KVM_CLOCK_REALTIME}, so no SET was made
     */
    public record SetClock(long clockNs, boolean realtime, long getRealtimeNs, long realtimeBeforeSetNs,
                           long realtimeAfterSetNs, long setCallNs, boolean realtimeMissing) {
        public SetClock(long clockNs, boolean realtime, long getRealtimeNs, long realtimeBeforeSetNs, long realtimeAfterSetNs,
                        long setCallNs) {
            this(clockNs, realtime, getRealtimeNs, realtimeBeforeSetNs, realtimeAfterSetNs, setCallNs, false);
        }
    }

    public TriggerEffect {
        notes = List.copyOf(notes);
    }

    public static TriggerEffect of(long rawBeforeNs, long rawAfterNs, String... notes) {
        return new TriggerEffect(rawBeforeNs, rawAfterNs, null, null, List.of(notes));
    }
}

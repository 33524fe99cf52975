package kvmclockprobe.check;

import java.util.List;

/**
 * What applying a trigger did, as the scenario needs it to judge the guest's jump.
 *
 * @param rawBeforeNs host {@code CLOCK_MONOTONIC_RAW} just before the first ioctl of the trigger
 * @param rawAfterNs  host {@code CLOCK_MONOTONIC_RAW} just after the last one
 * @param setClockNs  set-clock triggers: the {@code clock} passed to {@code KVM_SET_CLOCK}
 * @param setCallNs   set-clock triggers: how long the {@code KVM_SET_CLOCK} call itself took
 * @param notes       facts a reader should see (what was written, which variant was used)
 */
public record TriggerEffect(long rawBeforeNs, long rawAfterNs, Long setClockNs, Long setCallNs, List<String> notes) {

    public static TriggerEffect of(long rawBeforeNs, long rawAfterNs, String... notes) {
        return new TriggerEffect(rawBeforeNs, rawAfterNs, null, null, List.of(notes));
    }
}

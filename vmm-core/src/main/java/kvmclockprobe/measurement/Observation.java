package kvmclockprobe.measurement;

/**
 * A fact an action observed beside the guest's jump, under a JSON key of its own. A check
 * ({@code passed} non-null) is part of the verdict: a failed one fails the trigger.
 *
 * @param key         the JSON key ({@code wallclock_in_range}, {@code wallclock_step_ns}), unit in the name
 * @param value       a Long, Boolean or String
 * @param passed      for a check, whether it held; null for a plain fact
 * @param description one line for a reader
 */
public record Observation(String key, Object value, Boolean passed, String description) {

    public static Observation fact(String key, Object value, String description) {
        return new Observation(key, value, null, description);
    }

    public static Observation check(String key, boolean passed, String description) {
        return new Observation(key, passed, passed, description);
    }
}

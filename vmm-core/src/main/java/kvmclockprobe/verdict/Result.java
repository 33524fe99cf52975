package kvmclockprobe.verdict;

/** One test's outcome, a {@code check} trigger's or a {@code restore} recipe's: what the shared writers report of it. */
public interface Result {
    /** The trigger's or the recipe's name. */
    String name();

    Status status();

    /** One line: why. */
    String reason();
}

package kvmclockprobe.restore;

/** What a VMM means the guest clock to do across a pause, snapshot or migration. */
public enum Intent {
    /** The guest clock stops while the guest is paused and resumes where it stopped. */
    FROZEN("frozen across the pause"),
    /** The guest clock keeps counting real time while the guest is paused. */
    REAL_TIME("advancing with real time");

    private final String description;

    Intent(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** {@code frozen}, {@code real-time}: the JSON spelling. */
    public String label() {
        return this == FROZEN ? "frozen" : "real-time";
    }
}

package kvmclockprobe.cli;

/** The host lacks a capability a command needs: the command is skipped (exit 4). */
public final class CapabilityMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CapabilityMissing(String message) {
        super(message);
    }
}

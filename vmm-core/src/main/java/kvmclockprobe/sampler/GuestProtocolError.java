package kvmclockprobe.sampler;

import kvmclockprobe.machine.GuestFailure;

/** The guest broke the mailbox protocol: an index, count or field out of range. */
public final class GuestProtocolError extends GuestFailure {
    private static final long serialVersionUID = 1L;

    public GuestProtocolError(String message) {
        super("guest protocol error: " + message);
    }
}

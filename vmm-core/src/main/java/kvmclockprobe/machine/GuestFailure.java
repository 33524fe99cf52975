package kvmclockprobe.machine;

/**
 * The guest did something other than what its image and the guest ABI promise: a fault, an
 * unexpected exit, a hang, or a corrupt mailbox. The message says what, with the evidence.
 */
public class GuestFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestFailure(String message) {
        super(message);
    }
}

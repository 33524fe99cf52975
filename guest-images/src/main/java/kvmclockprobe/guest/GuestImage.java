package kvmclockprobe.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The prebuilt flat guest images, loaded at {@link GuestAbi#IMAGE_GPA} and entered there in
 * 64-bit mode. Built from {@code guest-images/src/guest} by {@code guest-images/rebuild}; the
 * binaries are committed resources, so using them needs no compiler.
 */
public enum GuestImage {
    /** Outs {@link GuestAbi#DOORBELL_HELLO_VALUE} to {@link GuestAbi#PORT_DOORBELL}, then halts forever. */
    HELLO("hello.bin"),
    /** Outs an incrementing counter (from 0) to {@link GuestAbi#PORT_BENCH}, forever. */
    BENCH("bench.bin"),
    /** Spins forever without any port I/O. */
    SPIN("spin.bin"),
    /** Executes {@code ud2}: outs vector 6 to {@link GuestAbi#PORT_FAULT} and halts forever. */
    FAULT("fault.bin"),
    /** The kvmclock sampler (see {@code guest-images/ABI.md}). */
    SAMPLER("sampler.bin"),
    /**
     * Executes {@code flds} (x87, {@code D9 00}) from an address that its page tables map but no
     * memslot backs: KVM must emulate it, cannot, and returns {@code KVM_EXIT_INTERNAL_ERROR} with
     * {@code KVM_INTERNAL_ERROR_EMULATION}, RIP at the {@code flds}.
     */
    EMULATION_FAILURE("emulation_failure.bin"),
    /**
     * Attacks the host side of the ABI from the seed in the control page's {@code fuzz_seed}:
     * random and adversarial values in its vCPU block and event ring, odd doorbell values and
     * storms of doorbells, forever.
     */
    HOSTILE("hostile.bin");

    private static final String DIRECTORY = "kvmclockprobe/guest/";

    private final String fileName;
    private volatile byte[] cached;

    GuestImage(String fileName) {
        this.fileName = fileName;
    }

    /** The resource name inside this module, e.g. {@code kvmclockprobe/guest/hello.bin}. */
    public String resourceName() {
        return DIRECTORY + fileName;
    }

    /**
     * The image bytes (a fresh copy on every call).
     *
     * @throws IllegalStateException if the resource is missing from the module
     * @throws UncheckedIOException if reading it fails
     */
    public byte[] bytes() {
        byte[] b = cached;
        if (b == null) {
            b = load();
            cached = b;
        }
        return b.clone();
    }

    private byte[] load() {
        String name = resourceName();
        try (InputStream in = GuestImage.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("guest image resource " + name + " (" + this
                        + ") is missing from module kvmclockprobe.guest; run guest-images/rebuild and rebuild the module");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read guest image resource " + name, e);
        }
    }
}

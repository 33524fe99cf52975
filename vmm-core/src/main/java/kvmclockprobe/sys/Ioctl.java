package kvmclockprobe.sys;

/**
 * An ioctl request: its number, and the name the kernel gives it, which is what an error names
 * (as the KVM selftests' {@code vm_ioctl} names {@code #cmd}). The enums of requests implement it,
 * so a number never travels without its name.
 */
public interface Ioctl {
    /** The request number, as the kernel's {@code _IOC} encodes it. */
    long number();

    /** The request's name in the kernel's uapi header, for example {@code KVM_GET_REGS}. */
    String name();
}

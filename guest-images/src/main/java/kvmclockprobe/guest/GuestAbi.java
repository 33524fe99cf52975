package kvmclockprobe.guest;

/**
 * The guest ABI (version {@value #ABI_VERSION}) shared by the guest images and the VMM:
 * guest-physical layout, ports, doorbell codes, control page / vCPU block / event
 * layouts. Mirrors {@code guest-images/src/guest/abi.h} constant by constant (checked by
 * {@code AbiHeaderMatchesJavaTest}); described in {@code guest-images/ABI.md}.
 *
 * <p>Addresses, sizes and offsets are {@code long}; ports, codes, counts and
 * MSR numbers are {@code int}. Offsets are relative to the start of their structure:
 * {@code CTL_OFF_*} to {@link #CONTROL_GPA}, {@code VCPU_OFF_*} to a vCPU block
 * ({@link #vcpuBlockGpa(int)}), {@code EVT_OFF_*} to an event slot
 * ({@link #eventGpa(int, long)}), {@code PVTI_OFF_*} to a
 * {@code pvclock_vcpu_time_info} ({@link #pvclockGpa(int)}).
 */
public final class GuestAbi {
    private GuestAbi() {}

    public static final int ABI_VERSION = 1;
    public static final int CONTROL_MAGIC = 0x4B435042; // 'KCPB' as written: bytes 42 50 43 4B

    // ---- guest-physical memory map ----
    public static final long RAM_SIZE = 0x400000L;
    public static final long GDT_GPA = 0x1000L;
    public static final long PML4_GPA = 0x2000L;
    public static final long PDPT_GPA = 0x3000L;
    public static final long PD_GPA = 0x4000L;
    public static final long HYPERV_REF_TSC_GPA = 0x8000L;
    public static final long WALL_CLOCK_GPA = 0x9000L;
    public static final long PVCLOCK_GPA = 0xA000L;
    public static final long PVCLOCK_STRIDE = 0x40L;
    public static final long XEN_SHARED_INFO_GPA = 0xB000L;
    public static final long CONTROL_GPA = 0xC000L;
    public static final long VCPU_BLOCK_GPA = 0x10000L;
    public static final long VCPU_BLOCK_STRIDE = 0x2000L;
    public static final int MAX_VCPUS = 16;
    public static final long STACKS_GPA = 0x80000L;
    public static final long STACK_SIZE = 0x4000L;
    public static final int STACK_SHIFT = 14; // log2(STACK_SIZE)
    public static final long IMAGE_GPA = 0x100000L;
    public static final long IMAGE_MAX_SIZE = 0x100000L;

    // ---- segments (GDT written by the host) ----
    public static final int CODE_SELECTOR = 8;
    public static final int DATA_SELECTOR = 0x10;

    // ---- I/O ports (32-bit out dx, eax) ----
    public static final int PORT_DOORBELL = 0x710;
    public static final int PORT_FAULT = 0x711;
    public static final int PORT_BENCH = 0x712;

    // ---- doorbell codes (value written to PORT_DOORBELL) ----
    public static final int DOORBELL_HELLO_VALUE = 0x4B435042;
    public static final int DOORBELL_TICK = 1;
    public static final int DOORBELL_EVENT = 2;
    public static final int DOORBELL_DONE = 3;
    public static final int DOORBELL_READY = 4;
    public static final int DOORBELL_ERROR = 5;
    public static final int DOORBELL_COMMAND_ACK = 6;

    // ---- MSRs ----
    public static final int MSR_KVM_SYSTEM_TIME = 0x12;
    public static final int MSR_KVM_SYSTEM_TIME_NEW = 0x4B564D01;

    // ---- commands (control page .command) ----
    public static final int COMMAND_NONE = 0;
    public static final int COMMAND_MSR_SWITCH = 1;

    // ---- vCPU states (vcpu_block .state) ----
    public static final int STATE_NOT_STARTED = 0;
    public static final int STATE_RUNNING = 1;
    public static final int STATE_DONE = 2;
    public static final int STATE_ERROR = 3;

    // ---- error codes (vcpu_block .error_code) ----
    public static final int ERROR_NONE = 0;
    public static final int ERROR_BAD_CONTROL = 1; // magic or abi_version mismatch
    public static final int ERROR_PVCLOCK_TIMEOUT = 2; // pvclock version never became nonzero and even
    public static final int ERROR_FAULT = 3; // CPU exception, see fault_* fields (set by entry.S)
    public static final int PVCLOCK_WAIT_SPINS = 1_000_000;

    // ---- event ring ----
    public static final long EVENT_RING_OFFSET = 0x100L;
    public static final int EVENT_RING_SLOTS = 32;
    public static final long EVENT_SIZE = 0x80L;
    public static final int EVENT_VERSION_CHANGE = 1;
    public static final int EVENT_BACKWARD_STEP = 2;
    public static final int EVENT_CROSS_VCPU = 3;

    // ---- struct pvclock_vcpu_time_info (32 bytes, packed) ----
    public static final long PVTI_SIZE = 0x20L;
    public static final long PVTI_OFF_VERSION = 0x0L;
    public static final long PVTI_OFF_PAD0 = 0x4L;
    public static final long PVTI_OFF_TSC_TIMESTAMP = 0x8L;
    public static final long PVTI_OFF_SYSTEM_TIME = 0x10L;
    public static final long PVTI_OFF_TSC_TO_SYSTEM_MUL = 0x18L;
    public static final long PVTI_OFF_TSC_SHIFT = 0x1CL;
    public static final long PVTI_OFF_FLAGS = 0x1DL;
    public static final long PVTI_OFF_PAD = 0x1EL;

    // ---- control page offsets ----
    public static final long CTL_OFF_MAGIC = 0x0L;
    public static final long CTL_OFF_ABI_VERSION = 0x4L;
    public static final long CTL_OFF_VCPU_COUNT = 0x8L;
    public static final long CTL_OFF_STOP = 0xCL;
    public static final long CTL_OFF_DOORBELL_INTERVAL_NS = 0x10L;
    public static final long CTL_OFF_PVCLOCK_MSR = 0x18L;
    public static final long CTL_OFF_COMMAND = 0x1CL;
    public static final long CTL_OFF_COMMAND_SEQ = 0x20L;
    public static final long CTL_OFF_COMMAND_ACK = 0x24L;
    public static final long CTL_OFF_GLOBAL_LAST_NS = 0x40L;
    /** u64, host: the seed the {@code HOSTILE} image draws its values from (the other images ignore it). */
    public static final long CTL_OFF_FUZZ_SEED = 0x48L;
    public static final long CTL_SIZE = 0x50L;

    // ---- vCPU block offsets ----
    public static final long VCPU_OFF_STATE = 0x0L;
    public static final long VCPU_OFF_ERROR_CODE = 0x4L;
    public static final long VCPU_OFF_SAMPLES = 0x8L;
    public static final long VCPU_OFF_RETRIES = 0x10L;
    public static final long VCPU_OFF_VERSION_CHANGES = 0x18L;
    public static final long VCPU_OFF_BACKWARD_STEPS = 0x20L;
    public static final long VCPU_OFF_LAST_TSC = 0x28L;
    public static final long VCPU_OFF_LAST_NS = 0x30L;
    public static final long VCPU_OFF_EVENTS_WRITTEN = 0x38L;
    public static final long VCPU_OFF_EVENTS_CONSUMED = 0x40L;
    public static final long VCPU_OFF_EVENTS_LOST = 0x48L;
    public static final long VCPU_OFF_DOORBELLS = 0x50L;
    public static final long VCPU_OFF_LAST_VERSION = 0x58L;
    public static final long VCPU_OFF_PAD = 0x5CL;
    public static final long VCPU_OFF_CROSS_VCPU_VIOLATIONS = 0x60L;
    public static final long VCPU_OFF_FAULT_VECTOR = 0x68L;
    public static final long VCPU_OFF_FAULT_ERROR_CODE = 0x70L;
    public static final long VCPU_OFF_FAULT_RIP = 0x78L;
    public static final long VCPU_OFF_LAST_PARAMS = 0x80L;
    public static final long VCPU_OFF_RESERVED = 0xA0L;
    public static final long VCPU_OFF_EVENTS = 0x100L;
    public static final long VCPU_BLOCK_SIZE = 0x1100L; // EVENT_RING_OFFSET + EVENT_RING_SLOTS*EVENT_SIZE

    // ---- event offsets ----
    public static final long EVT_OFF_TYPE = 0x0L;
    public static final long EVT_OFF_VCPU = 0x4L;
    public static final long EVT_OFF_SAMPLE_INDEX = 0x8L;
    public static final long EVT_OFF_TSC = 0x10L;
    public static final long EVT_OFF_JUMP_NS = 0x18L;
    public static final long EVT_OFF_OLD_PARAMS = 0x20L;
    public static final long EVT_OFF_NEW_PARAMS = 0x40L;
    public static final long EVT_OFF_PREV_NS = 0x60L;
    public static final long EVT_OFF_NS = 0x68L;
    public static final long EVT_OFF_PREV_TSC = 0x70L;
    public static final long EVT_OFF_RESERVED = 0x78L;

    /** Guest-physical address of vCPU {@code vcpu}'s {@code pvclock_vcpu_time_info}. */
    public static long pvclockGpa(int vcpu) {
        checkVcpu(vcpu);
        return PVCLOCK_GPA + PVCLOCK_STRIDE * vcpu;
    }

    /** Guest-physical address of vCPU {@code vcpu}'s block. */
    public static long vcpuBlockGpa(int vcpu) {
        checkVcpu(vcpu);
        return VCPU_BLOCK_GPA + VCPU_BLOCK_STRIDE * vcpu;
    }

    /** Guest-physical address of the ring slot holding event number {@code index} of vCPU {@code vcpu}. */
    public static long eventGpa(int vcpu, long index) {
        return vcpuBlockGpa(vcpu) + EVENT_RING_OFFSET + EVENT_SIZE * Long.remainderUnsigned(index, EVENT_RING_SLOTS);
    }

    /** Initial RSP of vCPU {@code vcpu} (the top of its stack). */
    public static long stackTop(int vcpu) {
        checkVcpu(vcpu);
        return STACKS_GPA + STACK_SIZE * (vcpu + 1L);
    }

    private static void checkVcpu(int vcpu) {
        if (vcpu < 0 || vcpu >= MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU index " + vcpu + " out of range [0, " + MAX_VCPUS + ")");
        }
    }
}

/*
 * kvmclock-probe guest ABI (version 1).
 *
 * Shared by the guest images (C and assembly) and mirrored, constant by
 * constant, in kvmclockprobe.guest.GuestAbi (checked by AbiHeaderMatchesJavaTest).
 * See guest-images/ABI.md for the prose description.
 *
 * This header must stay usable from assembly: plain integer literals only
 * (no U/UL suffixes), C declarations guarded by __ASSEMBLER__.
 */
#ifndef KVMCLOCKPROBE_ABI_H
#define KVMCLOCKPROBE_ABI_H

#define ABI_VERSION            1
#define CONTROL_MAGIC          0x4B435042 /* 'KCPB' as written: bytes 42 50 43 4B */

/* ---- guest-physical memory map ---- */
#define RAM_SIZE               0x400000
#define GDT_GPA                0x001000
#define PML4_GPA               0x002000
#define PDPT_GPA               0x003000
#define PD_GPA                 0x004000
#define HYPERV_REF_TSC_GPA     0x008000
#define WALL_CLOCK_GPA         0x009000
#define PVCLOCK_GPA            0x00A000
#define PVCLOCK_STRIDE         64
#define XEN_SHARED_INFO_GPA    0x00B000
#define CONTROL_GPA            0x00C000
#define VCPU_BLOCK_GPA         0x010000
#define VCPU_BLOCK_STRIDE      0x2000
#define MAX_VCPUS              16
#define STACKS_GPA             0x080000
#define STACK_SIZE             0x4000
#define STACK_SHIFT            14         /* log2(STACK_SIZE) */
#define IMAGE_GPA              0x100000
#define IMAGE_MAX_SIZE         0x100000

/* ---- segments (GDT written by the host) ---- */
#define CODE_SELECTOR          0x08
#define DATA_SELECTOR          0x10

/* ---- I/O ports (32-bit out dx, eax) ---- */
#define PORT_DOORBELL          0x0710
#define PORT_FAULT             0x0711
#define PORT_BENCH             0x0712

/* ---- doorbell codes (value written to PORT_DOORBELL) ---- */
#define DOORBELL_HELLO_VALUE   0x4B435042
#define DOORBELL_TICK          1
#define DOORBELL_EVENT         2
#define DOORBELL_DONE          3
#define DOORBELL_READY         4
#define DOORBELL_ERROR         5
#define DOORBELL_COMMAND_ACK   6

/* ---- MSRs ---- */
#define MSR_KVM_SYSTEM_TIME      0x12
#define MSR_KVM_SYSTEM_TIME_NEW  0x4b564d01

/* ---- commands (control page .command) ---- */
#define COMMAND_NONE           0
#define COMMAND_MSR_SWITCH     1

/* ---- vCPU states (vcpu_block .state) ---- */
#define STATE_NOT_STARTED      0
#define STATE_RUNNING          1
#define STATE_DONE             2
#define STATE_ERROR            3

/* ---- error codes (vcpu_block .error_code) ---- */
#define ERROR_NONE             0
#define ERROR_BAD_CONTROL      1  /* magic or abi_version mismatch */
#define ERROR_PVCLOCK_TIMEOUT  2  /* pvclock version never became nonzero and even */
#define ERROR_FAULT            3  /* CPU exception, see fault_* fields (set by entry.S) */

/* Spin iterations the sampler waits for its pvclock to become valid. */
#define PVCLOCK_WAIT_SPINS     1000000

/* ---- event ring ---- */
#define EVENT_RING_OFFSET      0x100
#define EVENT_RING_SLOTS       32
#define EVENT_SIZE             128
#define EVENT_VERSION_CHANGE   1
#define EVENT_BACKWARD_STEP    2
#define EVENT_CROSS_VCPU       3

/* ---- struct pvclock_vcpu_time_info (32 bytes, packed) ---- */
#define PVTI_SIZE                  32
#define PVTI_OFF_VERSION           0x00
#define PVTI_OFF_PAD0              0x04
#define PVTI_OFF_TSC_TIMESTAMP     0x08
#define PVTI_OFF_SYSTEM_TIME       0x10
#define PVTI_OFF_TSC_TO_SYSTEM_MUL 0x18
#define PVTI_OFF_TSC_SHIFT         0x1C
#define PVTI_OFF_FLAGS             0x1D
#define PVTI_OFF_PAD               0x1E

/* ---- control page offsets ---- */
#define CTL_OFF_MAGIC                0x00
#define CTL_OFF_ABI_VERSION          0x04
#define CTL_OFF_VCPU_COUNT           0x08
#define CTL_OFF_STOP                 0x0C
#define CTL_OFF_DOORBELL_INTERVAL_NS 0x10
#define CTL_OFF_PVCLOCK_MSR          0x18
#define CTL_OFF_COMMAND              0x1C
#define CTL_OFF_COMMAND_SEQ          0x20
#define CTL_OFF_COMMAND_ACK          0x24
#define CTL_OFF_GLOBAL_LAST_NS       0x40
#define CTL_OFF_FUZZ_SEED            0x48
#define CTL_SIZE                     0x50

/* ---- vCPU block offsets ---- */
#define VCPU_OFF_STATE                 0x00
#define VCPU_OFF_ERROR_CODE            0x04
#define VCPU_OFF_SAMPLES               0x08
#define VCPU_OFF_RETRIES               0x10
#define VCPU_OFF_VERSION_CHANGES       0x18
#define VCPU_OFF_BACKWARD_STEPS        0x20
#define VCPU_OFF_LAST_TSC              0x28
#define VCPU_OFF_LAST_NS               0x30
#define VCPU_OFF_EVENTS_WRITTEN        0x38
#define VCPU_OFF_EVENTS_CONSUMED       0x40
#define VCPU_OFF_EVENTS_LOST           0x48
#define VCPU_OFF_DOORBELLS             0x50
#define VCPU_OFF_LAST_VERSION          0x58
#define VCPU_OFF_PAD                   0x5C
#define VCPU_OFF_CROSS_VCPU_VIOLATIONS 0x60
#define VCPU_OFF_FAULT_VECTOR          0x68
#define VCPU_OFF_FAULT_ERROR_CODE      0x70
#define VCPU_OFF_FAULT_RIP             0x78
#define VCPU_OFF_LAST_PARAMS           0x80
#define VCPU_OFF_RESERVED              0xA0
#define VCPU_OFF_EVENTS                EVENT_RING_OFFSET
#define VCPU_BLOCK_SIZE                0x1100 /* EVENT_RING_OFFSET + EVENT_RING_SLOTS*EVENT_SIZE */

/* ---- event offsets ---- */
#define EVT_OFF_TYPE          0x00
#define EVT_OFF_VCPU          0x04
#define EVT_OFF_SAMPLE_INDEX  0x08
#define EVT_OFF_TSC           0x10
#define EVT_OFF_JUMP_NS       0x18
#define EVT_OFF_OLD_PARAMS    0x20
#define EVT_OFF_NEW_PARAMS    0x40
#define EVT_OFF_PREV_NS       0x60
#define EVT_OFF_NS            0x68
#define EVT_OFF_PREV_TSC      0x70
#define EVT_OFF_RESERVED      0x78

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct pvclock_vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;
    uint8_t  pad[2];
} __attribute__((packed));

struct control {
    uint32_t magic;
    uint32_t abi_version;
    uint32_t vcpu_count;
    uint32_t stop;
    uint64_t doorbell_interval_ns;
    uint32_t pvclock_msr;
    uint32_t command;
    uint32_t command_seq;
    uint32_t command_ack;
    uint8_t  reserved0[0x40 - 0x28];
    uint64_t global_last_ns;
    uint64_t fuzz_seed;     /* read by the HOSTILE image only */
};

struct event {
    uint32_t type;
    uint32_t vcpu;
    uint64_t sample_index;
    uint64_t tsc;
    int64_t  jump_ns;
    struct pvclock_vcpu_time_info old_params;
    struct pvclock_vcpu_time_info new_params;
    uint64_t prev_ns;
    uint64_t ns;
    uint64_t prev_tsc;
    uint64_t reserved;
};

struct vcpu_block {
    uint32_t state;
    uint32_t error_code;
    uint64_t samples;
    uint64_t retries;
    uint64_t version_changes;
    uint64_t backward_steps;
    uint64_t last_tsc;
    uint64_t last_ns;
    uint64_t events_written;
    uint64_t events_consumed;
    uint64_t events_lost;
    uint64_t doorbells;
    uint32_t last_version;
    uint32_t pad;
    uint64_t cross_vcpu_violations;
    uint64_t fault_vector;
    uint64_t fault_error_code;
    uint64_t fault_rip;
    struct pvclock_vcpu_time_info last_params;
    uint8_t  reserved[EVENT_RING_OFFSET - 0xA0];
    struct event events[EVENT_RING_SLOTS];
};

#define ABI_CHECK(type, field, off) \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset")

ABI_CHECK(pvclock_vcpu_time_info, version, PVTI_OFF_VERSION);
ABI_CHECK(pvclock_vcpu_time_info, tsc_timestamp, PVTI_OFF_TSC_TIMESTAMP);
ABI_CHECK(pvclock_vcpu_time_info, system_time, PVTI_OFF_SYSTEM_TIME);
ABI_CHECK(pvclock_vcpu_time_info, tsc_to_system_mul, PVTI_OFF_TSC_TO_SYSTEM_MUL);
ABI_CHECK(pvclock_vcpu_time_info, tsc_shift, PVTI_OFF_TSC_SHIFT);
ABI_CHECK(pvclock_vcpu_time_info, flags, PVTI_OFF_FLAGS);
_Static_assert(sizeof(struct pvclock_vcpu_time_info) == PVTI_SIZE, "pvti size");

ABI_CHECK(control, magic, CTL_OFF_MAGIC);
ABI_CHECK(control, abi_version, CTL_OFF_ABI_VERSION);
ABI_CHECK(control, vcpu_count, CTL_OFF_VCPU_COUNT);
ABI_CHECK(control, stop, CTL_OFF_STOP);
ABI_CHECK(control, doorbell_interval_ns, CTL_OFF_DOORBELL_INTERVAL_NS);
ABI_CHECK(control, pvclock_msr, CTL_OFF_PVCLOCK_MSR);
ABI_CHECK(control, command, CTL_OFF_COMMAND);
ABI_CHECK(control, command_seq, CTL_OFF_COMMAND_SEQ);
ABI_CHECK(control, command_ack, CTL_OFF_COMMAND_ACK);
ABI_CHECK(control, global_last_ns, CTL_OFF_GLOBAL_LAST_NS);
ABI_CHECK(control, fuzz_seed, CTL_OFF_FUZZ_SEED);
_Static_assert(sizeof(struct control) == CTL_SIZE, "control size");

ABI_CHECK(vcpu_block, state, VCPU_OFF_STATE);
ABI_CHECK(vcpu_block, error_code, VCPU_OFF_ERROR_CODE);
ABI_CHECK(vcpu_block, samples, VCPU_OFF_SAMPLES);
ABI_CHECK(vcpu_block, retries, VCPU_OFF_RETRIES);
ABI_CHECK(vcpu_block, version_changes, VCPU_OFF_VERSION_CHANGES);
ABI_CHECK(vcpu_block, backward_steps, VCPU_OFF_BACKWARD_STEPS);
ABI_CHECK(vcpu_block, last_tsc, VCPU_OFF_LAST_TSC);
ABI_CHECK(vcpu_block, last_ns, VCPU_OFF_LAST_NS);
ABI_CHECK(vcpu_block, events_written, VCPU_OFF_EVENTS_WRITTEN);
ABI_CHECK(vcpu_block, events_consumed, VCPU_OFF_EVENTS_CONSUMED);
ABI_CHECK(vcpu_block, events_lost, VCPU_OFF_EVENTS_LOST);
ABI_CHECK(vcpu_block, doorbells, VCPU_OFF_DOORBELLS);
ABI_CHECK(vcpu_block, last_version, VCPU_OFF_LAST_VERSION);
ABI_CHECK(vcpu_block, cross_vcpu_violations, VCPU_OFF_CROSS_VCPU_VIOLATIONS);
ABI_CHECK(vcpu_block, fault_vector, VCPU_OFF_FAULT_VECTOR);
ABI_CHECK(vcpu_block, fault_error_code, VCPU_OFF_FAULT_ERROR_CODE);
ABI_CHECK(vcpu_block, fault_rip, VCPU_OFF_FAULT_RIP);
ABI_CHECK(vcpu_block, last_params, VCPU_OFF_LAST_PARAMS);
ABI_CHECK(vcpu_block, reserved, VCPU_OFF_RESERVED);
ABI_CHECK(vcpu_block, events, VCPU_OFF_EVENTS);
_Static_assert(sizeof(struct vcpu_block) == VCPU_BLOCK_SIZE, "vcpu block size");
_Static_assert(VCPU_BLOCK_SIZE <= VCPU_BLOCK_STRIDE, "vcpu block fits its stride");

ABI_CHECK(event, type, EVT_OFF_TYPE);
ABI_CHECK(event, vcpu, EVT_OFF_VCPU);
ABI_CHECK(event, sample_index, EVT_OFF_SAMPLE_INDEX);
ABI_CHECK(event, tsc, EVT_OFF_TSC);
ABI_CHECK(event, jump_ns, EVT_OFF_JUMP_NS);
ABI_CHECK(event, old_params, EVT_OFF_OLD_PARAMS);
ABI_CHECK(event, new_params, EVT_OFF_NEW_PARAMS);
ABI_CHECK(event, prev_ns, EVT_OFF_PREV_NS);
ABI_CHECK(event, ns, EVT_OFF_NS);
ABI_CHECK(event, prev_tsc, EVT_OFF_PREV_TSC);
ABI_CHECK(event, reserved, EVT_OFF_RESERVED);
_Static_assert(sizeof(struct event) == EVENT_SIZE, "event size");

#define CONTROL_PTR()       ((volatile struct control *)(uintptr_t)CONTROL_GPA)
#define VCPU_BLOCK_PTR(i)   ((volatile struct vcpu_block *)(uintptr_t)(VCPU_BLOCK_GPA + (uint64_t)VCPU_BLOCK_STRIDE * (i)))
#define PVCLOCK_PTR(i)      ((volatile struct pvclock_vcpu_time_info *)(uintptr_t)(PVCLOCK_GPA + (uint64_t)PVCLOCK_STRIDE * (i)))

#endif /* !__ASSEMBLER__ */
#endif /* KVMCLOCKPROBE_ABI_H */

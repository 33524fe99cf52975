/*
 * hostile: a guest that attacks the host side of the guest ABI. From the
 * seed the host puts in the control page (fuzz_seed), it writes random and
 * adversarial values into this vCPU's block (state, error code, the ring's
 * written/consumed indices, event slots with bad types, vCPU numbers and
 * counts, any byte of the block) and rings doorbells: valid codes, odd
 * values, and storms of up to 64 in a row. It never stops by itself; the
 * host must answer with a clear error (GuestProtocolError or GuestFailure),
 * never crash, read outside guest memory, or hang. See guest-images/ABI.md.
 */
#include "abi.h"

typedef volatile struct control ctl_t;
typedef volatile struct vcpu_block blk_t;

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ __volatile__("outl %0, %1" :: "a"(value), "Nd"(port) : "memory");
}

static __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        __asm__ __volatile__("hlt" ::: "memory");
}

/* xorshift64: reproducible from the seed. */
static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* A value a careless parser trips on, or a random one. */
static uint64_t adversarial(uint64_t *s)
{
    switch (next(s) % 10) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~(uint64_t)0;
    case 3: return (uint64_t)1 << 63;
    case 4: return EVENT_RING_SLOTS;
    case 5: return EVENT_RING_SLOTS + 1;
    case 6: return 0xFFFFFFFFu;
    case 7: return MAX_VCPUS;
    default: return next(s);
    }
}

static uint32_t doorbell(uint64_t *s)
{
    switch (next(s) % 6) {
    case 0: return DOORBELL_TICK;
    case 1: return DOORBELL_EVENT;
    case 2: return DOORBELL_READY;
    case 3: return DOORBELL_COMMAND_ACK;
    case 4: return (uint32_t)adversarial(s);
    default: return (uint32_t)next(s);
    }
}

void guest_main(uint32_t vcpu, ctl_t *ctl);

void guest_main(uint32_t vcpu, ctl_t *ctl)
{
    if (vcpu >= MAX_VCPUS)
        halt_forever();
    blk_t *blk = VCPU_BLOCK_PTR(vcpu);
    uint64_t s = ctl->fuzz_seed | 1;

    for (;;) {
        switch (next(&s) % 8) {
        case 0:
            blk->state = (uint32_t)adversarial(&s);
            break;
        case 1:
            blk->events_written = adversarial(&s);
            break;
        case 2:
            blk->events_consumed = adversarial(&s);
            break;
        case 3: {
            volatile struct event *e = &blk->events[next(&s) % EVENT_RING_SLOTS];
            e->type = (uint32_t)adversarial(&s);
            e->vcpu = (uint32_t)adversarial(&s);
            e->sample_index = adversarial(&s);
            e->jump_ns = (int64_t)adversarial(&s);
            blk->events_written = blk->events_written + (next(&s) % 3);
            break;
        }
        case 4:
            blk->error_code = (uint32_t)adversarial(&s);
            break;
        case 5:
            ((volatile uint8_t *)blk)[next(&s) % VCPU_BLOCK_STRIDE] = (uint8_t)next(&s);
            break;
        case 6: {
            uint32_t n = (uint32_t)(next(&s) % 64) + 1;
            for (uint32_t i = 0; i < n; i++)
                outl(PORT_DOORBELL, doorbell(&s));
            break;
        }
        default:
            outl(PORT_DOORBELL, doorbell(&s));
            break;
        }
    }
}

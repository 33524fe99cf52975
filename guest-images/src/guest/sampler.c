/*
 * sampler: reads this vCPU's kvmclock (pvclock) in a loop and reports
 * version changes, backward steps and cross-vCPU violations through the
 * vCPU block's event ring and doorbells. See guest-images/ABI.md.
 */
#include "abi.h"

typedef volatile struct control ctl_t;
typedef volatile struct vcpu_block blk_t;
typedef volatile struct pvclock_vcpu_time_info vpvti_t;
typedef struct pvclock_vcpu_time_info pvti_t;

#define barrier() __asm__ __volatile__("" ::: "memory")

static inline void lfence(void) { __asm__ __volatile__("lfence" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)value),
                         "d"((uint32_t)(value >> 32)) : "memory");
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ __volatile__("outl %0, %1" :: "a"(value), "Nd"(port) : "memory");
}

static __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        __asm__ __volatile__("hlt" ::: "memory");
}

/* Counts the doorbell before ringing it, so the host sees it in the block. */
static void ring(blk_t *blk, uint32_t code)
{
    blk->doorbells = blk->doorbells + 1;
    barrier();
    outl(PORT_DOORBELL, code);
}

static __attribute__((noreturn)) void fail(blk_t *blk, uint32_t error_code)
{
    blk->error_code = error_code;
    barrier();
    blk->state = STATE_ERROR;
    ring(blk, DOORBELL_ERROR);
    halt_forever();
}

static void copy_params(pvti_t *dst, vpvti_t *src)
{
    dst->version = src->version;
    dst->pad0 = src->pad0;
    dst->tsc_timestamp = src->tsc_timestamp;
    dst->system_time = src->system_time;
    dst->tsc_to_system_mul = src->tsc_to_system_mul;
    dst->tsc_shift = src->tsc_shift;
    dst->flags = src->flags;
    dst->pad[0] = src->pad[0];
    dst->pad[1] = src->pad[1];
}

static void store_params(vpvti_t *dst, const pvti_t *src)
{
    dst->version = src->version;
    dst->pad0 = src->pad0;
    dst->tsc_timestamp = src->tsc_timestamp;
    dst->system_time = src->system_time;
    dst->tsc_to_system_mul = src->tsc_to_system_mul;
    dst->tsc_shift = src->tsc_shift;
    dst->flags = src->flags;
    dst->pad[0] = src->pad[0];
    dst->pad[1] = src->pad[1];
}

/* ns = system_time + (((tsc - tsc_timestamp) << / >> shift) * mul) >> 32 */
static uint64_t pvclock_ns(const pvti_t *p, uint64_t tsc)
{
    uint64_t delta = tsc - p->tsc_timestamp;
    int shift = p->tsc_shift;
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return p->system_time +
           (uint64_t)(((unsigned __int128)delta * p->tsc_to_system_mul) >> 32);
}

struct sample {
    pvti_t params;
    uint64_t tsc;
    uint64_t ns;
};

/* Version protocol: retry while the version is odd or changed under us. */
static void take_sample(blk_t *blk, vpvti_t *pv, struct sample *s)
{
    for (;;) {
        uint32_t v1 = pv->version;
        lfence();
        copy_params(&s->params, pv);
        lfence();
        s->tsc = rdtsc();
        lfence();
        uint32_t v2 = pv->version;
        if (!(v1 & 1) && v1 == v2 && s->params.version == v1)
            break;
        blk->retries = blk->retries + 1;
    }
    s->ns = pvclock_ns(&s->params, s->tsc);
}

/* Appends one event to the ring, or counts it lost when the ring is full. */
static void record_event(blk_t *blk, uint32_t type, uint32_t vcpu, uint64_t sample_index,
                         uint64_t tsc, int64_t jump_ns, const pvti_t *old_params,
                         const pvti_t *new_params, uint64_t prev_ns, uint64_t ns,
                         uint64_t prev_tsc)
{
    uint64_t head = blk->events_written;
    uint64_t tail = blk->events_consumed;
    if (head - tail >= EVENT_RING_SLOTS) {
        blk->events_lost = blk->events_lost + 1;
        return;
    }
    volatile struct event *e = &blk->events[head % EVENT_RING_SLOTS];
    e->type = type;
    e->vcpu = vcpu;
    e->sample_index = sample_index;
    e->tsc = tsc;
    e->jump_ns = jump_ns;
    store_params(&e->old_params, old_params);
    store_params(&e->new_params, new_params);
    e->prev_ns = prev_ns;
    e->ns = ns;
    e->prev_tsc = prev_tsc;
    e->reserved = 0;
    barrier(); /* x86 TSO: the slot is visible before the new head */
    blk->events_written = head + 1;
}

static void raise_global(ctl_t *ctl, uint64_t ns)
{
    uint64_t cur = ctl->global_last_ns;
    while (ns > cur) {
        if (__atomic_compare_exchange_n(&ctl->global_last_ns, &cur, ns, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
        /* cur now holds the value another vCPU published */
    }
}

static void run_command(uint32_t vcpu, ctl_t *ctl, uint32_t command)
{
    uint64_t gpa = (uint64_t)PVCLOCK_GPA + (uint64_t)PVCLOCK_STRIDE * vcpu;
    switch (command) {
    case COMMAND_MSR_SWITCH:
        wrmsr(MSR_KVM_SYSTEM_TIME, gpa | 1);
        wrmsr(ctl->pvclock_msr, gpa | 1);
        break;
    default: /* COMMAND_NONE and unknown commands: acknowledged, no effect */
        break;
    }
}

void guest_main(uint32_t vcpu, ctl_t *ctl);

void guest_main(uint32_t vcpu, ctl_t *ctl)
{
    if (vcpu >= MAX_VCPUS) {
        outl(PORT_DOORBELL, DOORBELL_ERROR); /* no block to report into */
        halt_forever();
    }
    blk_t *blk = VCPU_BLOCK_PTR(vcpu);
    vpvti_t *pv = PVCLOCK_PTR(vcpu);

    if (ctl->magic != CONTROL_MAGIC || ctl->abi_version != ABI_VERSION)
        fail(blk, ERROR_BAD_CONTROL);

    blk->state = STATE_RUNNING;
    barrier();

    uint32_t msr = ctl->pvclock_msr;
    if (msr == 0)
        msr = MSR_KVM_SYSTEM_TIME_NEW;
    wrmsr(msr, ((uint64_t)PVCLOCK_GPA + (uint64_t)PVCLOCK_STRIDE * vcpu) | 1);

    uint32_t spins = 0;
    for (;;) {
        uint32_t v = pv->version;
        if (v != 0 && !(v & 1))
            break;
        if (++spins >= PVCLOCK_WAIT_SPINS)
            fail(blk, ERROR_PVCLOCK_TIMEOUT);
        cpu_relax();
    }

    ring(blk, DOORBELL_READY);

    struct sample prev, cur;
    uint64_t sample_index = 0;
    uint64_t last_doorbell_ns = 0;
    uint32_t last_seq = 0;
    int first = 1;

    while (!ctl->stop) {
        uint64_t g0 = ctl->global_last_ns; /* before the sample (lfence'd in take_sample) */
        barrier();
        take_sample(blk, pv, &cur);
        int doorbell_rung = 0;

        if (first) {
            prev = cur; /* old params of a first-sample event are the current ones */
            prev.ns = 0;
            prev.tsc = 0;
            last_doorbell_ns = cur.ns;
        } else {
            if (cur.params.version != prev.params.version) {
                blk->version_changes = blk->version_changes + 1;
                int64_t jump = (int64_t)(pvclock_ns(&cur.params, cur.tsc) -
                                         pvclock_ns(&prev.params, cur.tsc));
                record_event(blk, EVENT_VERSION_CHANGE, vcpu, sample_index, cur.tsc, jump,
                             &prev.params, &cur.params, prev.ns, cur.ns, prev.tsc);
                ring(blk, DOORBELL_EVENT);
                doorbell_rung = 1;
            }
            if (cur.ns < prev.ns) {
                blk->backward_steps = blk->backward_steps + 1;
                record_event(blk, EVENT_BACKWARD_STEP, vcpu, sample_index, cur.tsc,
                             (int64_t)(cur.ns - prev.ns), &prev.params, &cur.params,
                             prev.ns, cur.ns, prev.tsc);
                ring(blk, DOORBELL_EVENT);
                doorbell_rung = 1;
            }
        }
        if (cur.ns < g0) {
            blk->cross_vcpu_violations = blk->cross_vcpu_violations + 1;
            record_event(blk, EVENT_CROSS_VCPU, vcpu, sample_index, cur.tsc,
                         (int64_t)(cur.ns - g0), &prev.params, &cur.params,
                         g0, cur.ns, prev.tsc);
            ring(blk, DOORBELL_EVENT);
            doorbell_rung = 1;
        }
        raise_global(ctl, cur.ns);

        blk->samples = blk->samples + 1;
        store_params(&blk->last_params, &cur.params);
        blk->last_version = cur.params.version;
        barrier();
        blk->last_tsc = cur.tsc;
        blk->last_ns = cur.ns;

        if (vcpu == 0) {
            uint32_t seq = ctl->command_seq;
            if (seq != last_seq) {
                barrier();
                run_command(vcpu, ctl, ctl->command);
                last_seq = seq;
                ctl->command_ack = seq;
                ring(blk, DOORBELL_COMMAND_ACK);
                doorbell_rung = 1;
            }
        }

        if (doorbell_rung) {
            last_doorbell_ns = cur.ns;
        } else {
            uint64_t since = cur.ns - last_doorbell_ns;
            if ((int64_t)since >= 0 && since >= ctl->doorbell_interval_ns) {
                ring(blk, DOORBELL_TICK);
                last_doorbell_ns = cur.ns;
            }
        }

        prev = cur;
        first = 0;
        sample_index++;
    }

    blk->state = STATE_DONE;
    ring(blk, DOORBELL_DONE);
    halt_forever();
}

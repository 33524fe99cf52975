/*
 * exit_roundtrip: C twin of the Java "bench exits" benchmark.
 *
 * Boots guest-images' bench.bin (which outs an incrementing counter to
 * PORT_BENCH forever) in a one-vCPU VM laid out as in guest-images/ABI.md,
 * warms up with 1000 exits, then times --count N round trips
 * KVM_RUN -> KVM_EXIT_IO (PORT_BENCH) -> back to KVM_RUN with
 * CLOCK_MONOTONIC and prints
 *
 *     exit_round_trip_us <mean microseconds, 3 decimals>
 *
 * Like the Java VMM, it keeps SIGUSR1 (the vCPU kick signal) blocked in the vCPU
 * thread and gives KVM_SET_SIGNAL_MASK an empty mask for inside KVM_RUN, so both
 * pay for the same kernel work on every entry and exit (a signal-mask swap) and
 * the ratio measures the Java call path alone.
 *
 * Usage: exit_roundtrip [--count N] [--warmup W] [path/to/bench.bin]
 * (default image path is relative to the repository root).
 * Build:  gcc -O2 -I guest-images/src/guest -o exit_roundtrip bench/exit_roundtrip.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"

#define DEFAULT_IMAGE "guest-images/src/main/resources/kvmclockprobe/guest/bench.bin"

static void die(const char *what)
{
    fprintf(stderr, "exit_roundtrip: %s failed: %s\n", what, strerror(errno));
    exit(1);
}

static void die_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("exit_roundtrip: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static long parse_count(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v <= 0)
        die_msg("%s needs a positive integer, got '%s'", opt, s);
    return v;
}

static void load_image(const char *path, uint8_t *ram)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "exit_roundtrip: open(%s) failed: %s\n", path, strerror(errno));
        exit(1);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat(bench image)");
    if (st.st_size <= 0 || st.st_size > IMAGE_MAX_SIZE)
        die_msg("image %s has size %lld, expected 1..%d bytes", path, (long long)st.st_size, IMAGE_MAX_SIZE);
    size_t off = 0;
    while (off < (size_t)st.st_size) {
        ssize_t n = read(fd, ram + IMAGE_GPA + off, (size_t)st.st_size - off);
        if (n < 0)
            die("read(bench image)");
        if (n == 0)
            die_msg("short read of %s", path);
        off += (size_t)n;
    }
    close(fd);
}

static void write_page_tables_and_gdt(uint8_t *ram)
{
    uint64_t *gdt = (uint64_t *)(ram + GDT_GPA);
    gdt[0] = 0;
    gdt[CODE_SELECTOR / 8] = 0x00af9a000000ffffULL; /* 64-bit code: P, DPL0, S, exec/read, L=1, G */
    gdt[DATA_SELECTOR / 8] = 0x00cf92000000ffffULL; /* data: P, DPL0, S, read/write, D/B, G */

    uint64_t *pml4 = (uint64_t *)(ram + PML4_GPA);
    uint64_t *pdpt = (uint64_t *)(ram + PDPT_GPA);
    uint64_t *pd = (uint64_t *)(ram + PD_GPA);
    pml4[0] = PDPT_GPA | 0x3;                  /* present, writable */
    pdpt[0] = PD_GPA | 0x3;
    for (uint64_t i = 0; i < 512; i++)
        pd[i] = (i << 21) | 0x83;              /* present, writable, 2 MiB page */
}

static void set_cpuid(int kvm, int vcpu)
{
    int nent = 64;
    for (;;) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(struct kvm_cpuid_entry2));
        if (!c)
            die("calloc");
        c->nent = (uint32_t)nent;
        if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0) {
            if (errno == E2BIG && nent < 4096) {
                free(c);
                nent *= 2;
                continue;
            }
            die("ioctl(KVM_GET_SUPPORTED_CPUID)");
        }
        if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
            die("ioctl(KVM_SET_CPUID2)");
        free(c);
        return;
    }
}

static void set_sregs(int vcpu)
{
    struct kvm_sregs s;
    if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
        die("ioctl(KVM_GET_SREGS)");
    struct kvm_segment code = {
        .base = 0, .limit = 0xffffffff, .selector = CODE_SELECTOR,
        .type = 11, .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
    };
    struct kvm_segment data = {
        .base = 0, .limit = 0xffffffff, .selector = DATA_SELECTOR,
        .type = 3, .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
    };
    s.cs = code;
    s.ds = s.es = s.fs = s.gs = s.ss = data;
    s.gdt.base = GDT_GPA;
    s.gdt.limit = 3 * 8 - 1;
    s.cr0 = 0x80050033; /* PG | AM | WP | NE | ET | MP | PE */
    s.cr3 = PML4_GPA;
    s.cr4 = 0x20;       /* PAE */
    s.efer = 0x500;     /* LME | LMA */
    if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0)
        die("ioctl(KVM_SET_SREGS)");
}

static double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime(CLOCK_MONOTONIC)");
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void run_once(int vcpu, struct kvm_run *run, uint64_t expected)
{
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        die("ioctl(KVM_RUN)");
    if (run->exit_reason != KVM_EXIT_IO)
        die_msg("KVM_RUN exited with reason %u, expected KVM_EXIT_IO (%u)", run->exit_reason, KVM_EXIT_IO);
    if (run->io.port != PORT_BENCH || run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4)
        die_msg("unexpected I/O exit: port 0x%x direction %u size %u (expected out of 4 bytes to 0x%x)",
                run->io.port, run->io.direction, run->io.size, PORT_BENCH);
    uint32_t value;
    memcpy(&value, (uint8_t *)run + run->io.data_offset, sizeof value);
    if (value != (uint32_t)expected)
        die_msg("bench counter is %u, expected %u", value, (uint32_t)expected);
}

int main(int argc, char **argv)
{
    long count = 100000, warmup = 1000;
    const char *image = DEFAULT_IMAGE;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = parse_count("--count", argv[++i]);
        else if (!strncmp(argv[i], "--count=", 8))
            count = parse_count("--count", argv[i] + 8);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
            warmup = parse_count("--warmup", argv[++i]);
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: %s [--count N] [--warmup W] [bench.bin]\n", argv[0]);
            return 0;
        } else if (argv[i][0] == '-')
            die_msg("unknown option %s (usage: exit_roundtrip [--count N] [--warmup W] [bench.bin])", argv[i]);
        else
            image = argv[i];
    }

    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("open(/dev/kvm)");
    int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if (api < 0)
        die("ioctl(KVM_GET_API_VERSION)");
    if (api != KVM_API_VERSION)
        die_msg("KVM API version %d, expected %d", api, KVM_API_VERSION);

    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        die("ioctl(KVM_CREATE_VM)");

    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap(guest RAM)");
    struct kvm_userspace_memory_region region = {
        .slot = 0, .flags = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
        .userspace_addr = (uint64_t)(uintptr_t)ram,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        die("ioctl(KVM_SET_USER_MEMORY_REGION)");

    write_page_tables_and_gdt(ram);
    load_image(image, ram);

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0)
        die("ioctl(KVM_CREATE_VCPU)");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < 0)
        die("ioctl(KVM_GET_VCPU_MMAP_SIZE)");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("mmap(kvm_run)");

    set_cpuid(kvm, vcpu);
    set_sregs(vcpu);
    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = IMAGE_GPA;
    regs.rsp = STACKS_GPA + STACK_SIZE; /* vCPU 0's stack top */
    regs.rdi = 0;
    regs.rsi = CONTROL_GPA;
    regs.rflags = 0x2;
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        die("ioctl(KVM_SET_REGS)");

    /* The kick scheme of vmm-core's Vcpu: SIGUSR1 blocked here, unblocked only inside KVM_RUN. */
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, SIGUSR1);
    if (pthread_sigmask(SIG_BLOCK, &kick, NULL) != 0)
        die_msg("pthread_sigmask failed");
    struct {
        struct kvm_signal_mask hdr;
        uint8_t sigset[8];
    } mask;
    memset(&mask, 0, sizeof mask);
    mask.hdr.len = 8;
    if (ioctl(vcpu, KVM_SET_SIGNAL_MASK, &mask) < 0)
        die("ioctl(KVM_SET_SIGNAL_MASK)");

    uint64_t counter = 0;
    for (long i = 0; i < warmup; i++)
        run_once(vcpu, run, counter++);

    double t0 = now_ns();
    for (long i = 0; i < count; i++)
        run_once(vcpu, run, counter++);
    double t1 = now_ns();

    printf("exit_round_trip_us %.3f\n", (t1 - t0) / 1e3 / (double)count);
    return 0;
}

/*
 * kernel-internal.h -- definitions the Linux kernel does not export to user space
 * (they are not part of the uapi headers in linux-libc-dev), transcribed by hand
 * from the kernel sources named next to each block (Linux 6.1).
 *
 * Only the bindings generator includes this file; its values still flow through the
 * C compiler like every other constant. Keep each definition textually identical to
 * the kernel's, and name the kernel file it came from.
 */
#ifndef KVMCLOCKPROBE_KERNEL_INTERNAL_H
#define KVMCLOCKPROBE_KERNEL_INTERNAL_H

#include <linux/types.h>

/* ---- arch/x86/include/asm/pvclock-abi.h ---- */

/*
 * These structs MUST NOT be changed.
 * They are the ABI between hypervisor and guest OS.
 * Both Xen and KVM are using this.
 */
struct pvclock_vcpu_time_info {
	__u32   version;
	__u32   pad0;
	__u64   tsc_timestamp;
	__u64   system_time;
	__u32   tsc_to_system_mul;
	signed char    tsc_shift;
	__u8    flags;
	__u8    pad[2];
} __attribute__((__packed__)); /* 32 bytes */

struct pvclock_wall_clock {
	__u32   version;
	__u32   sec;
	__u32   nsec;
} __attribute__((__packed__));

#define PVCLOCK_TSC_STABLE_BIT	(1 << 0)
#define PVCLOCK_GUEST_STOPPED	(1 << 1)
/* PVCLOCK_COUNTS_FROM_ZERO broke ABI and can't be used anymore. */
#define PVCLOCK_COUNTS_FROM_ZERO (1 << 2)

/* ---- arch/x86/include/asm/msr-index.h ---- */

/* x86-64 specific MSRs */
#define MSR_EFER		0xc0000080 /* extended feature register */
#define MSR_STAR		0xc0000081 /* legacy mode SYSCALL target */
#define MSR_LSTAR		0xc0000082 /* long mode SYSCALL target */
#define MSR_CSTAR		0xc0000083 /* compat mode SYSCALL target */
#define MSR_SYSCALL_MASK	0xc0000084 /* EFLAGS mask for syscall */
#define MSR_FS_BASE		0xc0000100 /* 64bit FS base */
#define MSR_GS_BASE		0xc0000101 /* 64bit GS base */
#define MSR_KERNEL_GS_BASE	0xc0000102 /* SwapGS GS shadow */
#define MSR_TSC_AUX		0xc0000103 /* Auxiliary TSC */

/* EFER bits: */
#define _EFER_SCE		0  /* SYSCALL/SYSRET */
#define _EFER_LME		8  /* Long mode enable */
#define _EFER_LMA		10 /* Long mode active (read-only) */
#define _EFER_NX		11 /* No execute enable */

#define EFER_SCE		(1<<_EFER_SCE)
#define EFER_LME		(1<<_EFER_LME)
#define EFER_LMA		(1<<_EFER_LMA)
#define EFER_NX			(1<<_EFER_NX)

#define MSR_IA32_TSC			0x00000010
#define MSR_IA32_APICBASE		0x0000001b
#define MSR_IA32_TSC_ADJUST             0x0000003b
#define MSR_IA32_TSC_DEADLINE		0x000006E0
#define MSR_IA32_MISC_ENABLE		0x000001a0
#define MSR_IA32_CR_PAT			0x00000277

#define MSR_IA32_SYSENTER_CS		0x00000174
#define MSR_IA32_SYSENTER_ESP		0x00000175
#define MSR_IA32_SYSENTER_EIP		0x00000176

/* ---- arch/x86/include/asm/hyperv-tlfs.h (and include/asm-generic/hyperv-tlfs.h) ---- */

/* MSR used to identify the guest OS. */
#define HV_X64_MSR_GUEST_OS_ID			0x40000000
/* MSR used to setup pages used to communicate with the hypervisor. */
#define HV_X64_MSR_HYPERCALL			0x40000001
/* MSR used to provide vcpu index */
#define HV_X64_MSR_VP_INDEX			0x40000002
/* MSR used to read the per-partition time reference counter */
#define HV_X64_MSR_TIME_REF_COUNT		0x40000020
/* A partition's reference time stamp counter (TSC) page */
#define HV_X64_MSR_REFERENCE_TSC		0x40000021
/* MSR used to retrieve the TSC frequency */
#define HV_X64_MSR_TSC_FREQUENCY		0x40000022
/* MSR used to retrieve the local APIC timer frequency */
#define HV_X64_MSR_APIC_FREQUENCY		0x40000023

/* include/asm-generic/hyperv-tlfs.h: the enable bit of HV_X64_MSR_REFERENCE_TSC */
#define HV_MSR_REFERENCE_TSC_ENABLE		(1ULL << 0)
#define HV_MSR_REFERENCE_TSC_PAGE_SHIFT		12
/* HV_X64_MSR_HYPERCALL enable bit */
#define HV_X64_MSR_HYPERCALL_ENABLE		0x00000001
#define HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_SHIFT	12

#endif /* KVMCLOCKPROBE_KERNEL_INTERNAL_H */

/*
 * emulation_failure: make KVM's instruction emulator fail (KVM_EXIT_INTERNAL_ERROR,
 * suberror KVM_INTERNAL_ERROR_EMULATION).
 *
 * EMULATION_GPA is identity-mapped by the host's page tables (0..1 GiB, 2 MiB
 * pages) but lies outside the only RAM slot (0..RAM_SIZE), so an access to it
 * is MMIO: KVM must emulate the instruction. A plain mov would come back to the
 * VMM as KVM_EXIT_MMIO; flds (x87 load, D9 /0) is an instruction KVM's emulator
 * does not implement, so at CPL 0 KVM gives up with KVM_EXIT_INTERNAL_ERROR
 * (x86.c handle_emulation_failure) and the instruction never completes: RIP
 * stays at the flds. Should it ever complete, we out 0 to PORT_FAULT and halt.
 */
#include "abi.h"

#define EMULATION_GPA 0x20000000        /* 512 MiB: mapped, no memslot */

    .text
    .globl guest_main
guest_main:
    mov     $EMULATION_GPA, %eax
    .globl emulation_insn
emulation_insn:
    flds    (%rax)                      /* d9 00 */
    xor     %eax, %eax
    mov     $PORT_FAULT, %dx
    out     %eax, %dx
1:  hlt
    jmp     1b

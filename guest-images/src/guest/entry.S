/*
 * Shared startup for every guest image; linked first, at IMAGE_GPA.
 *
 * Boot state (set by the host): 64-bit long mode, paging on, IF=0,
 * RIP = IMAGE_GPA, RSP = this vCPU's stack top, RDI = vCPU index,
 * RSI = CONTROL_GPA. No IDT.
 *
 * We install an IDT for vectors 0..31. Every handler records the fault in
 * this vCPU's block (found from RSP: the exception frame is pushed on the
 * vCPU's own stack, STACKS_GPA + STACK_SIZE*i .. +STACK_SIZE), sets
 * state=ERROR / error_code=ERROR_FAULT, then outs the vector to PORT_FAULT
 * and halts forever. Any vector above 31 raises #GP (13) instead.
 */
#include "abi.h"

#define IDT_ENTRIES 32

    .section .text.entry, "ax"
    .code64
    .globl _start
_start:
    cli
    cld
    mov     %edi, %r12d             /* vCPU index (callee-saved) */
    mov     %rsi, %r13              /* control page */

    /* Build the IDT (every vCPU writes the same bytes; harmless). */
    mov     $isr_stubs, %eax
    mov     $idt, %edi
    mov     $IDT_ENTRIES, %ecx
1:  movw    %ax, 0(%rdi)            /* offset 15:0 */
    movw    $CODE_SELECTOR, 2(%rdi)
    movw    $0x8E00, 4(%rdi)        /* IST 0, present, DPL 0, 64-bit interrupt gate */
    mov     %eax, %edx
    shr     $16, %edx
    movw    %dx, 6(%rdi)            /* offset 31:16 */
    movl    $0, 8(%rdi)             /* offset 63:32 (image lives below 4 GiB) */
    movl    $0, 12(%rdi)
    add     $16, %eax
    add     $16, %rdi
    dec     %ecx
    jnz     1b
    lidt    idtr

    mov     %r12d, %edi
    mov     %r13, %rsi
    call    guest_main              /* RSP is the 16-byte aligned stack top */

    mov     $DOORBELL_DONE, %eax
    mov     $PORT_DOORBELL, %dx
    out     %eax, %dx
2:  hlt
    jmp     2b

/* One 16-byte stub per vector: [push $0 if the CPU pushes no error code], push $vector, jmp. */
    .balign 16
isr_stubs:
    .set    vec, 0
    .rept   IDT_ENTRIES
    .balign 16
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $vec
    jmp     fault_common
    .set    vec, vec + 1
    .endr

/* Stack: 0 vector, 8 error code, 16 RIP, 24 CS, 32 RFLAGS, 40 RSP, 48 SS. */
fault_common:
    mov     0(%rsp), %rax
    mov     8(%rsp), %rcx
    mov     16(%rsp), %rdx
    mov     %rsp, %rbx
    sub     $STACKS_GPA, %rbx
    shr     $STACK_SHIFT, %rbx
    cmp     $MAX_VCPUS, %rbx
    jae     3f                      /* not on a known stack: just report */
    imul    $VCPU_BLOCK_STRIDE, %rbx, %rbx
    add     $VCPU_BLOCK_GPA, %rbx
    mov     %rax, VCPU_OFF_FAULT_VECTOR(%rbx)
    mov     %rcx, VCPU_OFF_FAULT_ERROR_CODE(%rbx)
    mov     %rdx, VCPU_OFF_FAULT_RIP(%rbx)
    movl    $ERROR_FAULT, VCPU_OFF_ERROR_CODE(%rbx)
    movl    $STATE_ERROR, VCPU_OFF_STATE(%rbx)
3:  mov     $PORT_FAULT, %dx
    out     %eax, %dx
4:  hlt
    jmp     4b

    .section .data
    .balign 16
idt:
    .fill   IDT_ENTRIES * 16, 1, 0
    .balign 8
    .skip   6                       /* so the 8-byte base is aligned */
idtr:
    .word   IDT_ENTRIES * 16 - 1
    .quad   idt

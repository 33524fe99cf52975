/* bench: out an incrementing 32-bit counter to PORT_BENCH, forever. */
#include "abi.h"
    .text
    .globl guest_main
guest_main:
    xor     %eax, %eax
    mov     $PORT_BENCH, %dx
1:  out     %eax, %dx
    inc     %eax
    jmp     1b

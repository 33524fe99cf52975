/* hello: out DOORBELL_HELLO_VALUE to PORT_DOORBELL, then halt forever. */
#include "abi.h"
    .text
    .globl guest_main
guest_main:
    mov     $DOORBELL_HELLO_VALUE, %eax
    mov     $PORT_DOORBELL, %dx
    out     %eax, %dx
1:  hlt
    jmp     1b

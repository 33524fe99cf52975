/* fault: raise #UD (vector 6); entry.S's handler reports it on PORT_FAULT. */
    .text
    .globl guest_main
guest_main:
    ud2
1:  hlt
    jmp     1b

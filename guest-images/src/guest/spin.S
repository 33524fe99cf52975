/* spin: loop forever without any port I/O (host hang detection test). */
    .text
    .globl guest_main
guest_main:
1:  pause
    jmp     1b

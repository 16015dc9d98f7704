/*
 * PendSV: the context switch. The hardware has stacked r0-r3, r12, lr, pc, xpsr (and,
 * for a thread that used the FPU, s0-s15 + FPSCR, lazily) on the thread's PSP. Here the
 * callee-saved registers r4-r11 and EXC_RETURN go on top; s16-s31 too when EXC_RETURN
 * bit 4 is clear (the thread has an FP context). Saving s16-s31 is the first FP
 * instruction of the handler, which also makes the core write the lazily reserved
 * s0-s15 frame. Threads that never touched the FPU pay nothing.
 */
    .syntax unified
    .thumb
    .text

    .global PendSV_Handler
    .type PendSV_Handler, %function
    .thumb_func
PendSV_Handler:
    mrs     r0, psp
    isb
    tst     lr, #0x10
    it      eq
    vstmdbeq r0!, {s16-s31}
    stmdb   r0!, {r4-r11, lr}
    ldr     r3, =cm_current
    ldr     r2, [r3]
    str     r0, [r2]            /* current->sp */
    cpsid   i
    bl      cm_switch           /* returns the next thread, now cm_current */
    cpsie   i
    ldr     r0, [r0]            /* next->sp */
    ldmia   r0!, {r4-r11, lr}
    tst     lr, #0x10
    it      eq
    vldmiaeq r0!, {s16-s31}
    msr     psp, r0
    isb
    bx      lr
    .size PendSV_Handler, . - PendSV_Handler

/*
 * cm_launch(psp): leave the reset handler's main stack for good. Thread mode switches
 * to the process stack (a small boot stack given in r0), the main stack is reset to
 * its top for exception handlers, and the first PendSV (already pending) saves this
 * boot context, which is never resumed, and starts the first thread.
 */
    .global cm_launch
    .type cm_launch, %function
    .thumb_func
cm_launch:
    msr     psp, r0
    movs    r1, #2              /* CONTROL.SPSEL = PSP, privileged */
    msr     control, r1
    isb
    ldr     r1, =__stack_top
    msr     msp, r1
    cpsie   i
1:  b       1b
    .size cm_launch, . - cm_launch

/*
 * __aeabi_read_tp: the thread pointer for _Thread_local variables, the current
 * thread's TLS block (struct akira_thread's second member). The ABI allows it to
 * change r0 only.
 */
    .global __aeabi_read_tp
    .type __aeabi_read_tp, %function
    .thumb_func
__aeabi_read_tp:
    ldr     r0, =cm_current
    ldr     r0, [r0]
    ldr     r0, [r0, #4]
    bx      lr
    .size __aeabi_read_tp, . - __aeabi_read_tp

/*
 * mps2_an386 reset and exceptions: the vector table, the reset handler (copy .data,
 * zero .bss, FPU on, C library init, then the scheduler with main as its first thread)
 * and the fault handlers, which print the registers and the faulting thread on UART0
 * and reset the system.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/cortex_m.h>

#include "board.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void __libc_init_array(void);

void Reset_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
static void fault_entry(void);
void unexpected_irq(void);

/* Handlers of the board's drivers; an image without a driver (the test images) gets
 * the report-and-reset default. */
void board_uart0_rx_irq(void);
void board_uart0_tx_irq(void);
#define WEAK_DEFAULT __attribute__((weak, alias("unexpected_irq")))
void board_uart1_rx_irq(void) WEAK_DEFAULT;
void board_uart1_tx_irq(void) WEAK_DEFAULT;
void board_uart2_rx_irq(void) WEAK_DEFAULT;
void board_uart2_tx_irq(void) WEAK_DEFAULT;
void board_wdt_nmi(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + 32] = {
    [0] = (vector_t)(uintptr_t)__stack_top,
    [1] = Reset_Handler,
    [2] = board_wdt_nmi, /* the CMSDK watchdog's interrupt is the NMI on MPS2 */
    [3] = fault_entry,   /* HardFault */
    [4] = fault_entry,   /* MemManage: the stack guards */
    [5] = fault_entry,   /* BusFault */
    [6] = fault_entry,   /* UsageFault */
    [7 ... 10] = unexpected_irq,
    [11] = unexpected_irq, /* SVCall: unused */
    [12] = unexpected_irq, /* DebugMonitor */
    [13] = unexpected_irq,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 + 0] = board_uart0_rx_irq,
    [16 + 1] = board_uart0_tx_irq,
    [16 + 2] = board_uart1_rx_irq,
    [16 + 3] = board_uart1_tx_irq,
    [16 + 4] = board_uart2_rx_irq,
    [16 + 5] = board_uart2_tx_irq,
    [16 + 6 ... 47] = unexpected_irq,
};

void Reset_Handler(void)
{
    __asm__ volatile("cpsid i");
    /* Full access to CP10/CP11 (the FPU) before any C code may use it. */
    CM_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n isb");
    /* Lazy stacking of FP context (the reset values, set explicitly): exception
     * entry reserves room for s0-s15, written only if the handler uses the FPU. */
    CM_FPCCR |= (1u << 31) | (1u << 30);
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    CM_VTOR = (uint32_t)(uintptr_t)vectors;
    __libc_init_array();
    board_console_early_init();
    board_timer_init();
    akira_cm_start(main, AKIRA_BOARD_MAIN_STACK_SIZE, AKIRA_BOARD_CPU_HZ);
}

/* ---- faults ---- */

/* Default: nothing to do before the reset (test images report and exit instead). */
__attribute__((weak)) void board_fault_hook(const char *overflowed)
{
    (void)overflowed;
}

static void fault_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fault_print(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1) n = (int)sizeof(buf) - 1;
    if (n > 0) akira_cm_console_out(buf, (size_t)n);
}

static const char *fault_name(uint32_t ipsr)
{
    switch (ipsr) {
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    default: return "exception";
    }
}

/* sp: the stacked frame (r0-r3, r12, lr, pc, xpsr); regs: r4-r11 as pushed here. */
__attribute__((used, noreturn)) void board_fault(uint32_t *sp, uint32_t exc_return,
                                                 const uint32_t *regs)
{
    /* The guard regions off: the report may read memory next to them. */
    *(volatile uint32_t *)0xE000ED94u = 0;
    __asm__ volatile("dsb\n isb");
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t cfsr = CM_CFSR, hfsr = CM_HFSR, mmfar = CM_MMFAR, bfar = CM_BFAR;
    const char *thread = akira_cm_current_name();
    bool stacking = (cfsr & (1u << 4)) != 0; /* MSTKERR: the frame itself faulted */
    const char *guard = NULL;
    if (cfsr & (1u << 7)) guard = akira_cm_guard_owner(mmfar); /* MMARVALID */
    if (guard == NULL && stacking) guard = akira_cm_guard_owner((uint32_t)(uintptr_t)sp);
    if (guard == NULL && stacking) guard = akira_cm_guard_owner((uint32_t)(uintptr_t)sp - 32u);

    fault_print("\n*** %s in thread %s (EXC_RETURN 0x%08lx)\n", fault_name(ipsr),
                thread ? thread : "(none: boot or handler)", (unsigned long)exc_return);
    if (guard) fault_print("*** stack overflow: thread %s ran into its stack guard\n", guard);
    if (!stacking) {
        fault_print("  r0  %08lx r1  %08lx r2  %08lx r3  %08lx\n", (unsigned long)sp[0],
                    (unsigned long)sp[1], (unsigned long)sp[2], (unsigned long)sp[3]);
        fault_print("  r12 %08lx lr  %08lx pc  %08lx psr %08lx\n", (unsigned long)sp[4],
                    (unsigned long)sp[5], (unsigned long)sp[6], (unsigned long)sp[7]);
    }
    fault_print("  r4  %08lx r5  %08lx r6  %08lx r7  %08lx\n", (unsigned long)regs[0],
                (unsigned long)regs[1], (unsigned long)regs[2], (unsigned long)regs[3]);
    fault_print("  r8  %08lx r9  %08lx r10 %08lx r11 %08lx\n", (unsigned long)regs[4],
                (unsigned long)regs[5], (unsigned long)regs[6], (unsigned long)regs[7]);
    fault_print("  sp  %08lx cfsr %08lx hfsr %08lx mmfar %08lx bfar %08lx\n",
                (unsigned long)(uintptr_t)sp, (unsigned long)cfsr, (unsigned long)hfsr,
                (unsigned long)mmfar, (unsigned long)bfar);
    fault_print("*** resetting\n");
    board_fault_hook(guard);
    akira_cm_reset();
}

/* Which stack holds the frame (EXC_RETURN bit 2), r4-r11 saved for the report. */
__attribute__((naked)) static void fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "mov r1, lr\n"
                     "push {r4-r11}\n"
                     "mov r2, sp\n"
                     "b board_fault\n");
}

void unexpected_irq(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    fault_print("\n*** unexpected exception %lu: resetting\n", (unsigned long)ipsr);
    akira_cm_reset();
}

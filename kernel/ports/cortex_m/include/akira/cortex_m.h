/*
 * Cortex-M port (ARMv7-M + FPv4-SP): what the board's startup code, drivers and fault
 * handlers need from the kernel port. Nothing above the board uses this header.
 *
 * The port owns SysTick_Handler and PendSV_Handler (the board's vector table points at
 * them) and starts the scheduler with akira_cm_start(). Everything after that runs in
 * threads on the process stack (PSP); exception handlers run on the main stack (MSP).
 */
#ifndef AKIRA_CORTEX_M_H
#define AKIRA_CORTEX_M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- core registers (ARMv7-M architecture, identical on every Cortex-M3/M4/M7) ---- */
#define CM_REG(addr)    (*(volatile uint32_t *)(addr))
#define CM_ICSR         CM_REG(0xE000ED04u)
#define CM_VTOR         CM_REG(0xE000ED08u)
#define CM_AIRCR        CM_REG(0xE000ED0Cu)
#define CM_SHPR2        CM_REG(0xE000ED1Cu)
#define CM_SHPR3        CM_REG(0xE000ED20u)
#define CM_SHCSR        CM_REG(0xE000ED24u)
#define CM_CFSR         CM_REG(0xE000ED28u)
#define CM_HFSR         CM_REG(0xE000ED2Cu)
#define CM_MMFAR        CM_REG(0xE000ED34u)
#define CM_BFAR         CM_REG(0xE000ED38u)
#define CM_CPACR        CM_REG(0xE000ED88u)
#define CM_FPCCR        CM_REG(0xE000EF34u)
#define CM_NVIC_ISER(n) CM_REG(0xE000E100u + 4u * (n))
#define CM_NVIC_ICER(n) CM_REG(0xE000E180u + 4u * (n))
#define CM_NVIC_IPR(n)  (*(volatile uint8_t *)(0xE000E400u + (n)))

#define CM_ICSR_PENDSVSET (1u << 28)
#define CM_ICSR_PENDSTSET (1u << 26)
#define CM_AIRCR_RESET    (0x05FAu << 16 | 1u << 2) /* VECTKEY | SYSRESETREQ */

/* Interrupt priorities (upper bits used; lower number = more urgent). PendSV is the
 * least urgent so a context switch never interrupts an interrupt handler. */
#define CM_PRIO_IRQ     0x80u
#define CM_PRIO_SYSTICK 0xC0u
#define CM_PRIO_PENDSV  0xFFu

/* Mask interrupts (PRIMASK); returns the previous mask for akira_cm_irq_unlock. Nests. */
static inline uint32_t akira_cm_irq_lock(void)
{
    uint32_t key;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(key)::"memory");
    return key;
}

static inline void akira_cm_irq_unlock(uint32_t key)
{
    __asm__ volatile("msr primask, %0" ::"r"(key) : "memory");
}

static inline void akira_cm_irq_enable(unsigned irq, uint8_t prio)
{
    CM_NVIC_IPR(irq) = prio;
    CM_NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
}

/* True in an exception handler (IPSR != 0). */
static inline bool akira_cm_in_isr(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
}

/* Reset the whole system (SYSRESETREQ). */
__attribute__((noreturn)) void akira_cm_reset(void);

/*
 * Start the scheduler: create the idle thread and the "main" thread that runs
 * main_fn on a stack of main_stack bytes, switch to it and never return. Called once
 * by the board's reset handler after .data/.bss/FPU/C library set-up, with interrupts
 * masked. SysTick runs at 1 kHz from a core clock of cpu_hz.
 */
__attribute__((noreturn)) void akira_cm_start(int (*main_fn)(void), size_t main_stack,
                                              uint32_t cpu_hz);

/* A free-running 32-bit counter at the core clock that the board provides and has
 * started before akira_cm_start (a DWT CYCCNT on parts that have one; QEMU models no
 * DWT, so the MPS2 board uses a CMSDK timer). Uptime is this counter extended to 64
 * bits, so it stays exact even when the host running QEMU delays or merges SysTick
 * interrupts. Counts up; any thread or handler may call it. */
uint32_t akira_cm_board_cycles(void);

/* ---- for fault handlers (exception context, interrupts masked) ---- */

/* The thread that was running, or NULL before the scheduler started. */
const char *akira_cm_current_name(void);
/* If addr lies in the stack guard of a thread, that thread's name; else NULL. */
const char *akira_cm_guard_owner(uint32_t addr);

/* Stack guard: the lowest AKIRA_CM_GUARD_SIZE bytes of every thread stack are a
 * no-access MPU region while the thread runs, so an overflow faults. */
#define AKIRA_CM_GUARD_SIZE 64u

/* ---- a binary signal an interrupt handler raises and one thread waits for ---- */

struct akira_cm_waitq {
    struct akira_thread *head, *tail;
};

struct akira_cm_signal {
    volatile uint32_t raised;
    struct akira_cm_waitq q;
};
#define AKIRA_CM_SIGNAL_INIT                                                                       \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }

/* Raise (from an ISR or a thread): wakes one waiter or stays raised for the next wait. */
void akira_cm_signal_raise(struct akira_cm_signal *s);
/* Wait up to timeout_ms (akira/clock.h) for a raise, consuming it. 0 or
 * AKIRA_ETIMEDOUT / AKIRA_EAGAIN (AKIRA_NO_WAIT and not raised). Threads only. */
int akira_cm_signal_wait(struct akira_cm_signal *s, int32_t timeout_ms);

/* ---- console: the board provides the byte sink for kernel console output ---- */

/* Write len bytes to the board's console, polled ("\n" as the board renders it).
 * Called from threads, and from fault handlers with interrupts masked. */
void akira_cm_console_out(const char *s, size_t len);

/* ---- disabling preemption around short non-blocking sections (the C library's
 * allocator). Recursive; interrupts stay enabled. ---- */
void akira_cm_sched_lock(void);
void akira_cm_sched_unlock(void);

#endif /* AKIRA_CORTEX_M_H */

/*
 * Uptime on Cortex-M: the board's free-running cycle counter (akira_cm_board_cycles),
 * extended to 64 bits; SysTick interrupts at CM_TICK_HZ drive the scheduler (timeouts,
 * time slices). A timeout is due when the uptime has reached it, so a late or missed
 * tick delays wake-ups but never loses time.
 */
#include <akira/clock.h>

#include "port.h"

#define SYST_CSR CM_REG(0xE000E010u)
#define SYST_RVR CM_REG(0xE000E014u)
#define SYST_CVR CM_REG(0xE000E018u)

static uint32_t cycles_per_us;
static uint32_t last_cycles; /* counter value at the last extension */
static uint64_t high;        /* cycles counted up to last_cycles */

void cm_tick_locked(uint64_t now_tick);

void cm_clock_start(uint32_t cpu_hz)
{
    cycles_per_us = cpu_hz / 1000000u;
    if (cycles_per_us == 0) cycles_per_us = 1;
    last_cycles = akira_cm_board_cycles();
    high = 0;
    SYST_RVR = cpu_hz / CM_TICK_HZ - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

/* 64-bit cycle count since start; interrupts masked. Called at least every tick, far
 * more often than the 32-bit counter wraps (171 s at 25 MHz). */
static uint64_t cycles_locked(void)
{
    uint32_t now = akira_cm_board_cycles();
    high += (uint32_t)(now - last_cycles);
    last_cycles = now;
    return high;
}

uint64_t akira_uptime_us(void)
{
    if (cycles_per_us == 0) return 0; /* before the scheduler starts */
    uint32_t key = akira_cm_irq_lock();
    uint64_t c = cycles_locked();
    akira_cm_irq_unlock(key);
    return c / cycles_per_us;
}

uint64_t akira_uptime_ms(void)
{
    return akira_uptime_us() / 1000u;
}

void SysTick_Handler(void)
{
    uint32_t key = akira_cm_irq_lock();
    uint64_t now_us = cycles_locked() / cycles_per_us;
    cm_tick_locked(now_us / (1000000u / CM_TICK_HZ));
    akira_cm_irq_unlock(key);
}

uint64_t cm_ticks(void)
{
    return akira_uptime_us() / (1000000u / CM_TICK_HZ);
}

uint64_t cm_tick_for_deadline(uint64_t deadline_us)
{
    if (deadline_us == CM_NO_TIMEOUT) return CM_NO_TIMEOUT;
    /* Tick n is uptime n ms: the first tick at or after the deadline. */
    const uint64_t us_per_tick = 1000000u / CM_TICK_HZ;
    return (deadline_us + us_per_tick - 1u) / us_per_tick;
}

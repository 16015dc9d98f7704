/*
 * The cycle counter the kernel port keeps time with (akira_cm_board_cycles): CMSDK APB
 * timer 0 (0x40000000), free-running from 0xFFFFFFFF down at the 25 MHz peripheral
 * clock, no interrupt. Counting down, so the port gets its complement.
 */
#include <akira/cortex_m.h>

#include "board.h"

#define TIMER0_CTRL   CM_REG(0x40000000u)
#define TIMER0_VALUE  CM_REG(0x40000004u)
#define TIMER0_RELOAD CM_REG(0x40000008u)

void board_timer_init(void)
{
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xFFFFFFFFu;
    TIMER0_VALUE = 0xFFFFFFFFu;
    TIMER0_CTRL = 1u; /* enable, system clock, no interrupt */
}

uint32_t akira_cm_board_cycles(void)
{
    return ~TIMER0_VALUE;
}

/*
 * `fault`: provoke a CPU fault from the console, to see (and test) what the fault
 * handler does with one that is not a stack overflow: the report (fault, thread,
 * registers, CFSR/HFSR/MMFAR/BFAR) on UART0, then the reset (docs/cortex_m.md).
 *   fault bus     a load from an address nothing decodes: a precise BusFault
 *   fault usage   an undefined instruction: a UsageFault
 *   fault hard    the same load with interrupts masked (PRIMASK): the BusFault cannot
 *                 be taken at that priority and escalates to a HardFault (HFSR FORCED)
 */
#include <stdint.h>
#include <string.h>

#include <akira/err.h>
#include <akira/shell.h>

/* External device region of the Cortex-M map; QEMU's mps2-an386 decodes nothing there. */
#define UNDECODED_ADDR 0x90000000u

static int cmd_fault(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const char *kind = argv[1];
    if (strcmp(kind, "bus") != 0 && strcmp(kind, "usage") != 0 && strcmp(kind, "hard") != 0)
        return AKIRA_EINVAL;
    akira_shell_print(sh, "provoking a %s fault: expect a fault report and a reset\n", kind);
    if (strcmp(kind, "usage") == 0) __asm__ volatile("udf #0");
    if (strcmp(kind, "hard") == 0) __asm__ volatile("cpsid i" ::: "memory");
    (void)*(volatile uint32_t *)UNDECODED_ADDR;
    __asm__ volatile("cpsie i" ::: "memory");
    akira_shell_print(sh, "no fault happened\n");
    return AKIRA_EIO;
}

AKIRA_SHELL_CMD_REGISTER(fault, "fault", "provoke a CPU fault (report, then reset)",
                         "bus|usage|hard", cmd_fault, NULL, 1, 1);

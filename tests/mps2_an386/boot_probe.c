/*
 * A firmware image for the bootloader tests (test_mps2_boot.py): linked to run in place
 * from the primary slot like the firmware, small enough to cross QEMU's slow UART in
 * seconds, and it never confirms itself: it says where it runs and resets, so the next
 * boot must revert to the image that was there before.
 */
#include <stdint.h>

#include <akira/cortex_m.h>

#include "board.h"

int main(void)
{
    uint32_t vtor = CM_VTOR;
    board_console_printf("boot probe: running in place, vectors at 0x%08lx; never confirming: "
                         "reset\n",
                         (unsigned long)vtor);
    akira_cm_reset();
}

/*
 * wdt0: the CMSDK APB watchdog (ARM DDI 0479) at 0x40008000, clocked at the core
 * clock. It counts down from LOAD; at zero it raises its interrupt, wired to the NMI
 * on MPS2, and reloads; at zero again with the interrupt still pending it resets the
 * system. The NMI handler reports the expiry on the console and resets at once, so a
 * hung system reboots timeout_ms after its last feed; the second count is only the
 * hardware's backstop should the handler itself not run.
 */
#include <akira/board_config.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/watchdog.h>

#include "board.h"

#define WDT_BASE       0x40008000u
#define WDT_LOAD       CM_REG(WDT_BASE + 0x000u)
#define WDT_VALUE      CM_REG(WDT_BASE + 0x004u)
#define WDT_CTRL       CM_REG(WDT_BASE + 0x008u)
#define WDT_CLEAR      CM_REG(WDT_BASE + 0x00Cu)
#define WDT_LOCK       CM_REG(WDT_BASE + 0xC00u)
#define WDT_UNLOCK_KEY 0x1ACCE551u
#define WDT_CTRL_INTEN (1u << 0)
#define WDT_CTRL_RESEN (1u << 1)

static int wdt_setup(const struct akira_device *dev, uint32_t timeout_ms)
{
    (void)dev;
    if (timeout_ms == 0 || timeout_ms > UINT32_MAX / (AKIRA_BOARD_CPU_HZ / 1000u))
        return AKIRA_EINVAL;
    WDT_LOCK = WDT_UNLOCK_KEY;
    WDT_LOAD = timeout_ms * (AKIRA_BOARD_CPU_HZ / 1000u);
    WDT_CLEAR = 1; /* reload the counter */
    WDT_CTRL = WDT_CTRL_INTEN | WDT_CTRL_RESEN;
    WDT_LOCK = 0;
    return 0;
}

static int wdt_feed(const struct akira_device *dev)
{
    (void)dev;
    WDT_LOCK = WDT_UNLOCK_KEY;
    WDT_CLEAR = 1;
    WDT_LOCK = 0;
    return 0;
}

static int wdt_disable(const struct akira_device *dev)
{
    (void)dev;
    WDT_LOCK = WDT_UNLOCK_KEY;
    WDT_CTRL = 0;
    WDT_CLEAR = 1;
    WDT_LOCK = 0;
    return 0;
}

static int wdt_init(const struct akira_device *dev)
{
    return wdt_disable(dev);
}

static const struct akira_hwwdt_api wdt_api = {wdt_setup, wdt_feed, wdt_disable};

AKIRA_DEVICE_DEFINE(mps2_wdt0, AKIRA_HWWDT_DEVICE_NAME, wdt_init, NULL, NULL, AKIRA_INIT_PRE_KERNEL,
                    10, &wdt_api);

void board_wdt_nmi(void)
{
    const char *t = akira_cm_current_name();
    board_console_printf("\n*** hardware watchdog expired (running: %s): reset\n", t ? t : "-");
    board_fault_hook(NULL);
    akira_cm_reset();
}

/* Kernel start and stop: the services other layers assume are running. */
#include <stdbool.h>

#include <akira/kernel.h>

#include "kernel_internal.h"

AKIRA_LOG_MODULE_REGISTER(kernel);

static bool running;

int akira_kernel_init(void)
{
    if (running) return AKIRA_EBUSY;
    int rc = akira_thread_adopt_main();
    if (rc != 0) return rc;
    rc = akira_timer_subsys_start();
    if (rc != 0) goto fail_timer;
    rc = akira_workq_system_start();
    if (rc != 0) goto fail_workq;

    const struct akira_device *hw = akira_device_get(AKIRA_HWWDT_DEVICE_NAME);
    if (hw && !akira_device_is_ready(hw)) {
        AKIRA_LOG_WRN("%s present but not ready; watchdog runs without hardware",
                      AKIRA_HWWDT_DEVICE_NAME);
        hw = NULL;
    }
    rc = akira_wdt_service_start(hw, AKIRA_WDT_HW_TIMEOUT_DEFAULT, AKIRA_WDT_CHECK_PERIOD_DEFAULT);
    if (rc != 0) goto fail_wdt;
    running = true;
    AKIRA_LOG_INF("kernel up");
    return 0;

fail_wdt:
    akira_workq_system_stop();
fail_workq:
    akira_timer_subsys_stop();
fail_timer:
    akira_thread_release_main();
    AKIRA_LOG_ERR("init failed: %s", akira_err_str(rc));
    return rc;
}

int akira_kernel_shutdown(void)
{
    if (!running) return AKIRA_ESTATE;
    akira_wdt_service_stop();
    akira_workq_system_stop();
    akira_timer_subsys_stop();
    akira_thread_reap();
    akira_thread_release_main();
    running = false;
    AKIRA_LOG_INF("kernel stopped");
    return 0;
}

bool akira_kernel_is_running(void)
{
    return running;
}

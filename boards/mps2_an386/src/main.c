/*
 * mps2_an386 firmware entry, the first thread (akira_cm_start runs it as "main"): the
 * same boot sequence as native_sim with one status line per step (devices, kernel,
 * storage on flash0, app heap pool in PSRAM, shell) and no network; then the shell on
 * UART0. `poweroff` ends QEMU through semihosting (exit status 0), `reboot` resets the
 * system (SYSRESETREQ).
 *
 * The command line comes from QEMU's semihosting arguments
 * (-semihosting-config enable=on,target=native,arg=akiraos,arg=--flash,arg=FILE):
 *   --flash FILE   host file of flash0 (default: flash.img in QEMU's directory)
 *   --plain        console without prompt and echo (scripts driving the UART)
 */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/boot_crypto_sodium.h>
#include <akira/boot_keys.h>
#include <akira/cortex_m.h>
#include <akira/kernel.h>
#include <akira/semihost.h>
#include <akira/connectivity.h>
#include <akira/ota.h>
#include <akira/shell.h>
#include <akira/shell_cmds.h>
#include <akira/version.h>

#include "board.h"

AKIRA_LOG_MODULE_REGISTER(board);

/* ---- boot steps ---- */

void board_step(const char *what, int rc, const char *detail)
{
    if (rc == 0)
        board_console_printf("[ ok ] %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    else
        board_console_printf("[FAIL] %s: %s%s%s\n", what, akira_err_str(rc), detail ? ": " : "",
                             detail ? detail : "");
}

/* A device's status line (akira_device_boot_level's report: a pre-kernel device, the
 * watchdog, is one the system cannot run without; a later one that fails stays not
 * ready and the rest boots, as on native_sim). */
static void report_device(const char *what, int rc, void *user)
{
    (void)user;
    board_step(what, rc, NULL);
}

/* Settings and file system on flash0. A failure is reported and the boot goes on: the
 * shell still works, its storage commands answer "no such device". */
static bool boot_storage(void)
{
    char detail[256];
    int rc = board_storage_boot(board_options()->flash_path, detail, sizeof(detail));
    board_step("storage", rc, detail);
    return true;
}

/* The pool apps' memory comes from: the PSRAM, nothing else lives there. */
static akira_heap_t *app_pool;

static bool boot_app_pool(void)
{
    int rc = akira_heap_create(&app_pool, (void *)AKIRA_BOARD_PSRAM_BASE,
                               AKIRA_BOARD_APP_HEAP_POOL_SIZE);
    if (rc == 0) rc = akira_shell_mem_heap_add("app heap pool", app_pool);
    char detail[64];
    snprintf(detail, sizeof(detail), "%u KiB in PSRAM at 0x%08x",
             AKIRA_BOARD_APP_HEAP_POOL_SIZE / 1024u, (unsigned)AKIRA_BOARD_PSRAM_BASE);
    board_step("app heap pool", rc, detail);
    return rc == 0;
}

/* The runtime (engine, app store, app manager) on top of storage and the pool. */
static bool boot_runtime(void)
{
    return board_runtime_boot(app_pool);
}

static bool boot_shell(void)
{
    const char *bad = NULL;
    int rc = akira_shell_registry_check(&bad);
    char detail[96];
    snprintf(detail, sizeof(detail), "%zu commands on uart0", akira_shell_cmd_count());
    board_step("shell", rc, rc == 0 ? detail : bad);
    return rc == 0;
}

/* The device API on UART1 (docs/serial.md): the board has no network, so the serial
 * management link is how `akira --serial PTY ...` installs and runs apps. A failure is
 * reported and the device boots without it: the console still works. */
static bool link_up;

static void print_line(const char *line)
{
    board_console_printf("%s", line);
}

static bool boot_connectivity(void)
{
    static const struct akira_connectivity_config cfg = {
        .board = AKIRA_BOARD_NAME,
        .version = AKIRA_VERSION_STRING,
        .serial_uart = AKIRA_BOARD_SERIAL_MGMT_UART,
        .print = print_line,
        .list_partitions = true,
    };
    char detail[128];
    int rc = akira_connectivity_start(&cfg, detail, sizeof(detail));
    board_step("serial link", rc, rc == 0 ? "device API on " AKIRA_BOARD_SERIAL_MGMT_UART : detail);
    link_up = true;
    return true;
}

#ifndef AKIRA_OTA_SELFTEST_FAULT
#define AKIRA_OTA_SELFTEST_FAULT NULL
#endif

/* A reboot the OTA manager asks for (a revert, a failed self-test): a reset, and the
 * bootloader runs. Every acknowledged flash write is in the host file already. */
static void ota_reboot(void)
{
    akira_cm_reset();
}

/* The OTA manager on the image slots, with the bootloader's keys and crypto (the
 * firmware checks an upload as the bootloader will). A failure is reported and the
 * device boots without it. */
static bool boot_ota(void)
{
    struct akira_ota_config c = {
        .crypto = akira_boot_crypto_sodium(),
        .keys = akira_boot_keys,
        .nkeys = akira_boot_keys_count,
        .reboot = ota_reboot,
        .selftest_ms = 3000,
        .selftest_fault = AKIRA_OTA_SELFTEST_FAULT,
    };
    int rc = akira_ota_init(&c);
    char detail[96] = "";
    if (!rc) akira_ota_describe(detail, sizeof detail);
    board_step("ota", rc, detail[0] ? detail : NULL);
    return true;
}

static void shutdown_all(void)
{
    if (link_up) akira_connectivity_stop(); /* its requests reach apps and storage */
    link_up = false;
    akira_ota_deinit();
    board_runtime_shutdown(); /* apps use storage, the pool and kernel timers */
    board_storage_shutdown();
    akira_kernel_shutdown();
    akira_heap_destroy(app_pool);
    app_pool = NULL;
}

int main(void)
{
    board_options_parse();
    akira_shell_board_set(AKIRA_BOARD_NAME);
    board_console_printf("\nAkiraOS %s (board %s)\n", AKIRA_VERSION_STRING, AKIRA_BOARD_NAME);

    bool ok = akira_device_boot_level(AKIRA_INIT_PRE_KERNEL, report_device, NULL);
    int rc = ok ? akira_kernel_init() : 0;
    if (ok) {
        board_step("kernel", rc, NULL);
        ok = rc == 0;
    }
    ok = ok && akira_device_boot_level(AKIRA_INIT_POST_KERNEL, report_device, NULL) &&
         akira_device_boot_level(AKIRA_INIT_APPLICATION, report_device, NULL);
    ok = ok && boot_storage() && boot_app_pool() && boot_runtime() && boot_shell() && boot_ota() &&
         boot_connectivity();
    if (!ok) {
        AKIRA_LOG_ERR("boot failed: halting (the watchdog is off)");
        if (akira_kernel_is_running()) shutdown_all();
        akira_semihost_exit(1);
    }
    /* Microseconds: under QEMU's -icount shift=0 one is 1000 instructions (bench/mcu). */
    unsigned long long us = (unsigned long long)akira_uptime_us();
    AKIRA_LOG_INF("boot complete in %llu.%03llu ms", us / 1000u, us % 1000u);
    if (akira_ota_ready()) {
        int st = akira_ota_selftest_start();
        if (st) AKIRA_LOG_ERR("OTA self-test not started: %s", akira_err_str(st));
    }

    static struct akira_shell sh;
    akira_shell_init(&sh, board_console_io(), "akira> ");
    enum akira_shell_exit why = akira_shell_run(&sh);
    AKIRA_LOG_INF("%s: shutting down", why == AKIRA_SHELL_EXIT_REBOOT ? "reboot" : "poweroff");
    shutdown_all();
    if (why == AKIRA_SHELL_EXIT_REBOOT) akira_cm_reset();
    akira_semihost_exit(0);
}

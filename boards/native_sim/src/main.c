/*
 * native_sim firmware entry: parse the command line, boot the layers in order with
 * one status line each, run the shell on the console, then power off or reboot.
 *
 * Reboot re-executes /proc/self/exe with the same arguments after a clean shutdown,
 * the closest a process gets to a reset: all memory is fresh, the flash image file
 * persists, and unread console input stays in stdin for the new image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <signal.h>
#include <stdatomic.h>

#include <akira/api_ble.h>
#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/boot_crypto_sodium.h>
#include <akira/boot_keys.h>
#include <akira/bt.h>
#include <akira/connectivity.h>
#include <akira/api_mqtt.h>
#include <akira/env_compat.h>
#include <akira/fleet.h>
#include <akira/drivers/radio.h>
#include <akira/kernel.h>
#include <akira/native_sim.h>
#include <akira/ota.h>
#include <akira/screen.h>
#include <akira/shell.h>
#include <akira/shell_app.h>
#include <akira/shell_cmds.h>
#include <akira/shell_history_store.h>
#include <akira/sim_devices.h>
#include <akira/sim_storage.h>
#include <akira/storage.h>
#include <akira/version.h>

#include "board.h"

AKIRA_LOG_MODULE_REGISTER(board);

static void step(const char *what, int rc, const char *detail)
{
    if (rc == 0) {
        board_console_printf("[ ok ] %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    } else {
        board_console_printf("[FAIL] %s: %s\n", what, akira_err_str(rc));
    }
}

/* A device's status line (akira_device_boot_level's report). */
static void report_device(const char *what, int rc, void *user)
{
    (void)user;
    if (rc == AKIRA_ENODEV) /* absent on this run (e.g. the radio without --radio) */
        board_console_printf("[ -- ] %s: absent\n", what);
    else
        step(what, rc, NULL);
}

static bool boot_flash(const struct akira_board_options *opt)
{
    if (!opt->flash_path) {
        board_console_printf("[ -- ] flash: no image (--flash FILE not given)\n");
        return true;
    }
    bool created = false;
    char why[4300];
    int rc = akira_board_flash_image_prepare(opt->flash_path, AKIRA_BOARD_FLASH_SIZE, &created, why,
                                             sizeof(why));
    char detail[512];
    snprintf(detail, sizeof(detail), "%s, %u KiB%s", opt->flash_path,
             AKIRA_BOARD_FLASH_SIZE / 1024u, created ? ", created erased" : "");
    step("flash image", rc, detail);
    if (rc != 0 && why[0]) board_console_printf("       %s\n", why);
    return rc == 0;
}

/* The pool apps' memory comes from, sized like the ESP32-S3's PSRAM. */
static void *app_pool_mem;
static akira_heap_t *app_pool;

static bool boot_app_pool(void)
{
    app_pool_mem = malloc(AKIRA_BOARD_APP_HEAP_POOL_SIZE);
    int rc = app_pool_mem
                 ? akira_heap_create(&app_pool, app_pool_mem, AKIRA_BOARD_APP_HEAP_POOL_SIZE)
                 : AKIRA_ENOMEM;
    if (rc == 0) rc = akira_shell_mem_heap_add("app heap pool", app_pool);
    char detail[64];
    snprintf(detail, sizeof(detail), "%u KiB", AKIRA_BOARD_APP_HEAP_POOL_SIZE / 1024u);
    step("app heap pool", rc, detail);
    return rc == 0;
}

/* The flash chip behind --flash (RAM without it), settings and the file system. A
 * failure is reported and the boot goes on: the shell still works, and its storage
 * commands answer "no such device". */
static bool boot_storage(const struct akira_board_options *opt)
{
    char detail[160];
    detail[0] = '\0';
    int rc = akira_sim_storage_boot(opt->flash_path, detail, sizeof(detail));
    if (rc == 0) {
        step("storage", 0, detail);
    } else {
        step("storage", rc, NULL);
        if (detail[0]) board_console_printf("       %s\n", detail);
    }
    return true;
}

/* `app install PATH` reads host files: the board's side of the shell's hook. */
static int host_open(const char *path, void **handle, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return AKIRA_ENOENT;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n < 0 || n > (long)UINT32_MAX || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return AKIRA_EIO;
    }
    *handle = f;
    *size = (uint32_t)n;
    return 0;
}

static int host_read(void *handle, void *buf, uint32_t len)
{
    size_t n = fread(buf, 1, len, handle);
    return n > 0 ? (int)n : ferror((FILE *)handle) ? AKIRA_EIO : 0;
}

static void host_close(void *handle)
{
    fclose(handle);
}

static const struct akira_shell_file_ops host_files = {host_open, host_read, host_close};

/* aw_read_fn over a host file, for scanning a package before installing it. */
static int host_read_at(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    FILE *f = ctx;
    if (fseek(f, (long)off, SEEK_SET) != 0 || fread(buf, 1, len, f) != len) return AKIRA_EIO;
    return 0;
}

/* --install FILE: install one package unless an app of that name is installed already
 * (whatever its version: a user's own app of that name is theirs), so every boot of
 * `make run` and every `reboot` may pass the same bundled examples. One status line
 * each; a failure is reported and the boot goes on. */
static void boot_install(const char *path)
{
    void *h;
    uint32_t size;
    char what[600];
    snprintf(what, sizeof(what), "install %s", path);
    struct akira_manifest_error err = {{0}, {0}};
    struct akira_app_record rec;
    int rc = host_open(path, &h, &size);
    if (rc == 0) {
        rc = akira_app_install_reader(host_read_at, h, size, &rec, &err);
        host_close(h);
    }
    if (rc != 0 && rc != AKIRA_EEXIST && err.field[0])
        snprintf(what + strlen(what), sizeof(what) - strlen(what), " (%s: %s)", err.field,
                 err.reason);
    char detail[96];
    if (rc == 0 || rc == AKIRA_EEXIST)
        snprintf(detail, sizeof(detail), "%s %s%s", rec.manifest.name, rec.manifest.version,
                 rc == AKIRA_EEXIST ? " already installed" : "");
    step(what, rc == AKIRA_EEXIST ? 0 : rc, rc == 0 || rc == AKIRA_EEXIST ? detail : NULL);
}

/* The app store on flash, the app manager with the apps it holds, autostart. A failure
 * is reported and the boot goes on: the shell is still there to repair things. */
static bool boot_runtime(const struct akira_board_options *opt)
{
    char detail[96];
    /* The app API modules of connectivity/ (ble, hid, mqtt) join the bridge's table
     * before the first app starts and before the store checks imports; without
     * Bluetooth the ble and hid calls answer AKIRA_ENODEV. */
    int mrc = akira_api_ble_register(&akira_api_ble_device_ops);
    if (mrc) AKIRA_LOG_ERR("app modules ble, hid: %s", akira_err_str(mrc));
    mrc = akira_api_mqtt_register();
    if (mrc) board_console_printf("[FAIL] app api mqtt: %s\n", akira_err_str(mrc));
#if AKIRA_CONNECTIVITY_ENV
    /* upstream's env mqtt_*, ha_light_*, crypto_*: before the store maps manifests */
    mrc = akira_env_compat_register();
    if (mrc) board_console_printf("[FAIL] env mqtt, crypto: %s\n", akira_err_str(mrc));
#endif
    int rc = akira_appstore_init();
    int corrupt = rc == 0 ? akira_appstore_corrupt_count() : 0;
    snprintf(detail, sizeof(detail), "%d apps installed", rc == 0 ? akira_appstore_count() : 0);
    if (corrupt > 0)
        snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
                 ", %d corrupt (not loaded: see the errors above)", corrupt);
    step("app store", rc, detail);
    /* the API modules of the layers above the runtime, before any app binds */
    rc = akira_connectivity_app_apis_register();
    if (rc) step("app apis", rc, NULL);
    struct akira_appmgr_config cfg = {.pool = app_pool};
    rc = akira_appmgr_init(&cfg);
    int apps = 0, started = 0;
    if (rc == 0) {
        apps = akira_appmgr_sync_store();
        for (unsigned i = 0; i < opt->install_count; i++)
            boot_install(opt->install[i]);
        apps = opt->install_count ? akira_appstore_count() : apps;
        if (apps < 0) apps = 0;
        started = akira_appmgr_autostart();
    }
    snprintf(detail, sizeof(detail), "%d apps, %d autostarted, at most %d running", apps,
             started < 0 ? 0 : started, AKIRA_BOARD_APPS_RUNNING_MAX);
    step("app manager", rc, detail);
    akira_shell_app_files_set(&host_files);
    return true;
}

/* The display's owner and the launcher (akira/screen.h). A failure is reported and
 * the boot goes on without them, like a board whose panel is broken. */
static bool screen_up;
static const struct akira_shell_focus_ops focus_ops = {akira_screen_focus, akira_screen_focus_get};

static bool boot_screen(void)
{
    struct akira_screen_config cfg = {.pool = app_pool};
    int rc = akira_screen_start(&cfg);
    struct akira_screen_stats st = {0};
    if (rc == 0) {
        screen_up = true;
        akira_screen_stats_get(&st);
        akira_shell_app_focus_set(&focus_ops);
    }
    char detail[96];
    snprintf(detail, sizeof(detail), "launcher on the display, %u KiB back buffer, %u KiB band",
             (unsigned)(st.back_bytes / 1024u), (unsigned)(st.band_bytes / 1024u));
    step("screen", rc, rc == 0 ? detail : NULL);
    return true;
}

static bool boot_shell(void)
{
    const char *bad = NULL;
    int rc = akira_shell_registry_check(&bad);
    char detail[96];
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "%zu commands", akira_shell_cmd_count());
        step("shell", 0, detail);
    } else {
        step("shell", rc, NULL);
        board_console_printf("       broken command registration: %s\n", bad ? bad : "(null)");
    }
    return rc == 0;
}

/* `poweroff`/`reboot` typed in a network shell session: the console's loop ends as on
 * a shutdown signal (the signal's self-pipe wakes it), then main acts on the reason. */
static atomic_int net_exit = -1;

static void on_net_shell_exit(enum akira_shell_exit why)
{
    int none = -1;
    if (atomic_compare_exchange_strong(&net_exit, &none, (int)why)) raise(SIGTERM);
}

static void print_line(const char *line)
{
    board_console_printf("%s", line);
}

static const struct akira_connectivity_config *
connectivity_config(const struct akira_board_options *opt)
{
    static struct akira_connectivity_config c;
    c = (struct akira_connectivity_config){
        .board = AKIRA_BOARD_NAME,
        .version = AKIRA_VERSION_STRING,
        .http_port = opt->http_port_set ? opt->http_port : 0,
        .shell_port = opt->shell_port_set ? opt->shell_port : 0,
        .https_port = opt->https_port,
        .shell_tls_port = opt->shell_tls_port,
        /* --http-port asks for plain HTTP: allowed unless akira/net/plain says 0. */
        .plain_default = true,
        .sntp_server = opt->sntp,
        .serial_uart = opt->serial_uart,
        .print = print_line,
        .on_shell_exit = on_net_shell_exit,
        .list_partitions = true,
        .gpio_drive = akira_sim_gpio_drive,
        .display_png = akira_sim_display_png,
        .display_changes = akira_sim_display_changes,
        .input_apply = akira_sim_input_apply,
    };
    return &c;
}

/* A reboot asked by the OTA manager (a revert, a failed self-test): as the shell's. */
static void ota_reboot(void)
{
    on_net_shell_exit(AKIRA_SHELL_EXIT_REBOOT);
}

#ifndef AKIRA_OTA_SELFTEST_FAULT
#define AKIRA_OTA_SELFTEST_FAULT NULL
#endif

/* The OTA manager on the image slots, with the bootloader's keys. Its line says which
 * firmware runs and whether it is on trial. */
static bool boot_ota(void)
{
    static const struct akira_ota_config oc = {
        .keys = akira_boot_keys,
        .reboot = ota_reboot,
        .selftest_ms = 3000,
        .selftest_fault = AKIRA_OTA_SELFTEST_FAULT,
    };
    struct akira_ota_config c = oc;
    c.nkeys = akira_boot_keys_count;
    c.crypto = akira_boot_crypto_sodium();
    int rc = c.crypto ? akira_ota_init(&c) : AKIRA_ENOTSUP;
    char detail[96] = "";
    if (!rc) akira_ota_describe(detail, sizeof detail);
    step("ota", rc, detail);
    return true; /* a device without OTA still boots */
}

/* The network services, when a port was given. A failure (a port taken) is reported
 * and the device boots without them, like a device whose radio is down: the console
 * still works. */
static bool net_up;

static bool boot_connectivity(const struct akira_board_options *opt)
{
    if (!opt->http_port_set && !opt->shell_port_set && !opt->serial_uart && !opt->https_port &&
        !opt->shell_tls_port && !opt->mqtt) {
        board_console_printf(
            "[ -- ] network: off (no --http-port, no --shell-port, --serial-uart off)\n");
        return true;
    }
    char detail[160];
    if (opt->mqtt) {
        int mrc = akira_fleet_set_broker(opt->mqtt); /* the agent starts with the services */
        if (mrc)
            board_console_printf("[FAIL] fleet: --mqtt %s: %s\n", opt->mqtt, akira_err_str(mrc));
    }
    int rc = akira_connectivity_start(connectivity_config(opt), detail, sizeof(detail));
    step("network", rc, detail);
    net_up = true;
    /* Where a host tool finds the management link: `akira --serial PATH ...`. */
    const char *uart = akira_connectivity_serial_uart();
    const char *pty = !uart                    ? NULL
                      : !strcmp(uart, "mgmt")  ? akira_sim_mgmt_pty_path()
                      : !strcmp(uart, "uart1") ? akira_sim_uart1_pty_path()
                                               : NULL;
    if (pty) board_console_printf("       serial management link on %s\n", pty);
    return true;
}

/* Bluetooth LE on the radio medium (docs/ble.md): only with --radio. */
static bool boot_bt(void)
{
    if (!akira_radio_default()) {
        board_console_printf("[ -- ] bluetooth: off (no radio: --radio SOCK not given)\n");
        return true;
    }
    char detail[96];
    int rc = akira_bt_start(detail, sizeof(detail));
    step("bluetooth", rc, rc == 0 ? detail : NULL);
#if AKIRA_CONNECTIVITY_BLE
    /* The device API over BLE (docs/ble.md): with the other transports' token. */
    if (rc == 0 && net_up) {
        rc = akira_connectivity_ble_start();
        step("ble transport", rc, rc == 0 ? "device API on GATT service 414b4952-...-0001" : NULL);
    }
#endif
    return true;
}

static void shutdown_all(void)
{
    /* The network first (its requests may reach apps and storage), then the apps:
     * they use storage, the pool and kernel timers. */
    if (net_up) akira_connectivity_stop();
    net_up = false;
    akira_ota_deinit();
    akira_appmgr_deinit();
    if (screen_up) akira_screen_stop();
    screen_up = false;
    akira_appstore_deinit();
    akira_sim_storage_shutdown();
    akira_kernel_shutdown();
    akira_heap_destroy(app_pool);
    app_pool = NULL;
    free(app_pool_mem);
    app_pool_mem = NULL;
}

static int reboot(char **argv)
{
    board_console_restore();
    fflush(NULL);
    (void)argv;
    board_reset_exec();
    /* Only reached when exec failed: the device cannot come back up. */
    perror("akiraos: reboot: exec failed");
    return AKIRA_BOARD_EXIT_BOOT;
}

int main(int argc, char **argv)
{
    struct akira_board_options opt;
    char err[160];
    board_reset_init(argv);
    if (akira_board_options_parse(&opt, argc, argv, err, sizeof(err)) != 0) {
        fprintf(stderr, "akiraos: %s\n%s", err, akira_board_usage());
        return AKIRA_BOARD_EXIT_USAGE;
    }
    if (opt.help) {
        fputs(akira_board_usage(), stdout);
        return AKIRA_BOARD_EXIT_OK;
    }
    board_options_commit(&opt);

    if (board_signals_init() != 0) {
        fprintf(stderr, "akiraos: cannot install signal handlers\n");
        return AKIRA_BOARD_EXIT_BOOT;
    }
    board_console_open();
    akira_log_sink_set(board_console_log_sink, NULL);
    if (opt.log_level >= 0) akira_log_default_level_set((enum akira_log_level)opt.log_level);
    akira_shell_board_set(AKIRA_BOARD_NAME);

    board_console_printf("AkiraOS %s (board %s)\n", AKIRA_VERSION_STRING, AKIRA_BOARD_NAME);
    bool ok =
        boot_flash(&opt) && akira_device_boot_level(AKIRA_INIT_PRE_KERNEL, report_device, NULL);
    int rc = ok ? akira_kernel_init() : 0;
    if (ok) {
        step("kernel", rc, NULL);
        ok = rc == 0;
    }
    ok = ok && akira_device_boot_level(AKIRA_INIT_POST_KERNEL, report_device, NULL) &&
         akira_device_boot_level(AKIRA_INIT_APPLICATION, report_device, NULL);
    /* Layers above the kernel start here, bottom up, one boot_<layer>() each that
     * prints its status line with step() and returns false to stop the boot. */
    ok = ok && boot_storage(&opt) && boot_app_pool() && boot_screen() && boot_runtime(&opt) &&
         boot_shell() && boot_ota() && boot_connectivity(&opt) && boot_bt();
    if (!ok) {
        AKIRA_LOG_ERR("boot failed");
        if (akira_kernel_is_running()) shutdown_all();
        return AKIRA_BOARD_EXIT_BOOT;
    }
    AKIRA_LOG_INF("boot complete in %llu ms", (unsigned long long)akira_uptime_ms());
    if (akira_ota_ready()) {
        int st = akira_ota_selftest_start();
        if (st) AKIRA_LOG_ERR("OTA self-test not started: %s", akira_err_str(st));
    }

    static struct akira_shell sh;
    akira_shell_init(&sh, board_console_io(), "akira> ");
    /* A person at a terminal gets the history of earlier sessions back; a script on a
     * pipe neither sees it nor adds to it. */
    static struct akira_shell_history_store hist;
    if (board_console_io()->interactive && akira_storage_settings()) {
        int n = akira_shell_history_store_attach(&hist, akira_storage_settings(), &sh.edit);
        if (n < 0) AKIRA_LOG_WRN("shell history not restored: %s", akira_err_str(n));
    }
    board_console_attach(&sh);
    enum akira_shell_exit why =
        board_signals_pending() ? AKIRA_SHELL_EXIT_EOF : akira_shell_run(&sh);
    board_console_attach(NULL);

    int sig = board_signals_pending();
    if (atomic_load(&net_exit) >= 0) {
        /* The SIGTERM was ours: a network session's poweroff or reboot. */
        why = (enum akira_shell_exit)atomic_load(&net_exit);
        sig = 0;
        AKIRA_LOG_INF("network shell: %s", why == AKIRA_SHELL_EXIT_REBOOT ? "reboot" : "poweroff");
    }
    if (sig)
        AKIRA_LOG_INF("signal %d (%s): shutting down", sig, strsignal(sig));
    else if (why == AKIRA_SHELL_EXIT_REBOOT)
        AKIRA_LOG_INF("reboot: shutting down");
    else if (why == AKIRA_SHELL_EXIT_POWEROFF)
        AKIRA_LOG_INF("poweroff: shutting down");
    else
        AKIRA_LOG_INF("console closed: shutting down");
    shutdown_all();

    if (!sig && why == AKIRA_SHELL_EXIT_REBOOT) return reboot(argv);
    return AKIRA_BOARD_EXIT_OK;
}

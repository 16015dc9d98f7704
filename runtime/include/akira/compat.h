/*
 * Apps built for upstream AkiraOS (ArturR0k3r/AkiraOS, Zephyr + WAMR, with its AkiraSDK):
 * the facts of that ABI this firmware honours, so that such apps install and run
 * unmodified (docs/compat.md has the table of functions and the differences).
 *
 *  - The manifest: a custom section ".akira.manifest" whose payload is JSON (upstream's
 *    manifest_parser keys), accepted beside our own "akira-manifest" text. Its fields
 *    are mapped onto struct akira_manifest (akira/manifest.h) by writing our manifest
 *    text and parsing it, so the same rules and field-named errors apply; the app is
 *    marked `compat`, which selects upstream's entry names (main first) and keeps
 *    upstream's capability mask for the finer checks of the env natives.
 *  - The import module "env" (runtime/api/compat_*.c): upstream's natives, bound
 *    through the bridge like ours, returning upstream's negative errno values.
 *
 * Who calls: the package scan (manifest), the env API modules (caps, errno). Pure
 * functions; any thread.
 */
#ifndef AKIRA_COMPAT_H
#define AKIRA_COMPAT_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/caps.h>
#include <akira/manifest.h>
#include <akira/wasm.h>

#define AKIRA_COMPAT_MANIFEST_SECTION ".akira.manifest"
/* A JSON manifest may carry an icon (base64 of 4096 bytes) and tooling keys; it is
 * streamed, never held, so it may be larger than our text manifest. */
#define AKIRA_COMPAT_MANIFEST_MAX (32u * 1024u)
/* The upstream ABI level provided: ABI 1.x, firmware 1.6.4 (core 1.6's natives). */
#define AKIRA_COMPAT_ABI_MAJOR 1u
#define AKIRA_COMPAT_ABI_MINOR 0u
#define AKIRA_COMPAT_OS_MAJOR  1u
#define AKIRA_COMPAT_OS_MINOR  6u
#define AKIRA_COMPAT_OS_PATCH  4u
/* Upstream's app heap when the manifest names no memory_quota (WAMR instance heap). */
#define AKIRA_COMPAT_HEAP_DEFAULT (64u * 1024u)

/* Upstream's errno values (Zephyr with newlib/picolibc numbering), returned negated. */
enum {
    AKIRA_UP_EPERM = 1,
    AKIRA_UP_ENOENT = 2,
    AKIRA_UP_EIO = 5,
    AKIRA_UP_EBADF = 9,
    AKIRA_UP_EAGAIN = 11,
    AKIRA_UP_ENOMEM = 12,
    AKIRA_UP_EACCES = 13,
    AKIRA_UP_EFAULT = 14,
    AKIRA_UP_EBUSY = 16,
    AKIRA_UP_EEXIST = 17,
    AKIRA_UP_ENODEV = 19,
    AKIRA_UP_EINVAL = 22,
    AKIRA_UP_ENOSPC = 28,
    AKIRA_UP_ENOMSG = 35,
    AKIRA_UP_ENODATA = 61,
    AKIRA_UP_ENOTEMPTY = 90,
    AKIRA_UP_ECONNRESET = 104,
    AKIRA_UP_ECONNREFUSED = 111,
    AKIRA_UP_ENOTCONN = 128,
    AKIRA_UP_ENAMETOOLONG = 91,
    AKIRA_UP_EMSGSIZE = 122,
    AKIRA_UP_ETIMEDOUT = 116,
    AKIRA_UP_ENOTSUP = 134,
};

/* Upstream's capability bits (firmware 1.6 registry numbering). */
enum akira_up_cap {
    AKIRA_UP_CAP_DISPLAY_WRITE = 0,
    AKIRA_UP_CAP_INPUT_READ = 1,
    AKIRA_UP_CAP_INPUT_WRITE = 2,
    AKIRA_UP_CAP_SENSOR_READ = 3,
    AKIRA_UP_CAP_RF = 4,
    AKIRA_UP_CAP_BLE = 5,
    AKIRA_UP_CAP_STORAGE_READ = 6,
    AKIRA_UP_CAP_STORAGE_WRITE = 7,
    AKIRA_UP_CAP_NETWORK = 8,
    AKIRA_UP_CAP_GPIO_READ = 9,
    AKIRA_UP_CAP_GPIO_WRITE = 10,
    AKIRA_UP_CAP_TIMER = 11,
    AKIRA_UP_CAP_UART = 12,
    AKIRA_UP_CAP_I2C = 13,
    AKIRA_UP_CAP_PWM = 14,
    AKIRA_UP_CAP_HID = 15,
    AKIRA_UP_CAP_APP_CONTROL = 16,
    AKIRA_UP_CAP_IPC = 17,
    AKIRA_UP_CAP_APP_SWITCH = 18,
    AKIRA_UP_CAP_MEMORY = 19,
    AKIRA_UP_CAP_APP_INFO = 20,
    AKIRA_UP_CAP_POWER_READ = 21,
    AKIRA_UP_CAP_POWER_CONTROL = 22,
    AKIRA_UP_CAP_SETTINGS = 23,
    AKIRA_UP_CAP_ADC = 24,
    AKIRA_UP_CAP_WDT = 25,
    AKIRA_UP_CAP_FS_READ = 26,
    AKIRA_UP_CAP_FS_WRITE = 27,
    AKIRA_UP_CAP_CRYPTO = 28,
    AKIRA_UP_CAP_RTC_READ = 29,
    AKIRA_UP_CAP_RTC_WRITE = 30,
    AKIRA_UP_CAP_OTA = 31,
    AKIRA_UP_CAP_AI = 32,
    AKIRA_UP_CAP_MATTER = 33,
    AKIRA_UP_CAP_WIFI_INJECT = 34,
    AKIRA_UP_CAP_MQTT = 35,
    AKIRA_UP_CAP_BLE_SCAN = 36,
    AKIRA_UP_CAP_BLE_SPAM = 37,
    AKIRA_UP_CAP_MESH = 38,
    AKIRA_UP_CAP_SYNC = 39,
    AKIRA_UP_CAP_COUNT_ = 40,
};
#define AKIRA_UP_BIT(c) (1ull << (c))

/*
 * One capability string of an upstream manifest (exact, as upstream spells it, with its
 * aliases and wildcards, "*" = all): *up gets upstream's bits, *ours the bits of
 * akira/caps.h that serve them on this firmware. Returns true when the string is one
 * upstream knows; false (both masks 0) for any other string.
 */
bool akira_compat_cap_lookup(const char *s, size_t len, uint64_t *up, akira_caps_t *ours);

/*
 * Upstream's `mqtt` and `crypto` strings map onto our `mqtt` and `crypto` only on a
 * build whose layer above the runtime provides their env natives (connectivity's env
 * module, akira/env_compat.h): it calls this at boot, before the store reads a manifest
 * (the boot thread). Until then, and on a build without it (the Cortex-M board), the
 * strings grant nothing and are reported at install, as for any missing subsystem.
 */
#define AKIRA_COMPAT_CAPS_REGISTERED (AKIRA_CAP_MQTT | AKIRA_CAP_CRYPTO)
void akira_compat_caps_serve(akira_caps_t caps);

/*
 * Parse the JSON payload of a ".akira.manifest" section, `len` bytes at file offset
 * `off`, streamed through `read` (aw_read_fn contract), into *out. Fields: name,
 * version, memory_quota, capabilities, abi, min_akiraos_version, network_policy; other
 * keys (description, icon, commands, ...) are skipped. Returns AKIRA_OK, AKIRA_EFORMAT
 * / AKIRA_ERANGE with err naming the field, AKIRA_ETOOBIG (len over
 * AKIRA_COMPAT_MANIFEST_MAX, field "manifest") or AKIRA_EIO (reader).
 */
int akira_compat_manifest_parse(aw_read_fn read, void *ctx, uint32_t off, uint32_t len,
                                struct akira_manifest *out, struct akira_manifest_error *err);

/* Our error code as upstream's negative errno (AKIRA_EBUSY -> -EBUSY, ...). */
int32_t akira_compat_errno(int32_t akira_err);

#endif /* AKIRA_COMPAT_H */

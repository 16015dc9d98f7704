/*
 * API module "wasi0": WASI preview 0 (import module "wasi_unstable") for apps built by
 * older toolchains: the same implementation and the same per-app state as module
 * "wasi" (runtime/api/wasi.c), with preview 0's layouts (akira/wasi_core.h).
 */
#include "wasi_dev.h"

#define WRAP_(name, sig, fn)                                                                       \
    static aw_status p0_##name(struct akira_app_ctx *app, aw_val *io)                              \
    {                                                                                              \
        return akira_api_wasi_call(app, fn, io);                                                   \
    }
AKIRA_WASI_P0_LIST(WRAP_)
#undef WRAP_

#define ENTRY_(name, sig, fn) {#name, sig, AKIRA_CAP_NONE, p0_##name},
static const struct akira_bridge_entry entries[] = {AKIRA_WASI_P0_LIST(ENTRY_)};
#undef ENTRY_

const struct akira_bridge_module akira_api_wasi0 = {
    .name = "wasi0",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = AKIRA_WASI_P0,
};

/*
 * API module "wasi0": WASI preview 0 (import module "wasi_unstable") for apps built by
 * older toolchains: the same implementation and the same per-app state as module
 * "wasi" (runtime/api/wasi.c), with preview 0's layouts (akira/wasi_core.h).
 */
#include "wasi_dev.h"

AKIRA_API_WASI_ENTRIES(AKIRA_WASI_P0_LIST);

const struct akira_bridge_module akira_api_wasi0 = {
    .name = "wasi0",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = AKIRA_WASI_P0,
};

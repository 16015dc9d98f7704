/*
 * Private to runtime/api/wasi.c and wasi0.c: the device's WASI state is one per app,
 * shared by the preview-1 and preview-0 modules.
 */
#ifndef AKIRA_API_WASI_DEV_H
#define AKIRA_API_WASI_DEV_H

#include <akira/bridge.h>
#include <akira/wasi_core.h>

/* Run WASI function fn for app (its state made on first use, from its quota). */
aw_status akira_api_wasi_call(struct akira_app_ctx *app, aw_host_fn fn, aw_val *io);

/* The bridge entries of one WASI module: a native per function of `list`
 * (AKIRA_WASI_P1_LIST / _P0_LIST) calling it through akira_api_wasi_call, and the
 * table `entries` of them. */
#define AKIRA_API_WASI_WRAP_(name, sig, fn)                                                        \
    static aw_status wasi_##name(struct akira_app_ctx *app, aw_val *io)                            \
    {                                                                                              \
        return akira_api_wasi_call(app, fn, io);                                                   \
    }
#define AKIRA_API_WASI_ENTRY_(name, sig, fn) {#name, sig, AKIRA_CAP_NONE, wasi_##name},
#define AKIRA_API_WASI_ENTRIES(list)                                                               \
    list(AKIRA_API_WASI_WRAP_) static const struct akira_bridge_entry entries[] = {                \
        list(AKIRA_API_WASI_ENTRY_)}

#endif /* AKIRA_API_WASI_DEV_H */

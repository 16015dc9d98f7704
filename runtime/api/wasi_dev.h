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

#endif /* AKIRA_API_WASI_DEV_H */

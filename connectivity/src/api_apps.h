/*
 * The app endpoints of the device API and the app-upload stream service behind them
 * (connectivity internals, not a public header).
 *
 * app_upload.c is the handler of AKIRA_TRANSPORT_KIND_APP_UPLOAD streams: any link
 * (HTTP now, BLE later) that opens such a stream feeds an app package into the app
 * store's streaming writer (akira/appstore.h) in the pieces the transport hands over,
 * and the stream's close finishes the install through the app manager
 * (akira_app_install_finish: verify, commit, register, restart an upgraded running
 * app). A stream that ends early, or whose write fails, is aborted: nothing of it is
 * installed. RAM: one writer (about 300 bytes) per upload in progress, from a fixed
 * pool of AKIRA_APP_UPLOADS_MAX; more at once are refused with AKIRA_EBUSY at open.
 *
 * Close result text (for the peer): on success the installed app's name; on failure
 * "field: reason", the field as the store names it (a manifest key, "manifest",
 * "signature", "module", "store") or "upload" for a stream that did not arrive whole.
 *
 * api_apps.c adds the /api/apps routes to the server (see docs/connectivity.md).
 */
#ifndef AKIRA_CONNECTIVITY_API_APPS_H
#define AKIRA_CONNECTIVITY_API_APPS_H

#include <akira/http.h>
#include <akira/json.h>

#define AKIRA_APP_UPLOADS_MAX 2

/* Registers the app-upload stream handler. AKIRA_EBUSY when the kind has one. Boot
 * thread, before the transports start. */
int akira_app_upload_service_start(void);
/* Unregisters it; call after the transports stopped (no stream open). */
void akira_app_upload_service_stop(void);

/* Adds GET/POST /api/apps, GET/DELETE /api/apps/{name}, POST .../start and .../stop,
 * GET .../logs. The changing ones need the token. Before akira_http_server_start. */
int akira_connectivity_app_routes(struct akira_http_server *s);

/* 200 {"name": name, "removed": true}: the answer to a DELETE of an app or a key. */
int akira_connectivity_resp_removed(struct akira_http_req *r, const char *name);

/* For GET /api/status: the member "apps": {"installed": N, "running": [names]}. */
void akira_connectivity_status_apps(struct akira_json *w);

#endif /* AKIRA_CONNECTIVITY_API_APPS_H */

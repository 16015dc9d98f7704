/*
 * The OTA endpoints of the device API (docs/boot.md, "OTA"):
 *   GET  /api/ota          both slots (version, hash, signed by, confirmed, pending,
 *                          test) and the upload's progress
 *   POST /api/ota          (token) an image body, streamed into the secondary slot
 *   POST /api/ota/confirm  (token) confirm the running firmware
 *   POST /api/ota/revert   (token) back to the previous firmware (reboots) or cancel
 *                          a pending update
 *   POST /api/reboot       (token) restart the device (the bootloader runs: a pending
 *                          update is swapped in)
 */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/ota.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

static void slot_json(struct akira_json *w, const char *key, int idx)
{
    struct akira_ota_slot s;
    int rc = akira_ota_slot_get(idx, &s);
    akira_json_key(w, key);
    akira_json_obj_begin(w);
    if (rc) {
        akira_json_kv_str(w, "error", akira_err_str(rc));
        akira_json_obj_end(w);
        return;
    }
    bool image = s.status == AKIRA_OK || s.size;
    akira_json_kv_bool(w, "valid", s.status == AKIRA_OK);
    if (s.status) akira_json_kv_str(w, "problem", s.status == AKIRA_ENOEXEC ? "empty" : s.why);
    if (image) {
        char v[24], hx[2 * AKIRA_FW_HASH_LEN + 1];
        akira_fw_version_str(&s.ver, v, sizeof v);
        for (size_t i = 0; i < AKIRA_FW_HASH_LEN; i++)
            snprintf(hx + 2 * i, 3, "%02x", s.hash[i]);
        akira_json_kv_str(w, "version", v);
        akira_json_kv_str(w, "hash", hx);
        akira_json_kv_uint(w, "size", s.size);
    }
    akira_json_key(w, "signed_by");
    if (s.key)
        akira_json_str(w, s.key);
    else
        akira_json_null(w);
    if (idx == 0) {
        akira_json_kv_bool(w, "confirmed", s.confirmed);
        akira_json_kv_bool(w, "test", s.test);
    } else {
        akira_json_kv_bool(w, "pending", s.pending);
    }
    akira_json_obj_end(w);
}

static int ota_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    if (!akira_ota_ready()) return akira_http_resp_error(r, 503, "OTA is not available");
    char out[1024];
    struct akira_json w;
    struct akira_ota_progress p;
    akira_ota_progress_get(&p);
    akira_json_init(&w, out, sizeof out, NULL, NULL);
    akira_json_obj_begin(&w);
    slot_json(&w, "primary", 0);
    slot_json(&w, "secondary", 1);
    akira_json_key(&w, "upload");
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "state", akira_ota_state_name(p.state));
    akira_json_kv_uint(&w, "received", p.received);
    akira_json_kv_uint(&w, "total", p.total);
    if (p.error[0]) akira_json_kv_str(&w, "error", p.error);
    akira_json_obj_end(&w);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", out, w.len);
}

static int open_error(struct akira_http_req *r, int rc)
{
    switch (rc) {
    case AKIRA_ETOOBIG:
        return akira_http_resp_error(r, 413, "image larger than the secondary slot");
    case AKIRA_EFORMAT: return akira_http_resp_error(r, 400, "empty body (an image is required)");
    case AKIRA_EBUSY:
        return akira_http_resp_error(r, 503, "another firmware upload is in progress");
    case AKIRA_ESTATE:
        return akira_http_resp_error(
            r, 409, "the running firmware is in test mode: confirm or revert it first");
    default: return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    }
}

static int ota_post(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    if (!akira_ota_ready()) return akira_http_resp_error(r, 503, "OTA is not available");
    struct akira_transport_stream_info info; /* the route needs the token */
    akira_http_req_stream_info(r, AKIRA_TRANSPORT_KIND_OTA, &info);
    struct akira_transport_stream st;
    int rc = akira_transport_stream_open(&st, &info);
    if (rc) return open_error(r, rc); /* body unread: the server closes */
    int err = akira_http_req_body_stream(r, &st);
    char result[128] = "";
    rc = akira_transport_stream_close(&st, err, result, sizeof result);
    if (err || rc < 0) {
        int e = err ? err : rc;
        int status = e == AKIRA_ETIMEDOUT ? 408
                     : e == AKIRA_ETOOBIG ? 413
                     : e == AKIRA_ESIG || e == AKIRA_EPERM || e == AKIRA_ENOEXEC ||
                             e == AKIRA_EFORMAT || e == AKIRA_ENOTSUP
                         ? 422
                         : akira_http_status_from_err(e);
        return akira_http_resp_error(r, status, result[0] ? result : akira_err_str(e));
    }
    char out[256];
    struct akira_json w;
    akira_json_init(&w, out, sizeof out, NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_uint(&w, "bytes", st.received);
    akira_json_kv_str(&w, "result", result);
    akira_json_kv_bool(&w, "pending", true);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", out, w.len);
}

static int simple(struct akira_http_req *r, const char *key, bool v)
{
    char out[96];
    struct akira_json w;
    akira_json_init(&w, out, sizeof out, NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_bool(&w, key, v);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", out, w.len);
}

/* {"KEY": true} when rc is 0 (what the log line says happened), else the error. */
static int done(struct akira_http_req *r, int rc, const char *key, const char *what)
{
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    if (what) AKIRA_LOG_INF("%s over http by %s", what, akira_http_req_peer(r));
    return simple(r, key, true);
}

static int ota_confirm(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    return done(r, akira_ota_confirm(), "confirmed", "firmware confirmed");
}

static int ota_revert(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    bool rebooting = false;
    int rc = akira_ota_revert(&rebooting);
    if (rc == AKIRA_ESTATE)
        return akira_http_resp_error(r, 409,
                                     "nothing to revert: the running firmware is confirmed and no "
                                     "update is pending");
    return done(r, rc, rebooting ? "rebooting" : "cancelled", NULL);
}

static int reboot_post(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    return done(r, akira_ota_reboot(), "rebooting", "reboot asked");
}

int akira_connectivity_ota_routes(struct akira_http_server *s)
{
    struct akira_flash_area fa;
    uint64_t max = akira_flash_area_open(AKIRA_PART_IMAGE1, false, &fa) == AKIRA_OK
                       ? akira_fw_slot_image_max(&fa)
                       : 1;
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/ota", .handler = ota_get},
        {.method = "POST",
         .pattern = "/api/ota",
         .auth = true,
         .body_max = max,
         .handler = ota_post},
        {.method = "POST", .pattern = "/api/ota/confirm", .auth = true, .handler = ota_confirm},
        {.method = "POST", .pattern = "/api/ota/revert", .auth = true, .handler = ota_revert},
        {.method = "POST", .pattern = "/api/reboot", .auth = true, .handler = reboot_post},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

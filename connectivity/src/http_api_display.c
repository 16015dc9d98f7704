/*
 * The display and input endpoints, for people and tests that look at the device from
 * outside (the web dashboard's live view later):
 *   GET  /api/display.png[?x=&y=&w=&h=]      what the panel shows (an area of it), PNG
 *   GET  /api/display/changes?since=N[&timeout_ms=T]
 *        long poll: {"seq":S,"width","height","areas":[{"x","y","w","h"}]}, the areas
 *        written after change number N (at once when there are some, else after the
 *        first one or T ms, 0..10000, default 5000)
 *   POST /api/input   body: one action in the shell's words ("press select")
 * All three need the token: the picture can show what an app keeps private, and input
 * acts as the user. The board provides the hooks (cfg->display_png, display_changes,
 * input_apply); without them the routes answer 501.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define CHANGES_AREAS_MAX   16u    /* more changed areas are sent as the whole panel */
#define CHANGES_TIMEOUT_MAX 10000u /* ms a long poll may hold a worker */
#define CHANGES_POLLS_MAX   2      /* long polls at once: the other workers stay free */
#define PANEL_MAX           4096u  /* larger than any panel: query bounds */

static atomic_int polls;

/* The response begins with the first PNG byte, so a refused area still gets a JSON
 * error instead of a cut 200. */
struct png_out {
    struct akira_http_req *r;
    bool started;
};

static int png_write(void *ctx, const void *data, size_t len)
{
    struct png_out *o = ctx;
    if (!o->started) {
        int rc = akira_http_resp_begin(o->r, 200, "image/png");
        if (rc) return rc;
        o->started = true;
    }
    return akira_http_resp_write(o->r, data, len);
}

static int png_get(struct akira_http_req *r, void *ctx)
{
    const struct akira_connectivity_config *cfg = ctx;
    if (!cfg->display_png) return akira_http_resp_error(r, 501, "this board has no display");
    const char *q = akira_http_req_query(r);
    uint64_t x = 0, y = 0, w = 0, h = 0;
    if (!akira_http_query_u64(q, "x", &x) || !akira_http_query_u64(q, "y", &y) ||
        !akira_http_query_u64(q, "w", &w) || !akira_http_query_u64(q, "h", &h) || x >= PANEL_MAX ||
        y >= PANEL_MAX || w > PANEL_MAX || h > PANEL_MAX)
        return akira_http_resp_error(r, 400, "x, y, w, h must be pixel numbers");
    struct png_out o = {r, false};
    int rc = cfg->display_png((uint16_t)x, (uint16_t)y, (uint16_t)w, (uint16_t)h, png_write, &o);
    if (rc && !o.started)
        return akira_http_resp_error(r, rc == AKIRA_EINVAL ? 400 : akira_http_status_from_err(rc),
                                     rc == AKIRA_EINVAL ? "area not on the panel"
                                                        : akira_err_str(rc));
    if (rc) return rc; /* cut mid-way: the client sees an unterminated body */
    return akira_http_resp_end(r);
}

static int changes_get(struct akira_http_req *r, void *ctx)
{
    const struct akira_connectivity_config *cfg = ctx;
    if (!cfg->display_changes) return akira_http_resp_error(r, 501, "this board has no display");
    const char *q = akira_http_req_query(r);
    uint64_t since = 0, timeout = 5000;
    if (!strstr(q, "since=") || !akira_http_query_u64(q, "since", &since))
        return akira_http_resp_error(r, 400, "since=N (a change number, 0 at first) needed");
    if (!akira_http_query_u64(q, "timeout_ms", &timeout) || timeout > CHANGES_TIMEOUT_MAX)
        return akira_http_resp_error(r, 400, "timeout_ms must be 0..10000");
    if (atomic_fetch_add(&polls, 1) >= CHANGES_POLLS_MAX) {
        atomic_fetch_sub(&polls, 1);
        return akira_http_resp_error(r, 503, "too many live views");
    }
    struct akira_display_area areas[CHANGES_AREAS_MAX];
    uint64_t now = 0;
    int n = cfg->display_changes(since, (int32_t)timeout, areas, CHANGES_AREAS_MAX, &now);
    atomic_fetch_sub(&polls, 1);
    if (n < 0) return akira_http_resp_error(r, akira_http_status_from_err(n), akira_err_str(n));
    char buf[256];
    struct akira_json w;
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_kv_uint(&w, "seq", now);
    akira_json_key(&w, "areas");
    akira_json_arr_begin(&w);
    for (int i = 0; i < n; i++) {
        akira_json_obj_begin(&w);
        akira_json_kv_uint(&w, "x", areas[i].x);
        akira_json_kv_uint(&w, "y", areas[i].y);
        akira_json_kv_uint(&w, "w", areas[i].w);
        akira_json_kv_uint(&w, "h", areas[i].h);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

static int input_post(struct akira_http_req *r, void *ctx)
{
    const struct akira_connectivity_config *cfg = ctx;
    char body[96];
    int len = akira_connectivity_small_body(r, body, sizeof(body));
    if (len < 0) return len == AKIRA_ECANCELED ? 0 : len;
    if (!cfg->input_apply) return akira_http_resp_error(r, 501, "this board cannot inject input");
    if (memchr(body, '\0', (size_t)len)) return akira_http_resp_error(r, 400, "body holds a NUL");
    char why[96];
    int rc = cfg->input_apply(body, why, sizeof why);
    if (rc) return akira_http_resp_error(r, 400, rc == AKIRA_EINVAL ? why : akira_err_str(rc));
    return akira_http_resp_send(r, 200, "application/json", "{\"ok\":true}", 11);
}

int akira_connectivity_display_routes(struct akira_http_server *s,
                                      const struct akira_connectivity_config *cfg)
{
    const struct akira_http_route routes[] = {
        {.method = "GET",
         .pattern = "/api/display.png",
         .auth = true,
         .handler = png_get,
         .ctx = (void *)cfg},
        {.method = "GET",
         .pattern = "/api/display/changes",
         .auth = true,
         .handler = changes_get,
         .ctx = (void *)cfg},
        {.method = "POST",
         .pattern = "/api/input",
         .auth = true,
         .body_max = 95,
         .handler = input_post,
         .ctx = (void *)cfg},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

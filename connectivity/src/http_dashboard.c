/*
 * GET /: the web dashboard (connectivity/web/, docs/dashboard.md), one HTML page with
 * its CSS and script inlined, gzip-compressed at build time (connectivity/web/embed.py)
 * and kept in flash as a const array: serving it copies nothing into RAM.
 *
 * Caching: an ETag (a hash of the compressed bytes) with Cache-Control: no-cache, so a
 * browser revalidates on every load and gets 304 without the body until the firmware
 * (and so the page) changes. A client that does not accept gzip gets 406: the device
 * keeps no uncompressed copy. The page may load nothing from another host (its CSP says
 * so: the device is its only server).
 */
#include <stdio.h>
#include <string.h>

#include <akira/http.h>

#include "connectivity_priv.h"

extern const unsigned char akira_dashboard_gz[];
extern const size_t akira_dashboard_gz_len;
extern const char akira_dashboard_etag[];
extern const char akira_dashboard_script_hash[];

/* Whether a header value's comma list names `token` (case-insensitive, ;q=0 refuses). */
static bool list_has(const char *h, const char *token)
{
    size_t n = strlen(token);
    while (h && *h) {
        while (*h == ' ' || *h == '\t' || *h == ',')
            h++;
        const char *end = h + strcspn(h, ",");
        if ((size_t)(end - h) >= n && strncasecmp(h, token, n) == 0) {
            const char *rest = h + n;
            while (*rest == ' ' || *rest == '\t')
                rest++;
            if (rest == end || *rest == ';') {
                const char *q = strstr(rest, "q=");
                bool zero =
                    q && q < end && q[2] == '0' && strspn(q + 3, ".0") == (size_t)(end - q - 3);
                return !zero;
            }
        }
        h = end;
    }
    return false;
}

static int dashboard_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *inm = akira_http_req_header(r, "if-none-match");
    if (inm && (strstr(inm, akira_dashboard_etag) || strcmp(inm, "*") == 0)) {
        char h[96];
        snprintf(h, sizeof(h), "ETag: %s\r\nCache-Control: no-cache\r\n", akira_dashboard_etag);
        return akira_http_resp_send_headers(r, 304, NULL, h, NULL, 0);
    }
    if (!list_has(akira_http_req_header(r, "accept-encoding"), "gzip") &&
        !list_has(akira_http_req_header(r, "accept-encoding"), "*"))
        return akira_http_resp_error(r, 406,
                                     "the dashboard is stored gzip-compressed: open it in a "
                                     "browser (or curl --compressed)");
    char h[512];
    snprintf(h, sizeof(h),
             "Content-Encoding: gzip\r\nETag: %s\r\nCache-Control: no-cache\r\n"
             "Vary: Accept-Encoding\r\nX-Content-Type-Options: nosniff\r\n"
             "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
             "Content-Security-Policy: default-src 'none'; script-src '%s'; "
             "style-src 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n",
             akira_dashboard_etag, akira_dashboard_script_hash);
    return akira_http_resp_send_headers(r, 200, "text/html; charset=utf-8", h, akira_dashboard_gz,
                                        akira_dashboard_gz_len);
}

int akira_connectivity_dashboard_routes(struct akira_http_server *s)
{
    const struct akira_http_route route = {
        .method = "GET", .pattern = "/", .always_open = true, .handler = dashboard_get};
    return akira_http_route_add(s, &route);
}

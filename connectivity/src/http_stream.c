/* Request bodies carried into transport stream handlers (see akira/http.h). */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/json.h>
#include <akira/transport.h>

#include "http_priv.h"

/* A body error as an HTTP status. */
static int body_status(int err)
{
    switch (err) {
    case AKIRA_ETIMEDOUT: return 408;
    case AKIRA_ETOOBIG: return 413;
    default: return 400;
    }
}

/* The body into st: the handler's write error (returned) or the last read's result
 * (*n: negative when the body failed). */
static int akira_http_req_body_stream_(struct akira_http_req *r, struct akira_transport_stream *st,
                                       int *n)
{
    unsigned char buf[AKIRA_TRANSPORT_CHUNK_MAX];
    while ((*n = akira_http_req_body_read(r, buf, sizeof(buf))) > 0) {
        int werr = akira_transport_stream_write(st, buf, (size_t)*n);
        if (werr) return werr;
    }
    return 0;
}

void akira_http_req_stream_info(struct akira_http_req *r, int kind,
                                struct akira_transport_stream_info *out)
{
    *out = (struct akira_transport_stream_info){
        .kind = (enum akira_transport_kind)kind,
        .transport = "http",
        .peer = akira_http_req_peer(r),
        .length = akira_http_req_body_length(r),
        .authenticated = true,
    };
}

int akira_http_req_body_stream(struct akira_http_req *r, struct akira_transport_stream *st)
{
    int n = 0;
    int werr = akira_http_req_body_stream_(r, st, &n);
    return werr ? werr : n < 0 ? n : 0;
}

int akira_http_stream_handler(struct akira_http_req *r, void *ctx)
{
    const struct akira_http_stream_route *sr = ctx;
    const char *name = sr->name_param ? akira_http_req_param(r, sr->name_param) : NULL;
    struct akira_transport_stream_info info;
    akira_http_req_stream_info(r, sr->kind, &info);
    info.name = name;
    info.authenticated = r->route && r->route->auth;
    struct akira_transport_stream st;
    int rc = akira_transport_stream_open(&st, &info);
    if (rc == AKIRA_ENOENT) {
        r->close_after = true; /* the body is not read */
        return akira_http_resp_error(r, 503, "no service for this kind of stream");
    }
    if (rc) {
        r->close_after = true;
        return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    }
    int n = 0;
    int werr = akira_http_req_body_stream_(r, &st, &n);
    char result[128];
    if (werr || n < 0) {
        int err = werr ? werr : n;
        akira_transport_stream_close(&st, err, result, sizeof(result));
        r->close_after = true;
        int status = werr ? akira_http_status_from_err(werr) : body_status(n);
        return akira_http_resp_error(r, status, result[0] ? result : akira_err_str(err));
    }
    uint64_t bytes = st.received;
    rc = akira_transport_stream_close(&st, 0, result, sizeof(result));
    if (rc < 0)
        return akira_http_resp_error(r, akira_http_status_from_err(rc),
                                     result[0] ? result : akira_err_str(rc));
    char out[384];
    struct akira_json w;
    akira_json_init(&w, out, sizeof(out), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "kind", akira_transport_kind_name(info.kind));
    akira_json_key(&w, "name");
    if (name)
        akira_json_str(&w, name);
    else
        akira_json_null(&w);
    akira_json_kv_uint(&w, "bytes", bytes);
    akira_json_kv_str(&w, "result", result);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, sr->ok_status ? sr->ok_status : 200, "application/json", out,
                                w.len);
}

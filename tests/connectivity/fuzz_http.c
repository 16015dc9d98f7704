/*
 * libFuzzer target for the HTTP request parser (connectivity/src/http_parser.c).
 *
 * The input is a byte stream as a client would send it on one connection. It is
 * parsed twice, once in a single feed and once in small pieces (sizes derived from
 * the input), with requests after the first handled as pipelined ones. Checked:
 *  - memory safety (ASan/UBSan) and termination (every call makes progress or asks
 *    for more input);
 *  - every BODY event points inside the bytes just fed, and never past the announced
 *    Content-Length or the body limit;
 *  - both feedings give the same sequence of events, bodies and error statuses: the
 *    parser's answer does not depend on how the network cut the stream.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <akira/http_parser.h>

#define TRACE_MAX 4096

struct trace {
    unsigned char t[TRACE_MAX]; /* event types, statuses and body bytes, in order */
    size_t n;
};

static void put(struct trace *tr, unsigned char b)
{
    if (tr->n < TRACE_MAX) tr->t[tr->n++] = b;
}

static void run(const uint8_t *data, size_t size, size_t step, size_t head_cap, uint64_t body_limit,
                struct trace *tr)
{
    char *head = malloc(head_cap);
    if (!head) abort();
    struct akira_http_parser p;
    akira_http_parser_init(&p, head, head_cap);
    size_t off = 0;
    uint64_t body = 0;
    int requests = 0;
    for (;;) {
        size_t end = step && off + step < size ? off + step : size;
        size_t used = (size_t)-1;
        struct akira_http_event ev;
        akira_http_parser_feed(&p, data + off, end - off, &used, &ev);
        if (used > end - off) abort();
        if (ev.type == AKIRA_HTTP_EV_BODY) {
            if (ev.len == 0 || ev.data < data + off || ev.data + ev.len > data + off + used)
                abort();
            for (size_t i = 0; i < ev.len; i++)
                put(tr, ev.data[i]);
            body += ev.len;
            if (body != p.body_received) abort();
            if (body > body_limit) abort();
            if (p.body == AKIRA_HTTP_BODY_LENGTH && body > p.content_length) abort();
        }
        off += used;
        switch (ev.type) {
        case AKIRA_HTTP_EV_HEAD:
            put(tr, 'H');
            if (!p.method || !p.target || p.target[0] != '/') abort();
            akira_http_parser_body_limit(&p, body_limit);
            break;
        case AKIRA_HTTP_EV_DONE:
            put(tr, 'D');
            if (p.body == AKIRA_HTTP_BODY_LENGTH && body != p.content_length) abort();
            akira_http_parser_reset(&p);
            body = 0;
            if (++requests > 1000) goto out;
            break;
        case AKIRA_HTTP_EV_ERROR:
            put(tr, 'E');
            put(tr, (unsigned char)(ev.status & 0xff));
            if (ev.status < 400 || ev.status > 599 || !ev.reason) abort();
            goto out;
        case AKIRA_HTTP_EV_NEED_MORE:
            if (off == size) goto out;
            if (used == 0 && end - off > 0) abort(); /* no progress */
            break;
        case AKIRA_HTTP_EV_BODY: break;
        }
    }
out:
    free(head);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct trace whole, pieces;
    size_t head_cap = 64 + (size % 7) * 160;
    uint64_t limit = size % 3 == 0 ? UINT64_MAX : (uint64_t)(size % 97);
    size_t step = size ? (size_t)(data[size - 1] % 9) + 1 : 1;
    whole.n = pieces.n = 0;
    run(data, size, 0, head_cap, limit, &whole);
    run(data, size, step, head_cap, limit, &pieces);
    if (whole.n != pieces.n || memcmp(whole.t, pieces.t, whole.n) != 0) abort();
    return 0;
}

/* The serial management protocol: framing (CRC-32, COBS, resync after garbage, bad
 * frames refused and counted) and the device's link over a scripted UART (sessions,
 * sequence numbers, duplicates, retransmits, resume, a new client ending the old
 * session), with the HTTP instance's handlers behind it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/device.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/kernel.h>
#include <akira/mutex.h>
#include <akira/serial_link.h>
#include <akira/serial_proto.h>
#include <akira/thread.h>

/* --- Framing ------------------------------------------------------------------------- */

static struct akira_serial_frame got[8];
static int ngot;

static void collect(void *ctx, const struct akira_serial_frame *f)
{
    (void)ctx;
    if (ngot < 8) got[ngot] = *f;
    ngot++;
}

static size_t frame_wire(uint8_t type, uint16_t seq, const void *p, size_t len, uint8_t *out)
{
    struct akira_serial_frame f = {.type = type, .seq = seq, .len = (uint16_t)len};
    if (len) memcpy(f.payload, p, len);
    return akira_serial_encode(&f, out);
}

/* COBS written out plainly (the test's own), between two delimiters. */
static size_t cobs_wire(const uint8_t *raw, size_t n, uint8_t *out)
{
    size_t o = 0;
    out[o++] = 0;
    size_t i = 0;
    for (;;) {
        size_t run = 0;
        while (i + run < n && raw[i + run] != 0 && run < 254)
            run++;
        out[o++] = (uint8_t)(run + 1);
        memcpy(out + o, raw + i, run);
        o += run;
        i += run;
        if (run == 254) {
            if (i == n) break;
            continue;
        }
        if (i == n) break;
        i++; /* the zero */
    }
    out[o++] = 0;
    return o;
}

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(akira_serial_crc32(0, "123456789", 9), 0xcbf43926u);
    uint32_t c = akira_serial_crc32(0, "1234", 4);
    assert_int_equal(akira_serial_crc32(c, "56789", 5), 0xcbf43926u);
    assert_int_equal(akira_serial_crc32(0, "", 0), 0);
}

/* Every payload size around the COBS block boundary, all zeros and no zeros. */
static void test_roundtrip(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 243, 244, 245, 248, 249, 250, 253, 254, 255, 256};
    for (int fill = 0; fill < 3; fill++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            uint8_t p[AKIRA_SERIAL_PAYLOAD_MAX], wire[AKIRA_SERIAL_WIRE_MAX];
            for (size_t k = 0; k < sizes[i]; k++)
                p[k] = fill == 0 ? 0 : fill == 1 ? 0xff : (uint8_t)(k * 7);
            size_t n = frame_wire(AKIRA_SERIAL_DATA, (uint16_t)(0x1234 + i), p, sizes[i], wire);
            assert_true(n > 0 && n <= AKIRA_SERIAL_WIRE_MAX);
            assert_int_equal(wire[0], 0);
            assert_int_equal(wire[n - 1], 0);
            assert_null(memchr(wire + 1, 0, n - 2)); /* no 0x00 inside a frame */
            /* The same bytes as the plain COBS of header, payload, CRC. */
            uint8_t raw[AKIRA_SERIAL_FRAME_MAX], mine[AKIRA_SERIAL_WIRE_MAX];
            uint16_t seq = (uint16_t)(0x1234 + i);
            raw[0] = AKIRA_SERIAL_DATA;
            raw[1] = 0;
            raw[2] = (uint8_t)seq;
            raw[3] = (uint8_t)(seq >> 8);
            raw[4] = (uint8_t)sizes[i];
            raw[5] = (uint8_t)(sizes[i] >> 8);
            memcpy(raw + 6, p, sizes[i]);
            akira_serial_put32(raw + 6 + sizes[i], akira_serial_crc32(0, raw, 6 + sizes[i]));
            assert_int_equal(cobs_wire(raw, 10 + sizes[i], mine), n);
            assert_memory_equal(mine, wire, n);
            struct akira_serial_counters c = {0};
            struct akira_serial_decoder d;
            akira_serial_decoder_init(&d, &c);
            ngot = 0;
            akira_serial_decoder_feed(&d, wire, n, collect, NULL);
            assert_int_equal(ngot, 1);
            assert_int_equal(got[0].type, AKIRA_SERIAL_DATA);
            assert_int_equal(got[0].seq, 0x1234 + i);
            assert_int_equal(got[0].len, sizes[i]);
            if (sizes[i]) assert_memory_equal(got[0].payload, p, sizes[i]);
            assert_int_equal(c.frames_ok, 1);
        }
    }
    struct akira_serial_frame big = {.type = AKIRA_SERIAL_DATA,
                                     .len = AKIRA_SERIAL_PAYLOAD_MAX + 1};
    uint8_t wire[AKIRA_SERIAL_WIRE_MAX];
    assert_int_equal(akira_serial_encode(&big, wire), 0);
}

/* Garbage, a cut frame, a corrupted one and an overlong run are refused and counted;
 * the good frames after each are all taken, byte by byte as much as whole. */
static void test_resync_and_bad_frames(void **state)
{
    (void)state;
    for (int piecewise = 0; piecewise < 2; piecewise++) {
        uint8_t stream[4096];
        size_t n = 0;
        uint8_t w[AKIRA_SERIAL_WIRE_MAX];
        static const uint8_t garbage[] = {0x41, 0x17, 0xfe, 0x03, 0x99, 0x00, 0x02, 0x88};
        memcpy(stream + n, garbage, sizeof(garbage)); /* "\x02\x88" then a delimiter: coding */
        n += sizeof(garbage);
        n += frame_wire(AKIRA_SERIAL_DATA, 1, "one", 3, stream + n);
        /* A frame cut in the middle (the line dropped bytes), then a whole one. */
        size_t k = frame_wire(AKIRA_SERIAL_DATA, 2, "lost", 4, w);
        memcpy(stream + n, w, k / 2);
        n += k / 2;
        n += frame_wire(AKIRA_SERIAL_DATA, 3, "two", 3, stream + n);
        /* One bit flipped in a payload byte: CRC. */
        k = frame_wire(AKIRA_SERIAL_DATA, 4, "flip", 4, w);
        w[9] ^= 0x04;
        memcpy(stream + n, w, k);
        n += k;
        /* A frame whose length field lies (CRC right): length. */
        uint8_t raw[16] = {AKIRA_SERIAL_DATA, 0, 5, 0, 9, 0, 'a', 'b', 'c', 'd'};
        akira_serial_put32(raw + 10, akira_serial_crc32(0, raw, 10));
        n += cobs_wire(raw, 14, stream + n);
        /* An unknown frame type: coding. */
        n += frame_wire(9, 0, "x", 1, stream + n);
        /* More bytes than any frame without a delimiter: too long, once. */
        memset(stream + n, 0x55, AKIRA_SERIAL_WIRE_MAX + 40);
        n += AKIRA_SERIAL_WIRE_MAX + 40;
        n += frame_wire(AKIRA_SERIAL_DATA, 6, "three", 5, stream + n);
        assert_true(n < sizeof(stream));

        struct akira_serial_counters c = {0};
        struct akira_serial_decoder d;
        akira_serial_decoder_init(&d, &c);
        ngot = 0;
        if (piecewise)
            for (size_t i = 0; i < n; i++)
                akira_serial_decoder_feed(&d, stream + i, 1, collect, NULL);
        else
            akira_serial_decoder_feed(&d, stream, n, collect, NULL);
        assert_int_equal(ngot, 3);
        assert_int_equal(got[0].seq, 1);
        assert_memory_equal(got[0].payload, "one", 3);
        assert_int_equal(got[1].seq, 3);
        assert_memory_equal(got[1].payload, "two", 3);
        assert_int_equal(got[2].seq, 6);
        assert_memory_equal(got[2].payload, "three", 5);
        assert_int_equal(c.frames_ok, 3);
        assert_int_equal(c.bad_crc, 1);
        assert_int_equal(c.too_long, 1);
        /* "\x02\x88" is too short for a header; the lying length */
        assert_true(c.bad_length >= 2);
        /* garbage before its 0x00 (its first code points past it); the unknown type */
        assert_true(c.bad_coding >= 2);
        /* ... and the cut frame is one of them: seven refused in all */
        assert_int_equal(c.bad_coding + c.bad_length + c.bad_crc + c.too_long, 7);
    }
}

/* --- The link over a scripted UART ---------------------------------------------------- */

struct fake_uart {
    akira_mutex_t *lock;
    uint8_t rx[8192]; /* test -> device */
    size_t rx_len;
    akira_uart_callback_t cb;
    void *cb_user;
    struct akira_serial_decoder dec; /* device -> test */
    struct akira_serial_counters counters;
    struct akira_serial_frame out[64];
    int nout;
    bool drop_tx; /* the line to the test is cut: device frames vanish */
};
static struct fake_uart fu;

static void tx_frame(void *ctx, const struct akira_serial_frame *f)
{
    (void)ctx;
    if (fu.nout < 64) fu.out[fu.nout++] = *f;
}

static int fu_write(const struct akira_device *dev, const uint8_t *buf, size_t len)
{
    (void)dev;
    akira_mutex_lock(fu.lock, AKIRA_FOREVER);
    if (!fu.drop_tx) akira_serial_decoder_feed(&fu.dec, buf, len, tx_frame, NULL);
    akira_mutex_unlock(fu.lock);
    return (int)len;
}

static int fu_read(const struct akira_device *dev, uint8_t *buf, size_t len)
{
    (void)dev;
    akira_mutex_lock(fu.lock, AKIRA_FOREVER);
    size_t n = fu.rx_len < len ? fu.rx_len : len;
    memcpy(buf, fu.rx, n);
    memmove(fu.rx, fu.rx + n, fu.rx_len - n);
    fu.rx_len -= n;
    akira_mutex_unlock(fu.lock);
    return n ? (int)n : AKIRA_EAGAIN;
}

static int fu_cb_set(const struct akira_device *dev, akira_uart_callback_t cb, void *user)
{
    (void)dev;
    fu.cb = cb;
    fu.cb_user = user;
    return 0;
}

static const struct akira_uart_api fu_api = {fu_write, fu_read, fu_cb_set};
static struct akira_device_state fu_state;
static const struct akira_device fu_dev = {
    .name = "fake-mgmt", .api = &fu_api, .level = AKIRA_INIT_POST_KERNEL, .state = &fu_state};

static void line_put(const uint8_t *p, size_t n)
{
    akira_mutex_lock(fu.lock, AKIRA_FOREVER);
    assert_true(fu.rx_len + n <= sizeof(fu.rx));
    memcpy(fu.rx + fu.rx_len, p, n);
    fu.rx_len += n;
    akira_mutex_unlock(fu.lock);
    if (fu.cb) fu.cb(&fu_dev, AKIRA_UART_EVT_RX_READY, fu.cb_user);
}

static void send_f(uint8_t type, uint16_t seq, const void *p, size_t len)
{
    uint8_t w[AKIRA_SERIAL_WIRE_MAX];
    line_put(w, frame_wire(type, seq, p, len, w));
}

/* The next frame the device sent of one of the types in mask (others are dropped), or
 * false after ms. */
static bool next_frame(unsigned mask, struct akira_serial_frame *out, int ms)
{
    uint64_t until = akira_uptime_ms() + (uint64_t)ms;
    for (;;) {
        akira_mutex_lock(fu.lock, AKIRA_FOREVER);
        while (fu.nout > 0) {
            struct akira_serial_frame f = fu.out[0];
            memmove(fu.out, fu.out + 1, (size_t)(fu.nout - 1) * sizeof(fu.out[0]));
            fu.nout--;
            if (mask & (1u << f.type)) {
                akira_mutex_unlock(fu.lock);
                *out = f;
                return true;
            }
        }
        akira_mutex_unlock(fu.lock);
        if (akira_uptime_ms() >= until) return false;
        akira_sleep_ms(2);
    }
}

#define M(t) (1u << (t))

static struct akira_http_server *api;
static struct akira_serial_link *link_;
static int aborted; /* bodies the echo handler saw cut */
static akira_mutex_t *echo_lock;

/* POST /echo: the body's length and CRC-32 (read in 100-byte pieces). */
static int h_echo(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    unsigned char buf[100];
    uint32_t crc = 0;
    uint64_t total = 0;
    int n;
    while ((n = akira_http_req_body_read(r, buf, sizeof(buf))) > 0) {
        crc = akira_serial_crc32(crc, buf, (size_t)n);
        total += (uint64_t)n;
    }
    if (n < 0) {
        akira_mutex_lock(echo_lock, AKIRA_FOREVER);
        aborted++;
        akira_mutex_unlock(echo_lock);
        return n;
    }
    char out[64];
    int k = snprintf(out, sizeof(out), "%llu %08x", (unsigned long long)total, (unsigned)crc);
    return akira_http_resp_send(r, 200, "text/plain", out, (size_t)k);
}

static int h_hello(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    return akira_http_resp_send(r, 200, "text/plain", "hi", 2);
}

static int link_setup(void **state)
{
    (void)state;
    memset(&fu, 0, sizeof(fu));
    assert_int_equal(akira_mutex_create(&fu.lock), 0);
    assert_int_equal(akira_mutex_create(&echo_lock), 0);
    akira_serial_decoder_init(&fu.dec, &fu.counters);
    struct akira_http_config hc = akira_http_config_default(akira_net_addr_loopback(0));
    hc.workers = 1;
    hc.queue = 1;
    hc.head_max = 1024;
    hc.idle_timeout_ms = hc.head_timeout_ms = 3000; /* the resume window */
    assert_int_equal(akira_http_server_create(&api, &hc), 0);
    struct akira_http_route echo = {.method = "POST",
                                    .pattern = "/echo",
                                    .auth = true,
                                    .body_max = 1u << 20,
                                    .handler = h_echo};
    struct akira_http_route hello = {.method = "GET", .pattern = "/hello", .handler = h_hello};
    assert_int_equal(akira_http_route_add(api, &echo), 0);
    assert_int_equal(akira_http_route_add(api, &hello), 0);
    assert_int_equal(akira_http_server_token_set(api, "sesame"), 0);
    struct akira_serial_link_config sc = {
        .uart = "fake-mgmt", .rto_ms = 60, .resume_ms = 3000, .fin_ms = 500, .api = api};
    assert_int_equal(akira_serial_link_start(&link_, &sc), 0);
    aborted = 0;
    return 0;
}

static int link_teardown(void **state)
{
    (void)state;
    akira_serial_link_stop(link_);
    akira_http_server_destroy(api);
    akira_mutex_destroy(fu.lock);
    akira_mutex_destroy(echo_lock);
    return 0;
}

static struct akira_serial_frame hello(uint32_t id)
{
    uint8_t p[AKIRA_SERIAL_HELLO_LEN];
    memcpy(p, AKIRA_SERIAL_MAGIC, 4);
    akira_serial_put32(p + 4, id);
    struct akira_serial_frame f;
    for (int tries = 0; tries < 100; tries++) {
        send_f(AKIRA_SERIAL_HELLO, 0, p, sizeof(p));
        if (next_frame(M(AKIRA_SERIAL_HELLO_ACK), &f, 100) &&
            akira_serial_get32(f.payload + 4) == id)
            return f;
    }
    fail_msg("no HELLO_ACK for %08x", (unsigned)id);
    return f;
}

/* Sends one DATA frame and waits for its ack. */
static void data_acked(uint16_t seq, const void *p, size_t n)
{
    send_f(AKIRA_SERIAL_DATA, seq, p, n);
    struct akira_serial_frame f;
    assert_true(next_frame(M(AKIRA_SERIAL_ACK), &f, 2000));
    assert_int_equal(f.seq, seq);
}

/* Sends a stream in frames of up to chunk bytes, from seq. Returns the next seq. */
static uint16_t stream_acked(uint16_t seq, const uint8_t *p, size_t n, size_t chunk)
{
    while (n) {
        size_t k = n < chunk ? n : chunk;
        data_acked(seq++, p, k);
        p += k;
        n -= k;
    }
    return seq;
}

/* Reads the device's answer (DATA frames, acked) up to FIN into buf; its length. */
static size_t answer(char *buf, size_t cap)
{
    size_t n = 0;
    uint16_t expect = 0;
    for (;;) {
        struct akira_serial_frame f;
        assert_true(next_frame(M(AKIRA_SERIAL_DATA) | M(AKIRA_SERIAL_FIN), &f, 3000));
        send_f(AKIRA_SERIAL_ACK, f.seq, NULL, 0);
        if (f.seq != expect) continue; /* a retransmit of one already taken */
        expect++;
        if (f.type == AKIRA_SERIAL_FIN) break;
        assert_true(n + f.len < cap);
        memcpy(buf + n, f.payload, f.len);
        n += f.len;
    }
    buf[n] = '\0';
    return n;
}

/* The answer of POST /echo says exactly body's length and CRC-32. */
static void echo_answer_is(const uint8_t *body, size_t n)
{
    char buf[1024], want[64];
    answer(buf, sizeof(buf));
    snprintf(want, sizeof(want), "\r\n\r\n%zu %08x", n, (unsigned)akira_serial_crc32(0, body, n));
    assert_non_null(strstr(buf, want));
}

static void test_link_request(void **state)
{
    (void)state;
    struct akira_serial_frame h = hello(0x1111);
    assert_int_equal(akira_serial_get32(h.payload + 8), 0);
    assert_int_equal(h.payload[12], 0);
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream_acked(0, (const uint8_t *)req, sizeof(req) - 1, 16);
    char buf[1024];
    answer(buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 200"));
    assert_non_null(strstr(buf, "\r\n\r\nhi"));
    struct akira_serial_link_stats st;
    akira_serial_link_stats(link_, &st);
    assert_int_equal(st.sessions, 1);
    assert_int_equal(st.frames.bad_crc + st.frames.bad_seq + st.frames.bad_length, 0);
}

/* Out-of-order frames are refused (not acked, counted); a repeat of the last one is
 * acked again and not taken twice; a corrupted frame is refused whole. The body that
 * arrives is exactly the one sent. */
static void test_link_seq_and_bad_frames(void **state)
{
    (void)state;
    hello(0x2222);
    uint8_t body[1000];
    for (size_t i = 0; i < sizeof(body); i++)
        body[i] = (uint8_t)(i * 31 + 7);
    char head[200];
    int hn = snprintf(head, sizeof(head),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Authorization: Bearer sesame\r\nContent-Length: %zu\r\n\r\n",
                      sizeof(body));
    uint16_t seq = stream_acked(0, (const uint8_t *)head, (size_t)hn, 200);
    seq = stream_acked(seq, body, 300, 100);
    /* A repeat of the last frame: acked, not taken again. */
    data_acked((uint16_t)(seq - 1), body + 200, 100);
    /* A frame from the future: refused. */
    send_f(AKIRA_SERIAL_DATA, (uint16_t)(seq + 3), body + 300, 100);
    /* The right seq with a flipped bit: refused by its CRC. */
    uint8_t w[AKIRA_SERIAL_WIRE_MAX];
    size_t k = frame_wire(AKIRA_SERIAL_DATA, seq, body + 300, 100, w);
    w[20] ^= 0x01;
    if (w[20] == 0) w[20] = 0x02; /* keep it inside the frame */
    line_put(w, k);
    struct akira_serial_frame f;
    assert_false(next_frame(M(AKIRA_SERIAL_ACK), &f, 200));
    seq = stream_acked(seq, body + 300, sizeof(body) - 300, 256);
    echo_answer_is(body, sizeof(body));
    struct akira_serial_link_stats st;
    akira_serial_link_stats(link_, &st);
    assert_int_equal(st.frames.duplicates, 1);
    assert_int_equal(st.frames.bad_seq, 1);
    assert_true(st.frames.bad_crc + st.frames.bad_coding + st.frames.bad_length >= 1);
    assert_int_equal(st.rx_bytes, (uint64_t)hn + sizeof(body));
}

/* The device retransmits its frames until they are acked. */
static void test_link_device_retransmits(void **state)
{
    (void)state;
    hello(0x3333);
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream_acked(0, (const uint8_t *)req, sizeof(req) - 1, 256);
    struct akira_serial_frame a, b;
    assert_true(next_frame(M(AKIRA_SERIAL_DATA), &a, 2000));
    assert_true(next_frame(M(AKIRA_SERIAL_DATA), &b, 2000)); /* not acked: again */
    assert_int_equal(a.seq, b.seq);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.payload, b.payload, a.len);
    send_f(AKIRA_SERIAL_ACK, a.seq, NULL, 0);
    char buf[1024];
    akira_sleep_ms(100);
    /* The rest (the FIN and maybe more data) is read as usual: frames already taken
     * are skipped by seq. */
    size_t n = 0;
    for (;;) {
        struct akira_serial_frame f;
        assert_true(next_frame(M(AKIRA_SERIAL_DATA) | M(AKIRA_SERIAL_FIN), &f, 3000));
        send_f(AKIRA_SERIAL_ACK, f.seq, NULL, 0);
        if (f.type == AKIRA_SERIAL_FIN) break;
        if (f.seq == a.seq) continue;
        memcpy(buf + n, f.payload, f.len);
        n += f.len;
    }
    struct akira_serial_link_stats st;
    akira_serial_link_stats(link_, &st);
    assert_true(st.frames.retransmits >= 1);
}

/* A session cut in the middle of an upload is resumed by a HELLO with its id: the
 * device says how many bytes it holds, the client goes on from there under new seqs,
 * and the handler gets every byte once. */
static void test_link_resume(void **state)
{
    (void)state;
    hello(0x4444);
    static uint8_t body[5000];
    for (size_t i = 0; i < sizeof(body); i++)
        body[i] = (uint8_t)(i ^ (i >> 8));
    char head[200];
    int hn = snprintf(head, sizeof(head),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Authorization: Bearer sesame\r\nContent-Length: %zu\r\n\r\n",
                      sizeof(body));
    uint8_t all[sizeof(head) + sizeof(body)];
    memcpy(all, head, (size_t)hn);
    memcpy(all + hn, body, sizeof(body));
    size_t total = (size_t)hn + sizeof(body);
    /* 2100 bytes go through, then the line dies with half a frame on it. */
    stream_acked(0, all, 2100, 256);
    uint8_t w[AKIRA_SERIAL_WIRE_MAX];
    size_t k = frame_wire(AKIRA_SERIAL_DATA, 9, all + 2100, 256, w);
    line_put(w, k / 2);
    akira_sleep_ms(300);
    struct akira_serial_frame h = hello(0x4444);
    assert_int_equal(h.payload[12], 1);
    uint32_t have = akira_serial_get32(h.payload + 8);
    assert_int_equal(have, 2100);
    stream_acked(0, all + have, total - have, 256);
    echo_answer_is(body, sizeof(body));
    struct akira_serial_link_stats st;
    akira_serial_link_stats(link_, &st);
    assert_int_equal(st.resumes, 1);
    assert_int_equal(aborted, 0);
}

/* Another client's HELLO ends the session in progress: its upload is aborted, then the
 * new session is served. */
static void test_link_new_session_aborts_old(void **state)
{
    (void)state;
    hello(0x5555);
    static const char head[] = "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                               "Authorization: Bearer sesame\r\nContent-Length: 4000\r\n\r\n";
    stream_acked(0, (const uint8_t *)head, sizeof(head) - 1, 256);
    stream_acked(0 + (uint16_t)((sizeof(head) - 1 + 255) / 256), (const uint8_t *)"abcdefgh", 8, 8);
    struct akira_serial_frame h = hello(0x6666);
    assert_int_equal(h.payload[12], 0);
    assert_int_equal(akira_serial_get32(h.payload + 8), 0);
    akira_mutex_lock(echo_lock, AKIRA_FOREVER);
    int ab = aborted;
    akira_mutex_unlock(echo_lock);
    assert_int_equal(ab, 1);
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream_acked(0, (const uint8_t *)req, sizeof(req) - 1, 256);
    char buf[1024];
    answer(buf, sizeof(buf));
    assert_non_null(strstr(buf, "\r\n\r\nhi"));
}

/* The client's last frame again (its ack was lost) while the answer is going out, up
 * to the FIN: acked again, not RST, and nothing taken twice. */
static void test_link_dup_while_answering(void **state)
{
    (void)state;
    hello(0x7777);
    static const char req[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    uint16_t next = stream_acked(0, (const uint8_t *)req, sizeof(req) - 1, 256);
    struct akira_serial_frame f;
    for (;;) {
        assert_true(next_frame(M(AKIRA_SERIAL_DATA) | M(AKIRA_SERIAL_FIN), &f, 3000));
        if (f.type == AKIRA_SERIAL_FIN) break;
        send_f(AKIRA_SERIAL_ACK, f.seq, NULL, 0);
    }
    /* The FIN is not acked yet: the session is closing. */
    send_f(AKIRA_SERIAL_DATA, (uint16_t)(next - 1), req, sizeof(req) - 1);
    struct akira_serial_frame a;
    assert_true(next_frame(M(AKIRA_SERIAL_ACK) | M(AKIRA_SERIAL_RST), &a, 2000));
    assert_int_equal(a.type, AKIRA_SERIAL_ACK);
    assert_int_equal(a.seq, (uint16_t)(next - 1));
    send_f(AKIRA_SERIAL_ACK, f.seq, NULL, 0);
    struct akira_serial_link_stats st;
    akira_serial_link_stats(link_, &st);
    assert_int_equal(st.frames.duplicates, 1);
    assert_int_equal(st.rx_bytes, sizeof(req) - 1);
}

/* DATA without a session gets RST (the client says HELLO again). */
static void test_link_rst_without_session(void **state)
{
    (void)state;
    send_f(AKIRA_SERIAL_DATA, 0, "GET", 3);
    struct akira_serial_frame f;
    assert_true(next_frame(M(AKIRA_SERIAL_RST), &f, 2000));
    assert_false(next_frame(M(AKIRA_SERIAL_ACK), &f, 100));
}

static int group_setup(void **state)
{
    (void)state;
    assert_int_equal(akira_kernel_init(), 0);
    assert_int_equal(akira_device_register(&fu_dev), 0);
    assert_int_equal(akira_device_init(&fu_dev), 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    akira_kernel_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_resync_and_bad_frames),
        cmocka_unit_test_setup_teardown(test_link_request, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_seq_and_bad_frames, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_device_retransmits, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_resume, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_new_session_aborts_old, link_setup,
                                        link_teardown),
        cmocka_unit_test_setup_teardown(test_link_rst_without_session, link_setup, link_teardown),
        cmocka_unit_test_setup_teardown(test_link_dup_while_answering, link_setup, link_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

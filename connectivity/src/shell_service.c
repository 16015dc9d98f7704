/*
 * The shell as a stream service (transport kind AKIRA_TRANSPORT_KIND_SHELL): whatever
 * link opens a shell stream (TCP now, BLE or USB later) gets the same thing: the device
 * token is asked first, then a shell session with the console's commands in plain mode
 * (no prompt, no echo, no escape codes, CR LF line ends out).
 *
 * Each session has a thread that runs akira_shell_run and a small input ring between
 * the link and it: the link's stream_write blocks while the ring is full (the user
 * typed ahead of a long command), so the link stops reading and the peer is slowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/shell.h>
#include <akira/thread.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_REGISTER(shell_net);

#define SESSIONS_MAX 8
#define LOGIN_TRIES  3
#define RING         256

struct session {
    struct akira_shell_service *svc;
    akira_thread_t *thread;
    int (*reply)(void *link, const void *data, size_t len);
    void (*hangup)(void *link);
    void *link;
    char peer[32];
    char addr[24]; /* the peer's address without its port: per-address limits */
    /* under svc->lock */
    bool used, eof, ended;
    bool logged_in, kicked; /* kicked: a pending login ended for a newer stream */
    bool got_input;         /* a byte came (someone types): not ended while young */
    uint64_t opened_ms;
    /* Once this slot is free, it is kept for the link whose stream ended its pending
     * login, until reserved_until_ms: that link's retry gets in, not a third one. */
    const void *reserved_for;
    uint64_t reserved_until_ms;
    unsigned char ring[RING];
    size_t head, count;
    struct akira_shell_io io;
    struct akira_shell sh;
};

struct akira_shell_service {
    struct akira_shell_service_config cfg;
    char token[AKIRA_HTTP_TOKEN_MAX];
    akira_mutex_t *lock;
    akira_condvar_t *cv; /* any ring changed, or stop */
    bool stopping;
    struct session sessions[SESSIONS_MAX];
};

/* One input byte, or AKIRA_SHELL_IO_EOF (link closed, stop, or timeout_ms of silence). */
static int read_byte(struct session *s, uint32_t timeout_ms)
{
    struct akira_shell_service *svc = s->svc;
    uint64_t deadline = akira_uptime_us() + (uint64_t)timeout_ms * 1000u;
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    while (s->count == 0 && !s->eof && !s->kicked && !svc->stopping) {
        if (akira_condvar_wait_until(svc->cv, svc->lock, deadline) == AKIRA_ETIMEDOUT) break;
    }
    int c = AKIRA_SHELL_IO_EOF;
    if (s->count > 0 && !s->kicked && !svc->stopping) {
        c = s->ring[s->head];
        s->head = (s->head + 1) % RING;
        s->count--;
        akira_condvar_broadcast(svc->cv); /* room for a blocked writer */
    }
    akira_mutex_unlock(svc->lock);
    return c;
}

static int io_read_char(void *ctx)
{
    struct session *s = ctx;
    return read_byte(s, s->svc->cfg.idle_timeout_ms);
}

/* Output lines end in "\n": the peer gets CR LF. */
static int io_write(void *ctx, const char *buf, size_t len)
{
    struct session *s = ctx;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n') continue;
        int rc = i > start ? s->reply(s->link, buf + start, i - start) : 0;
        if (!rc) rc = s->reply(s->link, "\r\n", 2);
        if (rc) return rc;
        start = i + 1;
    }
    return len > start ? s->reply(s->link, buf + start, len - start) : 0;
}

static bool io_cancelled(void *ctx)
{
    struct session *s = ctx;
    akira_mutex_lock(s->svc->lock, AKIRA_FOREVER);
    bool stop = s->svc->stopping || s->eof;
    akira_mutex_unlock(s->svc->lock);
    return stop;
}

static void say(struct session *s, const char *text)
{
    (void)io_write(s, text, strlen(text));
}

/* One line (CR or LF ends it) before the deadline; false on EOF, timeout, overflow. */
static bool read_line(struct session *s, char *line, size_t cap, uint64_t deadline)
{
    size_t n = 0;
    bool overflow = false;
    for (;;) {
        uint64_t now = akira_uptime_ms();
        if (now >= deadline) return false;
        int c = read_byte(s, (uint32_t)(deadline - now));
        if (c == AKIRA_SHELL_IO_EOF) return false;
        if (c == '\r' || c == '\n') {
            if (n == 0 && !overflow) continue; /* the LF of a CR LF, or a blank line */
            line[n] = '\0';
            return !overflow;
        }
        if (n + 1 < cap)
            line[n++] = (char)c;
        else
            overflow = true;
    }
}

static bool token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = (unsigned char)(la != lb);
    for (size_t i = 0; i < lb; i++)
        d |= (unsigned char)(a[i % (la ? la : 1)] ^ b[i]);
    return d == 0 && la > 0;
}

static bool login(struct session *s)
{
    struct akira_shell_service *svc = s->svc;
    uint64_t deadline = akira_uptime_ms() + svc->cfg.login_timeout_ms;
    for (int tries = 0; tries < LOGIN_TRIES; tries++) {
        say(s, "AkiraOS shell, token: ");
        char line[AKIRA_HTTP_TOKEN_MAX + 8];
        if (!read_line(s, line, sizeof(line), deadline)) {
            akira_mutex_lock(svc->lock, AKIRA_FOREVER);
            bool kicked = s->kicked;
            akira_mutex_unlock(svc->lock);
            if (kicked) say(s, "\nlogin too slow: the sessions are needed\n");
            return false;
        }
        if (token_equal(svc->token, line)) {
            akira_mutex_lock(svc->lock, AKIRA_FOREVER);
            bool kicked = s->kicked;
            s->logged_in = !kicked;
            akira_mutex_unlock(svc->lock);
            return !kicked;
        }
        AKIRA_LOG_WRN("wrong token from %s", s->peer);
        /* Slows guessing down to a few tries per connection and second. */
        akira_sleep_ms(svc->cfg.fail_delay_ms);
        say(s, "wrong token\n");
    }
    return false;
}

static int session_main(void *arg)
{
    struct session *s = arg;
    struct akira_shell_service *svc = s->svc;
    enum akira_shell_exit why = AKIRA_SHELL_EXIT_EOF;
    if (login(s)) {
        AKIRA_LOG_INF("session from %s", s->peer);
        say(s, "ok: the console's commands; `help` lists them\n");
        s->io = (struct akira_shell_io){
            .read_char = io_read_char,
            .write = io_write,
            .cancelled = io_cancelled,
            .ctx = s,
            .interactive = false,
        };
        akira_shell_init(&s->sh, &s->io, "akira> ");
        why = akira_shell_run(&s->sh);
        AKIRA_LOG_INF("session from %s ended", s->peer);
    }
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    s->ended = true;
    akira_condvar_broadcast(svc->cv); /* a writer blocked on a full ring */
    akira_mutex_unlock(svc->lock);
    if (s->hangup) s->hangup(s->link);
    if (why != AKIRA_SHELL_EXIT_EOF && svc->cfg.on_exit) svc->cfg.on_exit(why);
    return 0;
}

/* The address part of "ADDR:PORT" (the whole text when there is no port). */
static void addr_of(const char *peer, char *out, size_t cap)
{
    const char *colon = peer ? strrchr(peer, ':') : NULL;
    size_t n = peer ? (colon ? (size_t)(colon - peer) : strlen(peer)) : 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(out, peer, n);
    out[n] = '\0';
}

static bool pending(const struct session *o)
{
    return o->used && !o->ended && !o->logged_in && !o->kicked;
}

/*
 * A pending login to end for a new stream (svc->lock held), or NULL: the oldest one
 * nobody typed at (idle clients go first, whatever their age), else the oldest past
 * login_busy_ms; only among addr's own when addr is set (it is over its limit).
 */
static struct session *victim_for(struct akira_shell_service *svc, const char *addr, uint64_t now)
{
    struct session *idle = NULL, *old = NULL;
    for (unsigned i = 0; i < svc->cfg.sessions; i++) {
        struct session *o = &svc->sessions[i];
        if (!pending(o) || (addr && strcmp(o->addr, addr) != 0)) continue;
        if (!o->got_input && (!idle || o->opened_ms < idle->opened_ms)) idle = o;
        if (svc->cfg.login_busy_ms && now - o->opened_ms >= svc->cfg.login_busy_ms &&
            (!old || o->opened_ms < old->opened_ms))
            old = o;
    }
    return idle ? idle : old;
}

/*
 * A client that sends the token must get in even while others hold every session
 * without logging in (reconnecting as fast as they are ended): a new stream ends a
 * pending login that nobody types at at once (a typing one only past login_busy_ms),
 * the slot is kept for the new stream's link (its retry), and one address holds at
 * most cfg.logins_per_peer pending logins (a new one from it ends its own oldest).
 */
static int svc_open(void *ctx, const struct akira_transport_stream_info *info, void **stream)
{
    struct akira_shell_service *svc = ctx;
    if (!info->reply) return AKIRA_ENOTSUP; /* a shell needs a way back */
    char addr[sizeof(((struct session *)0)->addr)];
    addr_of(info->peer, addr, sizeof(addr));
    struct session *s = NULL, *any = NULL;
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    uint64_t now = akira_uptime_ms();
    unsigned mine = 0;
    for (unsigned i = 0; !svc->stopping && i < svc->cfg.sessions; i++) {
        struct session *o = &svc->sessions[i];
        if (pending(o) && strcmp(o->addr, addr) == 0) mine++;
        if (o->used) continue;
        if (o->reserved_for == info->link)
            s = o;
        else if (!any && (!o->reserved_for || now >= o->reserved_until_ms))
            any = o;
    }
    if (!s) s = any;
    bool over = svc->cfg.logins_per_peer && mine >= svc->cfg.logins_per_peer;
    if (s && !over) {
        memset(s, 0, sizeof(*s));
        s->used = true;
        s->opened_ms = now;
        snprintf(s->addr, sizeof(s->addr), "%s", addr);
    } else {
        s = NULL;
        struct session *old = svc->stopping ? NULL : victim_for(svc, over ? addr : NULL, now);
        if (old) {
            old->kicked = true;
            old->reserved_for = info->link;
            old->reserved_until_ms = now + 3000;
            akira_condvar_broadcast(svc->cv);
        }
    }
    bool stopping = svc->stopping;
    akira_mutex_unlock(svc->lock);
    if (!s) return stopping ? AKIRA_ECANCELED : AKIRA_EBUSY;
    s->svc = svc;
    s->reply = info->reply;
    s->hangup = info->hangup;
    s->link = info->link;
    snprintf(s->peer, sizeof(s->peer), "%s %s", info->transport ? info->transport : "?",
             info->peer ? info->peer : "?");
    int rc = akira_thread_create(&s->thread, "shell-net", session_main, s, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
    if (rc) {
        akira_mutex_lock(svc->lock, AKIRA_FOREVER);
        s->used = false;
        akira_mutex_unlock(svc->lock);
        return rc;
    }
    *stream = s;
    return 0;
}

static int svc_write(void *stream, const void *data, size_t len)
{
    struct session *s = stream;
    struct akira_shell_service *svc = s->svc;
    const unsigned char *p = data;
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    if (len > 0) s->got_input = true;
    while (len > 0) {
        while (s->count == RING && !s->ended && !svc->stopping)
            akira_condvar_wait(svc->cv, svc->lock, AKIRA_FOREVER);
        if (s->ended || svc->stopping) {
            akira_mutex_unlock(svc->lock);
            return AKIRA_ECANCELED;
        }
        while (len > 0 && s->count < RING) {
            s->ring[(s->head + s->count) % RING] = *p++;
            s->count++;
            len--;
        }
        akira_condvar_broadcast(svc->cv);
    }
    akira_mutex_unlock(svc->lock);
    return 0;
}

static int svc_close(void *stream, int status, char *result, size_t cap)
{
    (void)status;
    (void)result;
    (void)cap;
    struct session *s = stream;
    struct akira_shell_service *svc = s->svc;
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    s->eof = true;
    akira_condvar_broadcast(svc->cv);
    akira_mutex_unlock(svc->lock);
    akira_thread_join(s->thread, AKIRA_FOREVER, NULL);
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    s->used = false; /* reserved_for stays: the ending stream's link may retry */
    akira_condvar_broadcast(svc->cv);
    akira_mutex_unlock(svc->lock);
    return 0;
}

int akira_shell_service_start(struct akira_shell_service **out,
                              const struct akira_shell_service_config *cfg, const char *token)
{
    if (!out || !cfg || !token || !token[0] || strlen(token) >= AKIRA_HTTP_TOKEN_MAX ||
        cfg->sessions < 1 || cfg->sessions > SESSIONS_MAX || cfg->login_timeout_ms == 0 ||
        cfg->idle_timeout_ms == 0)
        return AKIRA_EINVAL;
    struct akira_shell_service *svc = calloc(1, sizeof(*svc));
    if (!svc) return AKIRA_ENOMEM;
    svc->cfg = *cfg;
    snprintf(svc->token, sizeof(svc->token), "%s", token);
    int rc = akira_mutex_create(&svc->lock);
    if (!rc) rc = akira_condvar_create(&svc->cv);
    struct akira_transport_handler h = {svc_open, svc_write, svc_close, svc};
    if (!rc) rc = akira_transport_handler_set(AKIRA_TRANSPORT_KIND_SHELL, &h);
    if (rc) {
        if (svc->cv) akira_condvar_destroy(svc->cv);
        if (svc->lock) akira_mutex_destroy(svc->lock);
        free(svc);
        return rc;
    }
    *out = svc;
    return 0;
}

void akira_shell_service_stop(struct akira_shell_service *svc)
{
    if (!svc) return;
    /* Sessions end (their reads see EOF) and hang their links up; the links close
     * their streams, which joins the session threads. */
    akira_mutex_lock(svc->lock, AKIRA_FOREVER);
    svc->stopping = true;
    akira_condvar_broadcast(svc->cv);
    akira_mutex_unlock(svc->lock);
}

void akira_shell_service_destroy(struct akira_shell_service *svc)
{
    if (!svc) return;
    akira_transport_handler_clear(AKIRA_TRANSPORT_KIND_SHELL);
    akira_condvar_destroy(svc->cv);
    akira_mutex_destroy(svc->lock);
    free(svc);
}

/*
 * The shell over TCP: each connection first types the device token, then gets a
 * shell session with the console's commands (plain mode: no prompt, no echo, no
 * escape codes, so a script piped through nc reads clean output). One thread per
 * session, a fixed number of sessions at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/net.h>
#include <akira/shell.h>
#include <akira/thread.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_REGISTER(shell_net);

#define SESSIONS_MAX 8
#define LOGIN_TRIES  3

struct session {
    struct akira_shell_net *srv;
    akira_thread_t *thread;
    akira_sock_t *sock;
    bool used, finished;
    char peer[AKIRA_NET_ADDR_STR_MAX];
    uint8_t in[256];
    size_t in_off, in_len;
    struct akira_shell_io io;
    struct akira_shell sh;
};

struct akira_shell_net {
    struct akira_shell_net_config cfg;
    char token[AKIRA_HTTP_TOKEN_MAX];
    akira_sock_t *listener;
    akira_thread_t *acceptor;
    akira_mutex_t *lock;
    bool stopping;
    struct session sessions[SESSIONS_MAX];
};

static int read_byte(struct session *s, int32_t timeout_ms)
{
    if (s->in_off == s->in_len) {
        int n = akira_net_recv(s->sock, s->in, sizeof(s->in), timeout_ms);
        if (n <= 0) return AKIRA_SHELL_IO_EOF;
        s->in_off = 0;
        s->in_len = (size_t)n;
    }
    return s->in[s->in_off++];
}

static int io_read_char(void *ctx)
{
    struct session *s = ctx;
    return read_byte(s, (int32_t)s->srv->cfg.idle_timeout_ms);
}

/* Command output ends lines with "\n": a network peer gets CR LF. */
static int io_write(void *ctx, const char *buf, size_t len)
{
    struct session *s = ctx;
    int32_t t = 10000;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n') continue;
        int rc = akira_net_send_all(s->sock, buf + start, i - start, t);
        if (!rc) rc = akira_net_send_all(s->sock, "\r\n", 2, t);
        if (rc) return rc;
        start = i + 1;
    }
    return akira_net_send_all(s->sock, buf + start, len - start, t);
}

static bool io_cancelled(void *ctx)
{
    struct session *s = ctx;
    akira_mutex_lock(s->srv->lock, AKIRA_FOREVER);
    bool stop = s->srv->stopping;
    akira_mutex_unlock(s->srv->lock);
    return stop;
}

static void say(struct session *s, const char *text)
{
    (void)io_write(s, text, strlen(text));
}

/* Reads one line (CR and LF end it) within the deadline; false on EOF/timeout. */
static bool read_line(struct session *s, char *line, size_t cap, uint64_t deadline)
{
    size_t n = 0;
    bool overflow = false;
    for (;;) {
        uint64_t now = akira_uptime_ms();
        if (now >= deadline) return false;
        int c = read_byte(s, (int32_t)(deadline - now));
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
    struct akira_shell_net *srv = s->srv;
    uint64_t deadline = akira_uptime_ms() + srv->cfg.login_timeout_ms;
    for (int tries = 0; tries < LOGIN_TRIES; tries++) {
        say(s, "AkiraOS shell, token: ");
        char line[AKIRA_HTTP_TOKEN_MAX + 8];
        if (!read_line(s, line, sizeof(line), deadline)) return false;
        if (token_equal(srv->token, line)) return true;
        AKIRA_LOG_WRN("wrong token from %s", s->peer);
        /* Slows guessing down to a few tries per connection and second. */
        akira_sleep_ms(srv->cfg.fail_delay_ms);
        say(s, "wrong token\n");
    }
    return false;
}

static int session_main(void *arg)
{
    struct session *s = arg;
    struct akira_shell_net *srv = s->srv;
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
    akira_net_shutdown(s->sock);
    if (why != AKIRA_SHELL_EXIT_EOF && srv->cfg.on_exit) srv->cfg.on_exit(why);
    akira_mutex_lock(srv->lock, AKIRA_FOREVER);
    s->finished = true;
    akira_mutex_unlock(srv->lock);
    return 0;
}

/* Joins finished sessions and frees their slots (lock held by caller: no). */
static void reap(struct akira_shell_net *srv, bool all)
{
    for (int i = 0; i < SESSIONS_MAX; i++) {
        struct session *s = &srv->sessions[i];
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        bool join = s->used && (s->finished || all);
        akira_mutex_unlock(srv->lock);
        if (!join) continue;
        akira_thread_join(s->thread, AKIRA_FOREVER, NULL);
        akira_net_close(s->sock);
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        s->used = false;
        s->sock = NULL;
        akira_mutex_unlock(srv->lock);
    }
}

static int acceptor(void *arg)
{
    struct akira_shell_net *srv = arg;
    for (;;) {
        akira_sock_t *sock;
        struct akira_net_addr peer;
        int rc = akira_net_accept(srv->listener, &sock, &peer, AKIRA_FOREVER);
        if (rc == AKIRA_ECANCELED) return 0;
        if (rc < 0) {
            akira_sleep_ms(10);
            continue;
        }
        reap(srv, false);
        struct session *slot = NULL;
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        for (unsigned i = 0; i < srv->cfg.sessions && !slot; i++)
            if (!srv->sessions[i].used) slot = &srv->sessions[i];
        if (slot) {
            memset(slot, 0, sizeof(*slot));
            slot->srv = srv;
            slot->sock = sock;
            slot->used = true;
            akira_net_addr_format(&peer, slot->peer, sizeof(slot->peer));
        }
        akira_mutex_unlock(srv->lock);
        if (!slot) {
            static const char busy[] = "too many shell sessions\r\n";
            (void)akira_net_send(sock, busy, sizeof(busy) - 1, AKIRA_NO_WAIT);
            akira_net_close(sock);
            continue;
        }
        rc = akira_thread_create(&slot->thread, "shell-net", session_main, slot, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
        if (rc) {
            akira_net_close(sock);
            akira_mutex_lock(srv->lock, AKIRA_FOREVER);
            slot->used = false;
            akira_mutex_unlock(srv->lock);
        }
    }
}

int akira_shell_net_start(struct akira_shell_net **out, const struct akira_shell_net_config *cfg,
                          const char *token)
{
    if (!out || !cfg || !token || !token[0] || strlen(token) >= AKIRA_HTTP_TOKEN_MAX ||
        cfg->sessions < 1 || cfg->sessions > SESSIONS_MAX || cfg->idle_timeout_ms > INT32_MAX ||
        cfg->login_timeout_ms == 0)
        return AKIRA_EINVAL;
    struct akira_shell_net *srv = calloc(1, sizeof(*srv));
    if (!srv) return AKIRA_ENOMEM;
    srv->cfg = *cfg;
    snprintf(srv->token, sizeof(srv->token), "%s", token);
    int rc = akira_mutex_create(&srv->lock);
    if (!rc) rc = akira_net_tcp_listen(&srv->listener, &cfg->addr, 8);
    if (!rc)
        rc = akira_thread_create(&srv->acceptor, "shell-accept", acceptor, srv, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
    if (rc) {
        akira_net_close(srv->listener);
        if (srv->lock) akira_mutex_destroy(srv->lock);
        free(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

int akira_shell_net_addr(const struct akira_shell_net *s, struct akira_net_addr *out)
{
    return akira_net_local_addr(s->listener, out);
}

void akira_shell_net_stop(struct akira_shell_net *srv)
{
    if (!srv) return;
    akira_net_shutdown(srv->listener);
    akira_thread_join(srv->acceptor, AKIRA_FOREVER, NULL);
    akira_mutex_lock(srv->lock, AKIRA_FOREVER);
    srv->stopping = true;
    for (int i = 0; i < SESSIONS_MAX; i++)
        if (srv->sessions[i].used) akira_net_shutdown(srv->sessions[i].sock);
    akira_mutex_unlock(srv->lock);
    reap(srv, true);
    akira_net_close(srv->listener);
    akira_mutex_destroy(srv->lock);
    free(srv);
}

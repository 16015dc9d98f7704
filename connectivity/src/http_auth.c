/*
 * Bearer-token check with a per-address slow-down: after cfg.auth_failures_free
 * failures an address is locked out for auth_lock_ms, doubling with each further
 * failure up to auth_lock_max_ms. While locked out its requests get 429 without the
 * token being looked at, so guessing is limited to a few tries per lock-out whatever
 * the request rate, and no worker sleeps on behalf of an attacker.
 *
 * The per-address table is bounded (HTTP_AUTH_SLOTS): an attacker rotating more
 * addresses than it holds would have every record evicted before its lock-out. So the
 * failures of all addresses also count together: past cfg.auth_global_free, every
 * address that has not logged in lately (the HTTP_AUTH_GOOD last ones) is locked out
 * the same way, and the owner's own address keeps working.
 */
#include <string.h>

#include <akira/clock.h>
#include <akira/log.h>

#include "http_priv.h"

/* Compares in time independent of where the strings differ. */
static bool token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = (unsigned char)(la != lb);
    for (size_t i = 0; i < lb; i++)
        d |= (unsigned char)(a[i % (la ? la : 1)] ^ b[i]);
    return d == 0 && la > 0;
}

/* "Bearer " in any case (RFC 9110 11.1: the scheme name is case-insensitive). */
static bool scheme_is_bearer(const char *h)
{
    static const char want[] = "bearer ";
    for (size_t i = 0; i < sizeof(want) - 1; i++) {
        char c = h[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != want[i]) return false;
    }
    return true;
}

static struct auth_slot *slot_for(struct akira_http_server *s, const uint8_t ip[4], bool make)
{
    struct auth_slot *victim = NULL;
    for (int i = 0; i < HTTP_AUTH_SLOTS; i++) {
        struct auth_slot *a = &s->auth[i];
        if (a->used && memcmp(a->ip, ip, 4) == 0) return a;
        /* A free slot, else the one whose last failure is oldest. */
        if (!victim || (victim->used && (!a->used || a->last_ms < victim->last_ms))) victim = a;
    }
    if (!make) return NULL;
    memset(victim, 0, sizeof(*victim));
    victim->used = true;
    memcpy(victim->ip, ip, 4);
    return victim;
}

AKIRA_LOG_MODULE_DECLARE(http);

static bool logged_in_lately(struct akira_http_server *s, const uint8_t ip[4])
{
    for (int i = 0; i < HTTP_AUTH_GOOD; i++)
        if (s->good[i].used && memcmp(s->good[i].ip, ip, 4) == 0) return true;
    return false;
}

static void remember_login(struct akira_http_server *s, const uint8_t ip[4], uint64_t now)
{
    struct auth_slot *victim = &s->good[0];
    for (int i = 0; i < HTTP_AUTH_GOOD; i++) {
        struct auth_slot *g = &s->good[i];
        if (g->used && memcmp(g->ip, ip, 4) == 0) {
            victim = g;
            break;
        }
        if (victim->used && (!g->used || g->last_ms < victim->last_ms)) victim = g;
    }
    victim->used = true;
    memcpy(victim->ip, ip, 4);
    victim->last_ms = now;
}

/* The lock-out after `failures` (failures_free of them free), doubled per failure. */
static uint64_t lock_for(const struct akira_http_config *cfg, unsigned failures, unsigned free)
{
    unsigned shift = failures - free;
    uint64_t lock = cfg->auth_lock_ms;
    for (unsigned i = 0; i < shift && lock < cfg->auth_lock_max_ms; i++)
        lock *= 2;
    return lock > cfg->auth_lock_max_ms ? cfg->auth_lock_max_ms : lock;
}

int http_auth_check(struct akira_http_server *s, struct http_conn *c, unsigned *retry_s)
{
    const char *h = akira_http_parser_header(&c->parser, "authorization");
    uint64_t now = akira_uptime_ms();
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    struct auth_slot *a = slot_for(s, c->peer_ip, false);
    uint64_t until = a ? a->locked_until_ms : 0;
    struct auth_slot *g = &s->global;
    if (g->locked_until_ms > until && !logged_in_lately(s, c->peer_ip)) until = g->locked_until_ms;
    if (now < until) {
        *retry_s = (unsigned)((until - now + 999) / 1000);
        akira_mutex_unlock(s->lock);
        return 429;
    }
    bool ok = h && scheme_is_bearer(h) && s->token[0] && token_equal(s->token, h + 7);
    if (ok) {
        if (a) a->used = false;
        remember_login(s, c->peer_ip, now);
        akira_mutex_unlock(s->lock);
        return 0;
    }
    s->stats.auth_failures++;
    a = slot_for(s, c->peer_ip, true);
    a->failures++;
    a->last_ms = now;
    if (a->failures >= s->cfg.auth_failures_free)
        a->locked_until_ms = now + lock_for(&s->cfg, a->failures, s->cfg.auth_failures_free);
    if (g->failures && now - g->last_ms > s->cfg.auth_lock_max_ms) g->failures = 0;
    g->failures++;
    g->last_ms = now;
    uint64_t glock = 0;
    if (g->failures > s->cfg.auth_global_free) {
        glock = lock_for(&s->cfg, g->failures - 1, s->cfg.auth_global_free);
        g->locked_until_ms = now + glock;
    }
    unsigned gfail = g->failures;
    akira_mutex_unlock(s->lock);
    if (glock)
        AKIRA_LOG_WRN("%u token failures from all addresses: global back-off %llu ms (addresses "
                      "that logged in lately are spared)",
                      gfail, (unsigned long long)glock);
    return 401;
}

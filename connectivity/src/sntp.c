/* SNTP client (akira/sntp.h, RFC 4330). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/random.h>
#include <akira/settings.h>
#include <akira/sntp.h>
#include <akira/storage.h>
#include <akira/walltime.h>

AKIRA_LOG_MODULE_REGISTER(sntp);

#define NTP_UNIX_DELTA 2208988800LL /* seconds from 1900-01-01 to 1970-01-01 */

void akira_sntp_request(uint8_t pkt[AKIRA_SNTP_PACKET], const uint8_t nonce[8])
{
    memset(pkt, 0, AKIRA_SNTP_PACKET);
    pkt[0] = (0u << 6) | (4u << 3) | 3u; /* LI 0, version 4, mode 3 (client) */
    memcpy(pkt + 40, nonce, 8);          /* transmit timestamp */
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An NTP timestamp as Unix ms. Seconds with the top bit clear are era 1 (after 2036,
 * RFC 4330 section 3). */
static int64_t ntp_ms(const uint8_t *p)
{
    uint32_t sec = be32(p), frac = be32(p + 4);
    int64_t s = (int64_t)sec + ((sec & 0x80000000u) ? 0 : 4294967296LL);
    return (s - NTP_UNIX_DELTA) * 1000 + (int64_t)(((uint64_t)frac * 1000) >> 32);
}

static bool zero8(const uint8_t *p)
{
    static const uint8_t z[8];
    return memcmp(p, z, 8) == 0;
}

int akira_sntp_parse(const uint8_t *pkt, size_t len, const uint8_t nonce[8], uint64_t t1_ms,
                     uint64_t t4_ms, int64_t *unix_ms, const char **why)
{
    const char *w = NULL;
    int rc = 0;
    if (!pkt || len < AKIRA_SNTP_PACKET) {
        w = "shorter than 48 bytes";
        rc = AKIRA_EFORMAT;
    } else if ((pkt[0] & 7u) != 4u) {
        w = "not a server reply (mode)";
        rc = AKIRA_EFORMAT;
    } else if (((pkt[0] >> 3) & 7u) < 1u || ((pkt[0] >> 3) & 7u) > 4u) {
        w = "unknown version";
        rc = AKIRA_EFORMAT;
    } else if (memcmp(pkt + 24, nonce, 8) != 0) {
        w = "originate timestamp is not our request's";
        rc = AKIRA_EAUTH;
    } else if ((pkt[0] >> 6) == 3u) {
        w = "server not synchronised (leap indicator 3)";
        rc = AKIRA_EAGAIN;
    } else if (pkt[1] == 0 || pkt[1] > 15) {
        w = pkt[1] == 0 ? "kiss-o'-death (stratum 0)" : "stratum above 15";
        rc = AKIRA_EAGAIN;
    } else if (zero8(pkt + 40) || zero8(pkt + 32)) {
        w = "zero receive or transmit timestamp";
        rc = AKIRA_EFORMAT;
    } else if (t4_ms < t1_ms) {
        w = "reply before request";
        rc = AKIRA_EINVAL;
    }
    if (why) *why = w;
    if (rc) return rc;
    int64_t t2 = ntp_ms(pkt + 32), t3 = ntp_ms(pkt + 40);
    int64_t server_ms = t3 - t2;
    int64_t rtt = (int64_t)(t4_ms - t1_ms);
    /* Time spent on the wire both ways, half of it after t3 (a server that claims to
     * have held the request longer than the round trip is taken as 0). */
    int64_t wire = rtt > server_ms && server_ms >= 0 ? rtt - server_ms : 0;
    *unix_ms = t3 + wire / 2;
    return 0;
}

int akira_sntp_query(const struct akira_net_addr *server, int32_t timeout_ms, int64_t *unix_ms,
                     const char **why)
{
    if (!server || !unix_ms || timeout_ms <= 0) return AKIRA_EINVAL;
    const char *w = "no reply";
    akira_sock_t *s;
    struct akira_net_addr any = akira_net_addr_any(0);
    int rc = akira_net_udp_open(&s, &any);
    if (rc) return rc;
    uint8_t nonce[8], pkt[AKIRA_SNTP_PACKET];
    rc = akira_random_fill(nonce, sizeof(nonce));
    if (!rc) {
        akira_sntp_request(pkt, nonce);
        uint64_t t1 = akira_uptime_ms(), until = t1 + (uint64_t)timeout_ms;
        rc = akira_net_sendto(s, pkt, sizeof(pkt), server, timeout_ms);
        if (rc >= 0) rc = AKIRA_ETIMEDOUT;
        while (rc == AKIRA_ETIMEDOUT) {
            uint64_t now = akira_uptime_ms();
            if (now >= until) break;
            uint8_t in[128];
            struct akira_net_addr from;
            int n = akira_net_recvfrom(s, in, sizeof(in), &from, (int32_t)(until - now));
            if (n == AKIRA_ETIMEDOUT || n == AKIRA_EAGAIN) break;
            if (n < 0) {
                rc = n;
                break;
            }
            if (memcmp(from.ip, server->ip, 4) != 0 || from.port != server->port) {
                w = "reply from another address";
                continue;
            }
            const char *pw = NULL;
            int prc = akira_sntp_parse(in, (size_t)n, nonce, t1, akira_uptime_ms(), unix_ms, &pw);
            if (!prc) {
                rc = 0;
                break;
            }
            w = pw;
            char a[AKIRA_NET_ADDR_STR_MAX];
            akira_net_addr_format(&from, a, sizeof(a));
            AKIRA_LOG_WRN("reply from %s refused: %s", a, pw);
        }
    }
    akira_net_close(s);
    if (why) *why = rc ? w : NULL;
    return rc;
}

int akira_sntp_sync(const char *server, int32_t timeout_ms, const char **why)
{
    char buf[AKIRA_NET_ADDR_STR_MAX + 1];
    int n;
    if (server) {
        n = snprintf(buf, sizeof(buf), "%s", server);
        if (n >= (int)sizeof(buf)) n = AKIRA_EINVAL;
    } else {
        akira_storage_lock();
        struct akira_settings *st = akira_storage_settings();
        n = st ? akira_settings_get(st, AKIRA_TIME_SNTP_KEY, buf, sizeof(buf) - 1) : AKIRA_ENODEV;
        akira_storage_unlock();
        if (n == AKIRA_ERANGE) n = AKIRA_EINVAL;
    }
    if (why) *why = n == AKIRA_EINVAL ? "server address too long" : NULL;
    if (n < 0) return n;
    buf[n] = '\0';
    char *colon = strchr(buf, ':');
    struct akira_net_addr a;
    unsigned long port = colon ? strtoul(colon + 1, NULL, 10) : 123;
    if (colon) *colon = '\0';
    if (port == 0 || port > 65535 || akira_net_addr_parse(buf, (uint16_t)port, &a)) {
        if (why) *why = "akira/time/sntp is not a.b.c.d[:port]";
        return AKIRA_EINVAL;
    }
    int64_t ms;
    int rc = akira_sntp_query(&a, timeout_ms, &ms, why);
    if (rc) return rc;
    char src[48];
    akira_net_addr_format(&a, src, sizeof(src));
    char label[56];
    snprintf(label, sizeof(label), "sntp %s", src);
    rc = akira_walltime_set(ms, label);
    if (rc && why) *why = "the server's time is out of range";
    if (!rc) {
        char t[AKIRA_TIME_STR_MAX];
        akira_walltime_format(ms, akira_walltime_tz(), t, sizeof(t));
        AKIRA_LOG_INF("clock set from %s: %s", src, t);
    }
    return rc;
}

/*
 * SNTP client (RFC 4330, SNTPv4 unicast over UDP) setting the wall clock
 * (akira/walltime.h). docs/tls.md ("Time").
 *
 * A reply is taken only if it is one: at least 48 bytes, mode 4 (server), version 1..4,
 * leap indicator not 3 (server unsynchronised), stratum 1..15 (0 is a kiss-o'-death),
 * its originate timestamp equal to the random transmit timestamp of our request (an
 * off-path answer cannot guess it), and non-zero receive and transmit timestamps.
 */
#ifndef AKIRA_SNTP_H
#define AKIRA_SNTP_H

#include <stddef.h>
#include <stdint.h>

#include <akira/net.h>

#define AKIRA_SNTP_PACKET 48

/* The 48-byte request into pkt, with nonce (8 random bytes) as its transmit timestamp. */
void akira_sntp_request(uint8_t pkt[AKIRA_SNTP_PACKET], const uint8_t nonce[8]);

/* Checks a reply to the request that carried nonce and computes the time at its
 * arrival: t1_ms / t4_ms are the uptimes when the request left and the reply came.
 * *unix_ms gets the Unix time at t4 (the server's transmit time plus half the round
 * trip spent outside the server). 0, or AKIRA_EFORMAT (too short, wrong mode or
 * version, zero timestamps), AKIRA_EAUTH (not the answer to our nonce), AKIRA_EAGAIN
 * (the server is unsynchronised or sent a kiss-o'-death), with a reason in *why. */
int akira_sntp_parse(const uint8_t *pkt, size_t len, const uint8_t nonce[8], uint64_t t1_ms,
                     uint64_t t4_ms, int64_t *unix_ms, const char **why);

/* One exchange with server within timeout_ms (replies that do not pass are ignored
 * until then); *unix_ms as akira_sntp_parse. AKIRA_ETIMEDOUT when no good reply came
 * (*why: the last refusal's reason, or "no reply"). */
int akira_sntp_query(const struct akira_net_addr *server, int32_t timeout_ms, int64_t *unix_ms,
                     const char **why);

/* Queries server ("a.b.c.d[:port]", port 123 by default; NULL: the setting
 * AKIRA_TIME_SNTP_KEY) and sets the wall clock. AKIRA_ENOENT when no server is set,
 * AKIRA_EINVAL for a malformed address, else as akira_sntp_query. */
int akira_sntp_sync(const char *server, int32_t timeout_ms, const char **why);

#endif /* AKIRA_SNTP_H */

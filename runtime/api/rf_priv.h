/*
 * Private to the rf module (runtime/api/rf.c) and the env module of upstream's RF calls
 * (runtime/api/compat_rf.c): the rf module's claim, tuning and receive queue for one
 * app, on host pointers (the caller checked them). The same claim, queue and release at
 * the app's end as the rf natives. Not a public header.
 */
#ifndef AKIRA_API_RF_PRIV_H
#define AKIRA_API_RF_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/bridge.h>

/* Claims the transceiver for the app (AKIRA_EBUSY, the holder logged, when someone
 * else has it) and tunes it to channel ch (2400 + ch MHz) at rate (enum
 * akira_radio_rate) and dbm, the receiver on. AKIRA_EINVAL (out of range), AKIRA_EACCES
 * (ch not in the manifest's rf_channels: counted and logged), AKIRA_ENODEV. */
int akira_rf_app_tune(struct akira_app_ctx *app, uint32_t ch, uint8_t rate, int8_t dbm);
bool akira_rf_app_holds(struct akira_app_ctx *app);
/* One packet (listen-before-talk as rf_send): 0 or rf_send's errors. */
int akira_rf_app_send(struct akira_app_ctx *app, const uint8_t *p, uint32_t len);
/* Energy on the tuned channel now (dBm): 0, AKIRA_ESTATE (not held) or the driver's. */
int akira_rf_app_energy(struct akira_app_ctx *app, int8_t *dbm);
/* The oldest queued packet, waiting up to timeout_ms (a waiting call, ended by a stop):
 * *out = its length, AKIRA_EAGAIN (timeout 0), AKIRA_ETIMEDOUT, AKIRA_ERANGE (cap too
 * small: it stays queued) or AKIRA_ESTATE. Returns the wait's status (a trap when the
 * app is stopped). info gets rf_recv's 8 bytes. */
aw_status akira_rf_app_recv(struct akira_app_ctx *app, uint8_t *buf, uint32_t cap, uint8_t info[8],
                            uint32_t timeout_ms, int32_t *out);
/* Gives the transceiver up (nothing when the app does not hold it). */
void akira_rf_app_release(struct akira_app_ctx *app);

#endif /* AKIRA_API_RF_PRIV_H */

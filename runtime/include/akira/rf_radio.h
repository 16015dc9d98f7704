/*
 * The raw-RF transceiver and who holds it (runtime/api/rf.c).
 *
 * A board's second transceiver ("radio1" on native_sim; the first radio when the board
 * has only one) carries either AkiraMesh (connectivity/src/mesh_service.c) or the raw
 * packets of one app (API module "rf"): a half-duplex radio is tuned to one frequency
 * and access address at a time, so the two cannot share it. Whoever wants it claims
 * it first; the second gets AKIRA_EBUSY and the name of the holder. An app's claim
 * ends when it calls rf_release or stops; the mesh's when it goes down. When an app's
 * claim ends, the waiter (the mesh service: it comes back up on its stored key) is told.
 *
 * Threads: any thread. The waiter runs on the thread that released the claim, with no
 * lock held.
 */
#ifndef AKIRA_RF_RADIO_H
#define AKIRA_RF_RADIO_H

#include <stdbool.h>
#include <stddef.h>

#include <akira/device.h>

#define AKIRA_RF_OWNER_MAX 39u /* "app " and an app name */

/* radio1 when it is ready, else the board's default radio, else NULL. */
const struct akira_device *akira_rf_radio(void);

/* Claims the transceiver for owner (a name: "mesh", "app chat"): 0, AKIRA_EBUSY (held
 * by someone else; *holder, when given, gets the name), AKIRA_ENODEV (none),
 * AKIRA_EINVAL. Claiming again under the same name is 0. */
int akira_rf_claim(const char *owner, char *holder, size_t holder_len);
/* Ends owner's claim (nothing when owner does not hold it). */
void akira_rf_unclaim(const char *owner);
/* Who holds the transceiver: true and its name in out (cap bytes), or false. */
bool akira_rf_holder(char *out, size_t cap);
/* Called after an app's claim ends (NULL: nobody). One waiter. */
void akira_rf_waiter_set(void (*fn)(void));

#endif /* AKIRA_RF_RADIO_H */

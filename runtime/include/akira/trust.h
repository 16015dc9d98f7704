/*
 * The device's trust policy for app packages: which public keys may sign apps and
 * whether unsigned apps are accepted. Both live in settings:
 *
 *   akira/security/keys/<name>      32 raw bytes, an Ed25519 public key
 *   akira/security/allow_unsigned   "1" (or "on", "true", "allow"): on; absent:
 *                                   AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT; any other value
 *                                   or a read error: off (fails closed)
 *
 * Policy (akira_trust_check): a signed package must be signed by a stored key and the
 * signature must match, whatever allow_unsigned says; an unsigned package passes only
 * while allow_unsigned is on. Every refusal is AKIRA_ESIG with a reason.
 *
 * Who calls: the app store (install), the shell's `keys` command, tests. The settings
 * store is passed in (NULL: no store, so no keys and the board default); callers hold
 * the storage lock around each call when it is the shared store (akira/storage.h).
 * Calls block on flash reads of settings.
 */
#ifndef AKIRA_TRUST_H
#define AKIRA_TRUST_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/package.h>
#include <akira/settings.h>

#define AKIRA_TRUST_KEY_PREFIX     "akira/security/keys/"
#define AKIRA_TRUST_ALLOW_UNSIGNED "akira/security/allow_unsigned"
/* A key name: 1..31 of [A-Za-z0-9_.-]. */
#define AKIRA_TRUST_KEY_NAME_MAX 31u

/* Store pub under name. AKIRA_EINVAL (bad name), AKIRA_EEXIST (name holds another
 * key; remove it first), settings errors. Adding the same key again is AKIRA_OK. */
int akira_trust_key_add(struct akira_settings *st, const char *name,
                        const uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);

/* Remove a key. AKIRA_ENOENT when absent, AKIRA_EINVAL for a bad name. */
int akira_trust_key_remove(struct akira_settings *st, const char *name);

/* Visit every stored key (values that are not 32 bytes are skipped). A nonzero return
 * from visit stops and is returned. */
typedef int (*akira_trust_visit_fn)(void *ctx, const char *name,
                                    const uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);
int akira_trust_key_foreach(struct akira_settings *st, akira_trust_visit_fn visit, void *ctx);

/* The stored key whose id is `id`: its name (AKIRA_TRUST_KEY_NAME_MAX + 1 bytes) and
 * public key. AKIRA_ENOENT when none. */
int akira_trust_key_find(struct akira_settings *st, const uint8_t id[AKIRA_PKG_KEY_ID_LEN],
                         char *name, uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);

/* Whether unsigned packages are accepted now. */
bool akira_trust_allow_unsigned(struct akira_settings *st);

/* Set the switch (stores "1" or "0"). */
int akira_trust_set_allow_unsigned(struct akira_settings *st, bool allow);

/* Apply the policy to a scanned package read through `read`. On AKIRA_OK, key_name
 * (AKIRA_TRUST_KEY_NAME_MAX + 1 bytes) holds the signer's name, or "" when unsigned.
 * Refusals: AKIRA_ESIG with err filled (field "signature"); AKIRA_EIO from the reader. */
int akira_trust_check(struct akira_settings *st, aw_read_fn read, void *ctx,
                      const struct akira_package *pkg, char *key_name,
                      struct akira_manifest_error *err);

/* Parse 64 hex digits into a public key. AKIRA_OK or AKIRA_EFORMAT. */
int akira_trust_pub_from_hex(const char *hex, uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);

/* Write a key as 64 lower-case hex digits and a NUL (65 bytes). */
void akira_trust_pub_to_hex(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN], char *hex);

#endif /* AKIRA_TRUST_H */

/*
 * struct akira_fw_crypto on libsodium (akira/boot_crypto_sodium.h): Debian's libsodium
 * on a host; on an MCU the part of its source cmake/libsodium_mcu.cmake compiles
 * (AKIRA_SODIUM_SUBSET), which has no sodium_init() and needs none.
 */
#include <sodium/crypto_hash_sha256.h>
#include <sodium/crypto_sign_ed25519.h>
#ifndef AKIRA_SODIUM_SUBSET
#include <sodium/core.h>
#endif

#include <akira/boot_crypto_sodium.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct akira_fw_sha256),
               "the SHA-256 state does not fit struct akira_fw_sha256");

static crypto_hash_sha256_state *st_of(struct akira_fw_sha256 *st)
{
    return (crypto_hash_sha256_state *)(void *)st->state;
}

static void sha_init(struct akira_fw_sha256 *st)
{
    crypto_hash_sha256_init(st_of(st));
}

static void sha_update(struct akira_fw_sha256 *st, const void *data, size_t len)
{
    crypto_hash_sha256_update(st_of(st), data, len);
}

static void sha_final(struct akira_fw_sha256 *st, uint8_t out[AKIRA_FW_HASH_LEN])
{
    crypto_hash_sha256_final(st_of(st), out);
}

static bool ed_verify(const uint8_t sig[AKIRA_FW_SIG_LEN], const uint8_t *msg, size_t len,
                      const uint8_t pub[AKIRA_FW_PUBKEY_LEN])
{
    return crypto_sign_ed25519_verify_detached(sig, msg, len, pub) == 0;
}

static const struct akira_fw_crypto sodium_crypto = {
    .sha256_init = sha_init,
    .sha256_update = sha_update,
    .sha256_final = sha_final,
    .ed25519_verify = ed_verify,
};

const struct akira_fw_crypto *akira_boot_crypto_sodium(void)
{
#ifdef AKIRA_SODIUM_SUBSET
    return &sodium_crypto;
#else
    return sodium_init() >= 0 ? &sodium_crypto : NULL;
#endif
}

/*
 * Ed25519ph signatures of packages (akira/package.h) with libsodium: key ids, streaming
 * verification, signing and key generation. The backend of builds that link libsodium
 * (native_sim and the host tools); sig/none.c is the one of builds without it.
 */
#include <string.h>

#include <sodium.h>

#include <akira/err.h>
#include <akira/package.h>

#define VERIFY_PIECE 512u

bool akira_package_sig_supported(void)
{
    return true;
}

int akira_package_key_id(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t id[AKIRA_PKG_KEY_ID_LEN])
{
    uint8_t h[crypto_hash_sha512_BYTES];
    crypto_hash_sha512(h, pub, AKIRA_PKG_PUBKEY_LEN);
    memcpy(id, h, AKIRA_PKG_KEY_ID_LEN);
    return AKIRA_OK;
}

static bool sodium_ready(void)
{
    /* Idempotent and thread-safe: 0 the first time, 1 after. */
    return sodium_init() >= 0;
}

_Static_assert(sizeof(crypto_sign_state) <= sizeof(((struct akira_sig_stream *)0)->opaque),
               "the stream holds libsodium's state");

int akira_sig_stream_init(struct akira_sig_stream *s)
{
    if (!s || !sodium_ready()) return AKIRA_ENOTSUP;
    crypto_sign_init((crypto_sign_state *)(void *)s->opaque);
    return AKIRA_OK;
}

void akira_sig_stream_update(struct akira_sig_stream *s, const void *buf, size_t len)
{
    if (len) crypto_sign_update((crypto_sign_state *)(void *)s->opaque, buf, len);
}

int akira_sig_stream_verify(const struct akira_sig_stream *s, const uint8_t sig[AKIRA_PKG_SIG_LEN],
                            const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    if (!s || !sig || !pub) return AKIRA_ESIG;
    /* final_verify consumes the state: verify a copy */
    crypto_sign_state st;
    memcpy(&st, s->opaque, sizeof st);
    int ok = crypto_sign_final_verify(&st, sig, pub) == 0;
    sodium_memzero(&st, sizeof st);
    return ok ? AKIRA_OK : AKIRA_ESIG;
}

int akira_package_verify(aw_read_fn read, void *ctx, const struct akira_package *pkg,
                         const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    if (!read || !pkg || !pub) return AKIRA_EINVAL;
    if (!pkg->is_signed) return AKIRA_ESTATE;
    struct akira_sig_stream st;
    if (akira_sig_stream_init(&st)) return AKIRA_ENOTSUP;
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    (void)akira_package_key_id(pub, id);
    if (memcmp(id, pkg->key_id, sizeof id) != 0) return AKIRA_ESIG;
    uint8_t piece[VERIFY_PIECE];
    for (uint32_t off = 0; off < pkg->sig_section_offset;) {
        uint32_t n = pkg->sig_section_offset - off;
        if (n > VERIFY_PIECE) n = VERIFY_PIECE;
        if (read(ctx, off, piece, n) != 0) return AKIRA_EIO;
        akira_sig_stream_update(&st, piece, n);
        off += n;
    }
    return akira_sig_stream_verify(&st, pkg->sig, pub);
}

int akira_package_sign(const uint8_t *data, size_t len, const uint8_t sk[AKIRA_PKG_SECKEY_LEN],
                       uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN])
{
    if ((!data && len) || !sk || !payload) return AKIRA_EINVAL;
    if (!sodium_ready()) return AKIRA_ENOTSUP;
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN];
    if (crypto_sign_ed25519_sk_to_pk(pub, sk) != 0) return AKIRA_EINVAL;
    (void)akira_package_key_id(pub, payload);
    crypto_sign_state st;
    crypto_sign_init(&st);
    crypto_sign_update(&st, data, len);
    if (crypto_sign_final_create(&st, payload + AKIRA_PKG_KEY_ID_LEN, NULL, sk) != 0)
        return AKIRA_ENOTSUP;
    return AKIRA_OK;
}

int akira_package_keygen(uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t sk[AKIRA_PKG_SECKEY_LEN])
{
    if (!pub || !sk) return AKIRA_EINVAL;
    if (!sodium_ready()) return AKIRA_ENOTSUP;
    return crypto_sign_keypair(pub, sk) == 0 ? AKIRA_OK : AKIRA_ENOTSUP;
}

/*
 * The signature backend of builds without a crypto library (mps2_an386: Debian has no
 * libsodium for arm-none-eabi). Nothing is pretended: every signature operation
 * answers AKIRA_ENOTSUP, so the trust policy refuses every signed package with that
 * reason and accepts unsigned ones only while akira/security/allow_unsigned is on
 * (docs/runtime.md, "Trust policy").
 */
#include <akira/err.h>
#include <akira/package.h>

bool akira_package_sig_supported(void)
{
    return false;
}

int akira_package_key_id(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t id[AKIRA_PKG_KEY_ID_LEN])
{
    (void)pub;
    (void)id;
    return AKIRA_ENOTSUP;
}

int akira_package_verify(aw_read_fn read, void *ctx, const struct akira_package *pkg,
                         const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    (void)read;
    (void)ctx;
    (void)pkg;
    (void)pub;
    return AKIRA_ENOTSUP;
}

int akira_sig_stream_init(struct akira_sig_stream *s)
{
    (void)s;
    return AKIRA_ENOTSUP;
}

void akira_sig_stream_update(struct akira_sig_stream *s, const void *buf, size_t len)
{
    (void)s;
    (void)buf;
    (void)len;
}

int akira_sig_stream_verify(const struct akira_sig_stream *s, const uint8_t sig[AKIRA_PKG_SIG_LEN],
                            const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    (void)s;
    (void)sig;
    (void)pub;
    return AKIRA_ENOTSUP;
}

int akira_package_sign(const uint8_t *data, size_t len, const uint8_t sk[AKIRA_PKG_SECKEY_LEN],
                       uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN])
{
    (void)data;
    (void)len;
    (void)sk;
    (void)payload;
    return AKIRA_ENOTSUP;
}

int akira_package_keygen(uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t sk[AKIRA_PKG_SECKEY_LEN])
{
    (void)pub;
    (void)sk;
    return AKIRA_ENOTSUP;
}

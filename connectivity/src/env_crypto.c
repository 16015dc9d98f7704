/*
 * Upstream AkiraOS's crypto_* natives (docs/compat.md "Crypto"), capability `crypto`:
 * SHA-256, HMAC-SHA256, the CSPRNG and Ed25519 from libsodium; AES-256 (CBC, CTR) and
 * ECDSA P-256 from mbedTLS. Both are Debian's, on the host builds; the Cortex-M build
 * has neither and does not bind these names.
 *
 * Arguments follow upstream's engine and natives: a range given with its length (`~`)
 * or the first byte of a fixed-size buffer (`*`) outside the app's memory traps (its
 * engine checks them before the call); a fixed-size buffer whose rest leaves memory,
 * or a NULL (0) pointer, is -EFAULT; lengths are checked first, with upstream's values
 * (inputs above 64 KiB: -EMSGSIZE for the hash, HMAC and CBC, -EINVAL for the others).
 * Key material the module derives (an Ed25519 secret key, P-256 numbers) is wiped
 * before the call returns.
 */
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <sodium.h>

#include <akira/err.h>

#include "env_compat_priv.h"
#include "p256.h"

#define INPUT_MAX (64u * 1024u) /* upstream's CONFIG_AKIRA_WASM_CRYPTO_MAX_INPUT */

int akira_env_crypto_init(void)
{
    return sodium_init() < 0 ? AKIRA_EIO : 0;
}

/* The host pointer of a fixed-size buffer, NULL (-EFAULT) when 0 or its rest leaves
 * memory; *trap when its first byte does. */
static uint8_t *fixed(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, bool *trap)
{
    if (ptr == 0) return NULL;
    if (!env_in(app, ptr, 1)) *trap = true;
    return akira_bridge_mem(app, ptr, len);
}

/* The host pointer of a range given with its length, NULL (-EFAULT) when 0 (an empty
 * range of a non-zero pointer is fine); *trap when it leaves memory. */
static uint8_t *ranged(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, bool *trap)
{
    if (!env_in(app, ptr, len)) *trap = true;
    static uint8_t empty[1];
    if (ptr == 0) return NULL;
    return len ? akira_bridge_mem(app, ptr, len) : empty;
}

#define EFAULT_IF_NULL(...)                                                                        \
    do {                                                                                           \
        const void *ptrs_[] = {__VA_ARGS__};                                                       \
        for (size_t i_ = 0; i_ < sizeof(ptrs_) / sizeof(ptrs_[0]); i_++)                           \
            if (!ptrs_[i_]) return env_ret(io, -AKIRA_UP_EFAULT);                                  \
    } while (0)

aw_status akira_env_crypto_sha256(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t n = io[1].u32;
    const uint8_t *data = ranged(app, io[0].u32, n, &trap);
    uint8_t *out = fixed(app, io[2].u32, 32, &trap);
    if (trap) return env_oob(app);
    if (n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EMSGSIZE);
    EFAULT_IF_NULL(data, out);
    crypto_hash_sha256(out, data, n);
    return env_ret(io, 0);
}

/* CBC: len a non-zero multiple of 16. */
static aw_status cbc(struct akira_app_ctx *app, aw_val *io, int mode)
{
    bool trap = false;
    uint32_t n = io[3].u32;
    const uint8_t *key = fixed(app, io[0].u32, 32, &trap);
    const uint8_t *iv = fixed(app, io[1].u32, 16, &trap);
    const uint8_t *in = ranged(app, io[2].u32, n, &trap);
    uint8_t *out = fixed(app, io[4].u32, n ? n : 1, &trap);
    if (trap) return env_oob(app);
    if (n == 0 || n % 16) return env_ret(io, -AKIRA_UP_EINVAL);
    if (n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EMSGSIZE);
    EFAULT_IF_NULL(key, iv, in, out);
    uint8_t ivc[16];
    memcpy(ivc, iv, 16); /* mbedTLS advances the IV; the app's stays */
    mbedtls_aes_context c;
    mbedtls_aes_init(&c);
    int rc = mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&c, key, 256)
                                         : mbedtls_aes_setkey_dec(&c, key, 256);
    if (!rc) rc = mbedtls_aes_crypt_cbc(&c, mode, n, ivc, in, out);
    mbedtls_aes_free(&c);
    sodium_memzero(ivc, sizeof(ivc));
    return env_ret(io, rc ? -AKIRA_UP_EIO : 0);
}

aw_status akira_env_crypto_aes256_encrypt(struct akira_app_ctx *app, aw_val *io)
{
    return cbc(app, io, MBEDTLS_AES_ENCRYPT);
}

aw_status akira_env_crypto_aes256_decrypt(struct akira_app_ctx *app, aw_val *io)
{
    return cbc(app, io, MBEDTLS_AES_DECRYPT);
}

aw_status akira_env_crypto_aes256_ctr(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t n = io[3].u32;
    const uint8_t *key = fixed(app, io[0].u32, 32, &trap);
    const uint8_t *nonce = fixed(app, io[1].u32, 16, &trap);
    const uint8_t *in = ranged(app, io[2].u32, n, &trap);
    uint8_t *out = fixed(app, io[4].u32, n ? n : 1, &trap);
    if (trap) return env_oob(app);
    if (n == 0 || n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EINVAL);
    EFAULT_IF_NULL(key, nonce, in, out);
    uint8_t ctr[16], stream[16];
    size_t off = 0;
    memcpy(ctr, nonce, 16); /* the counter block: big-endian, the whole 16 bytes */
    mbedtls_aes_context c;
    mbedtls_aes_init(&c);
    int rc = mbedtls_aes_setkey_enc(&c, key, 256);
    if (!rc) rc = mbedtls_aes_crypt_ctr(&c, n, &off, ctr, stream, in, out);
    mbedtls_aes_free(&c);
    sodium_memzero(ctr, sizeof(ctr));
    sodium_memzero(stream, sizeof(stream));
    return env_ret(io, rc ? -AKIRA_UP_EIO : 0);
}

aw_status akira_env_crypto_hmac_sha256(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t kl = io[1].u32, n = io[3].u32;
    const uint8_t *key = ranged(app, io[0].u32, kl, &trap);
    const uint8_t *data = ranged(app, io[2].u32, n, &trap);
    uint8_t *out = fixed(app, io[4].u32, 32, &trap);
    if (trap) return env_oob(app);
    if (kl == 0 || kl > 64) return env_ret(io, -AKIRA_UP_EINVAL); /* one SHA-256 block */
    if (n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EMSGSIZE);
    EFAULT_IF_NULL(key, data, out);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, kl);
    crypto_auth_hmacsha256_update(&st, data, n);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof(st));
    return env_ret(io, 0);
}

aw_status akira_env_crypto_random(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t n = io[1].u32;
    uint8_t *buf = ranged(app, io[0].u32, n, &trap);
    if (trap) return env_oob(app);
    if (n == 0 || n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EINVAL);
    EFAULT_IF_NULL(buf);
    randombytes_buf(buf, n);
    return env_ret(io, 0);
}

aw_status akira_env_crypto_ed25519_keygen(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint8_t *seed = fixed(app, io[0].u32, 32, &trap);
    uint8_t *pub = fixed(app, io[1].u32, 32, &trap);
    if (trap) return env_oob(app);
    EFAULT_IF_NULL(seed, pub);
    uint8_t s[32], pk[32], sk[64];
    randombytes_buf(s, sizeof(s));
    crypto_sign_seed_keypair(pk, sk, s);
    memcpy(seed, s, 32);
    memcpy(pub, pk, 32);
    sodium_memzero(s, sizeof(s));
    sodium_memzero(sk, sizeof(sk));
    return env_ret(io, 0);
}

aw_status akira_env_crypto_ed25519_sign(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t n = io[2].u32;
    const uint8_t *seed = fixed(app, io[0].u32, 32, &trap);
    const uint8_t *msg = ranged(app, io[1].u32, n, &trap);
    uint8_t *sig = fixed(app, io[3].u32, 64, &trap);
    if (trap) return env_oob(app);
    if (n == 0 || n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EINVAL);
    EFAULT_IF_NULL(seed, msg, sig);
    uint8_t pk[32], sk[64], out[64];
    crypto_sign_seed_keypair(pk, sk, seed);
    crypto_sign_detached(out, NULL, msg, n, sk);
    memcpy(sig, out, 64);
    sodium_memzero(sk, sizeof(sk));
    return env_ret(io, 0);
}

/* mbedTLS's random source: libsodium's CSPRNG. */
static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    randombytes_buf(out, len);
    return 0;
}

aw_status akira_env_crypto_p256_keygen(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint8_t *priv = fixed(app, io[0].u32, 32, &trap);
    uint8_t *pub = fixed(app, io[1].u32, 65, &trap);
    if (trap) return env_oob(app);
    EFAULT_IF_NULL(priv, pub);
    uint8_t d[32], q[65];
    akira_err_t rc = akira_p256_keypair(AKIRA_P256_SEC1, d, q);
    if (rc == AKIRA_OK) {
        memcpy(priv, d, 32);
        memcpy(pub, q, 65);
    }
    sodium_memzero(d, sizeof(d));
    return env_ret(io, rc == AKIRA_OK ? 0 : -AKIRA_UP_EIO);
}

aw_status akira_env_crypto_p256_sign(struct akira_app_ctx *app, aw_val *io)
{
    bool trap = false;
    uint32_t n = io[2].u32;
    const uint8_t *priv = fixed(app, io[0].u32, 32, &trap);
    const uint8_t *msg = ranged(app, io[1].u32, n, &trap);
    uint8_t *sig = fixed(app, io[3].u32, 64, &trap);
    if (trap) return env_oob(app);
    if (n == 0 || n > INPUT_MAX) return env_ret(io, -AKIRA_UP_EINVAL);
    EFAULT_IF_NULL(priv, msg, sig);
    uint8_t hash[32], out[64];
    crypto_hash_sha256(hash, msg, n);
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (!rc) rc = mbedtls_mpi_read_binary(&d, priv, 32);
    int32_t result = -AKIRA_UP_EIO;
    if (!rc && mbedtls_ecp_check_privkey(&grp, &d) != 0) {
        result = -AKIRA_UP_EINVAL; /* 0 or not below the group order */
        rc = -1;
    }
    if (!rc) rc = mbedtls_ecdsa_sign(&grp, &r, &s, &d, hash, sizeof(hash), rng, NULL);
    if (!rc) rc = mbedtls_mpi_write_binary(&r, out, 32);
    if (!rc) rc = mbedtls_mpi_write_binary(&s, out + 32, 32);
    if (!rc) {
        memcpy(sig, out, 64);
        result = 0;
    }
    mbedtls_mpi_free(&d);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    mbedtls_ecp_group_free(&grp);
    return env_ret(io, result);
}

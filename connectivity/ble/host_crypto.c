/* The LE SC crypto functions over mbedTLS (AES, AES-CMAC, ECP on secp256r1). */
#include <stddef.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/cipher.h>
#include <mbedtls/cmac.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecp.h>

#include "akira/random.h"
#include "host_crypto.h"
#include "p256.h"

/* Appends a little-endian field to a most-significant-first message. */
static size_t put_rev(uint8_t *m, size_t at, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m[at + i] = src[n - 1 - i];
    return at + n;
}

static void rev(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[n - 1 - i];
}

/* AES-CMAC with key and message most-significant first; mac likewise. */
static akira_err_t cmac_msb(const uint8_t key[16], const uint8_t *m, size_t len, uint8_t mac[16])
{
    const mbedtls_cipher_info_t *ci = mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_128_ECB);
    if (!ci || mbedtls_cipher_cmac(ci, key, 128, m, len, mac) != 0) return AKIRA_EIO;
    return AKIRA_OK;
}

/* cmac with a little-endian key, the result little endian. */
static akira_err_t cmac_le_key(const uint8_t key_le[16], const uint8_t *m, size_t len,
                               uint8_t out_le[16])
{
    uint8_t k[16], mac[16];
    rev(k, key_le, 16);
    akira_err_t e = cmac_msb(k, m, len, mac);
    if (e == AKIRA_OK) rev(out_le, mac, 16);
    return e;
}

akira_err_t ble_crypto_f4(const uint8_t u[32], const uint8_t v[32], const uint8_t x[16], uint8_t z,
                          uint8_t out[16])
{
    uint8_t m[65];
    size_t at = put_rev(m, 0, u, 32);
    at = put_rev(m, at, v, 32);
    m[at++] = z;
    return cmac_le_key(x, m, at, out);
}

akira_err_t ble_crypto_f5(const uint8_t w[32], const uint8_t n1[16], const uint8_t n2[16],
                          const uint8_t a1[7], const uint8_t a2[7], uint8_t mackey[16],
                          uint8_t ltk[16])
{
    static const uint8_t salt[16] = {0x6c, 0x88, 0x83, 0x91, 0xaa, 0xf5, 0xa5, 0x38,
                                     0x60, 0x37, 0x0b, 0xdb, 0x5a, 0x60, 0x83, 0xbe};
    uint8_t wm[32], t[16], m[53], mac[16];
    rev(wm, w, 32);
    akira_err_t e = cmac_msb(salt, wm, 32, t);
    if (e != AKIRA_OK) return e;
    /* Counter || keyID "btle" || N1 || N2 || A1 || A2 || Length 256 */
    size_t at = 1;
    m[at++] = 0x62;
    m[at++] = 0x74;
    m[at++] = 0x6c;
    m[at++] = 0x65;
    at = put_rev(m, at, n1, 16);
    at = put_rev(m, at, n2, 16);
    at = put_rev(m, at, a1, 7);
    at = put_rev(m, at, a2, 7);
    m[at++] = 0x01;
    m[at++] = 0x00;
    for (uint8_t counter = 0; counter < 2; counter++) {
        m[0] = counter;
        e = cmac_msb(t, m, at, mac);
        if (e != AKIRA_OK) return e;
        rev(counter ? ltk : mackey, mac, 16);
    }
    return AKIRA_OK;
}

akira_err_t ble_crypto_f6(const uint8_t w[16], const uint8_t n1[16], const uint8_t n2[16],
                          const uint8_t r[16], const uint8_t iocap[3], const uint8_t a1[7],
                          const uint8_t a2[7], uint8_t out[16])
{
    uint8_t m[65];
    size_t at = put_rev(m, 0, n1, 16);
    at = put_rev(m, at, n2, 16);
    at = put_rev(m, at, r, 16);
    at = put_rev(m, at, iocap, 3);
    at = put_rev(m, at, a1, 7);
    at = put_rev(m, at, a2, 7);
    return cmac_le_key(w, m, at, out);
}

akira_err_t ble_crypto_g2(const uint8_t u[32], const uint8_t v[32], const uint8_t x[16],
                          const uint8_t y[16], uint32_t *val)
{
    uint8_t m[80], mac[16];
    size_t at = put_rev(m, 0, u, 32);
    at = put_rev(m, at, v, 32);
    at = put_rev(m, at, y, 16);
    uint8_t k[16];
    rev(k, x, 16);
    akira_err_t e = cmac_msb(k, m, at, mac);
    if (e != AKIRA_OK) return e;
    uint32_t g =
        ((uint32_t)mac[12] << 24) | ((uint32_t)mac[13] << 16) | ((uint32_t)mac[14] << 8) | mac[15];
    *val = g % 1000000u;
    return AKIRA_OK;
}

akira_err_t ble_crypto_ah(const uint8_t irk[16], const uint8_t r[3], uint8_t out[3])
{
    uint8_t k[16], in[16] = {0}, res[16];
    rev(k, irk, 16);
    put_rev(in, 13, r, 3);
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int rc = mbedtls_aes_setkey_enc(&aes, k, 128);
    if (rc == 0) rc = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, in, res);
    mbedtls_aes_free(&aes);
    if (rc != 0) return AKIRA_EIO;
    rev(out, res + 13, 3);
    return AKIRA_OK;
}

akira_err_t ble_crypto_random(void *buf, size_t len)
{
    return akira_random_fill(buf, len) == 0 ? AKIRA_OK : AKIRA_EIO;
}

static int rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    return akira_random_fill(buf, len) == 0 ? 0 : -1;
}

static int scalar_in(mbedtls_mpi *d, const uint8_t sk[32])
{
    uint8_t be[32];
    rev(be, sk, 32);
    return mbedtls_mpi_read_binary(d, be, 32);
}

akira_err_t ble_crypto_p256_keypair(uint8_t sk[32], uint8_t pk[64])
{
    return akira_p256_keypair(AKIRA_P256_LE, sk, pk);
}

akira_err_t ble_crypto_p256_public(const uint8_t sk[32], uint8_t pk[64])
{
    return akira_p256_public(AKIRA_P256_LE, sk, pk);
}

akira_err_t ble_crypto_p256_dhkey(const uint8_t sk[32], const uint8_t peer_pk[64],
                                  uint8_t dhkey[32])
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d, z;
    mbedtls_ecp_point q;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&z);
    mbedtls_ecp_point_init(&q);
    akira_err_t err = AKIRA_EIO;
    uint8_t be[32];
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0) goto out;
    rev(be, peer_pk, 32);
    if (mbedtls_mpi_read_binary(&q.X, be, 32) != 0) goto out;
    rev(be, peer_pk + 32, 32);
    if (mbedtls_mpi_read_binary(&q.Y, be, 32) != 0) goto out;
    if (mbedtls_mpi_lset(&q.Z, 1) != 0) goto out;
    if (mbedtls_ecp_check_pubkey(&grp, &q) != 0) {
        err = AKIRA_EINVAL; /* off the curve: the invalid-curve attack */
        goto out;
    }
    if (scalar_in(&d, sk) != 0) goto out;
    if (mbedtls_ecdh_compute_shared(&grp, &z, &q, &d, rng, NULL) != 0) goto out;
    if (mbedtls_mpi_write_binary(&z, be, 32) != 0) goto out;
    rev(dhkey, be, 32);
    err = AKIRA_OK;
out:
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&z);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    memset(be, 0, sizeof be);
    return err;
}

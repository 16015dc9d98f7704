/* P-256 key pairs over mbedTLS (p256.h). */
#include <stdbool.h>
#include <stddef.h>

#include <mbedtls/ecp.h>
#include <mbedtls/platform_util.h>

#include "akira/random.h"
#include "p256.h"

static int rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    return akira_random_fill(buf, len) == 0 ? 0 : -1;
}

/* n bytes of src to dst, reversed when rev (one byte order to the other). */
static void put(uint8_t *dst, const uint8_t *src, size_t n, bool rev)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = rev ? src[n - 1 - i] : src[i];
}

/* The key pair of secret `in` (in form's order), or of a fresh secret when in is NULL;
 * sk (unless NULL) and pk written in form only when all went well. */
static akira_err_t keys(enum akira_p256_form form, const uint8_t *in, uint8_t *sk, uint8_t *pk)
{
    bool le = form == AKIRA_P256_LE;
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point q;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&q);
    uint8_t be[3][32]; /* d, X, Y, most significant byte first */
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0 && in) {
        put(be[0], in, 32, le);
        rc = mbedtls_mpi_read_binary(&d, be[0], 32);
        if (rc == 0) rc = mbedtls_ecp_mul(&grp, &q, &d, &grp.G, rng, NULL);
    } else if (rc == 0) {
        rc = mbedtls_ecp_gen_keypair(&grp, &d, &q, rng, NULL);
    }
    if (rc == 0) rc = mbedtls_mpi_write_binary(&d, be[0], 32);
    if (rc == 0) rc = mbedtls_mpi_write_binary(&q.X, be[1], 32);
    if (rc == 0) rc = mbedtls_mpi_write_binary(&q.Y, be[2], 32);
    if (rc == 0) {
        uint8_t *xy = pk;
        if (!le) *xy++ = 0x04; /* SEC1: uncompressed */
        if (sk) put(sk, be[0], 32, le);
        put(xy, be[1], 32, le);
        put(xy + 32, be[2], 32, le);
    }
    mbedtls_platform_zeroize(be, sizeof be);
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return rc == 0 ? AKIRA_OK : AKIRA_EIO;
}

akira_err_t akira_p256_keypair(enum akira_p256_form form, uint8_t sk[32], uint8_t *pk)
{
    return keys(form, NULL, sk, pk);
}

akira_err_t akira_p256_public(enum akira_p256_form form, const uint8_t sk[32], uint8_t *pk)
{
    return keys(form, sk, NULL, pk);
}

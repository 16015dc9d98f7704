/*
 * Device identities for TLS (akira/tls.h): an ECDSA P-256 key and a self-signed
 * certificate made with mbedTLS, both DER.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <akira/err.h>
#include <akira/random.h>
#include <akira/tls.h>
#include <akira/walltime.h>

#define DEFAULT_NOT_BEFORE 1735689600 /* 2025-01-01T00:00:00Z */
#define VALID_YEARS        30

static int rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    return akira_random_fill(buf, len) ? MBEDTLS_ERR_ECP_RANDOM_FAILED : 0;
}

/* "YYYYMMDDhhmmss" of a Unix time (UTC), years added. */
static void x509_time(int64_t t, int add_years, char out[16])
{
    struct akira_civil c;
    akira_walltime_civil(t, &c);
    int y = c.year + add_years;
    if (y > 9999) y = 9999;
    /* 29 February of a year that is not a leap year is 1 March. */
    if (add_years && c.month == 2 && c.day == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0))) {
        c.month = 3;
        c.day = 1;
    }
    snprintf(out, 16, "%04d%02u%02u%02u%02u%02u", y % 10000, c.month % 100, c.day % 100,
             c.hour % 100, c.min % 100, c.sec % 100);
}

/* The name's characters that X.509 string syntax would read as structure are dropped. */
static void safe_cn(const char *cn, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = cn; *p && n + 1 < cap; p++)
        if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && !strchr(",=+<>#;\\\"", *p))
            out[n++] = *p;
    out[n] = '\0';
    if (!n) snprintf(out, cap, "akiraos");
}

int akira_tls_identity_make(const char *cn, int64_t not_before_unix, uint8_t *key, size_t key_cap,
                            size_t *key_len, uint8_t *cert, size_t cert_cap, size_t *cert_len)
{
    if (!cn || !key || !cert || !key_len || !cert_len) return AKIRA_EINVAL;
    mbedtls_pk_context pk;
    mbedtls_x509write_cert w;
    mbedtls_mpi serial;
    mbedtls_pk_init(&pk);
    mbedtls_x509write_crt_init(&w);
    mbedtls_mpi_init(&serial);
    int rc = AKIRA_ENOMEM;
    int ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (!ret) ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), rng, NULL);
    if (ret) goto out;

    /* mbedTLS writes DER at the end of the buffer. */
    int n = mbedtls_pk_write_key_der(&pk, key, key_cap);
    if (n <= 0) {
        rc = AKIRA_ERANGE;
        goto out;
    }
    memmove(key, key + key_cap - (size_t)n, (size_t)n);
    *key_len = (size_t)n;

    unsigned char sn[16];
    if (akira_random_fill(sn, sizeof(sn))) goto out;
    sn[0] &= 0x7f; /* a positive serial */
    char name[96], dn[128], from[16], to[16];
    safe_cn(cn, name, sizeof(name));
    snprintf(dn, sizeof(dn), "CN=%s,O=AkiraOS", name);
    int64_t nb = not_before_unix > 0 ? not_before_unix : DEFAULT_NOT_BEFORE;
    x509_time(nb, 0, from);
    x509_time(nb, VALID_YEARS, to);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, &pk);
    mbedtls_x509write_crt_set_issuer_key(&w, &pk);
    ret = mbedtls_mpi_read_binary(&serial, sn, sizeof(sn));
    if (!ret) ret = mbedtls_x509write_crt_set_serial(&w, &serial);
    if (!ret) ret = mbedtls_x509write_crt_set_subject_name(&w, dn);
    if (!ret) ret = mbedtls_x509write_crt_set_issuer_name(&w, dn);
    if (!ret) ret = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (!ret) ret = mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1);
    if (!ret)
        ret = mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
                                                          MBEDTLS_X509_KU_KEY_AGREEMENT);
    if (ret) goto out;
    n = mbedtls_x509write_crt_der(&w, cert, cert_cap, rng, NULL);
    if (n <= 0) {
        rc = n == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL ? AKIRA_ERANGE : AKIRA_EIO;
        goto out;
    }
    memmove(cert, cert + cert_cap - (size_t)n, (size_t)n);
    *cert_len = (size_t)n;
    rc = 0;
out:
    mbedtls_mpi_free(&serial);
    mbedtls_x509write_crt_free(&w);
    mbedtls_pk_free(&pk);
    return rc;
}

bool akira_tls_identity_check(const uint8_t *key, size_t key_len, const uint8_t *cert,
                              size_t cert_len)
{
    mbedtls_pk_context pk;
    mbedtls_x509_crt crt;
    mbedtls_pk_init(&pk);
    mbedtls_x509_crt_init(&crt);
    bool ok = key && cert && mbedtls_x509_crt_parse_der(&crt, cert, cert_len) == 0 &&
              mbedtls_pk_parse_key(&pk, key, key_len, NULL, 0) == 0 &&
              mbedtls_pk_check_pair(&crt.pk, &pk) == 0;
    mbedtls_x509_crt_free(&crt);
    mbedtls_pk_free(&pk);
    return ok;
}

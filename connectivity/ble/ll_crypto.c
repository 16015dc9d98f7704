/*
 * Link-layer encryption (Core spec Vol 6 Part E): the session key SK = e(LTK, SKD) and
 * AES-CCM of data PDUs, with mbedTLS's AES and CCM. The specification writes e() with
 * the most significant octet first; on air (and in these functions' arguments) values
 * are little endian, hence the byte swaps.
 */
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/ccm.h>

#include "ll_pdu.h"

static void swap16(uint8_t out[16], const uint8_t in[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = in[15 - i];
}

int ll_session_key(const uint8_t ltk[16], const uint8_t skdm[8], const uint8_t skds[8],
                   uint8_t sk[16])
{
    uint8_t key[16], skd_le[16], pt[16], ct[16];
    swap16(key, ltk);
    memcpy(skd_le, skdm, 8);
    memcpy(skd_le + 8, skds, 8);
    swap16(pt, skd_le);
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int rc = mbedtls_aes_setkey_enc(&aes, key, 128);
    if (rc == 0) rc = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, pt, ct);
    mbedtls_aes_free(&aes);
    if (rc != 0) return AKIRA_EIO;
    swap16(sk, ct);
    return 0;
}

static void nonce_make(uint8_t nonce[13], uint64_t counter, uint8_t dir, const uint8_t iv[8])
{
    for (int i = 0; i < 5; i++)
        nonce[i] = (uint8_t)(counter >> (8 * i));
    nonce[4] = (uint8_t)((nonce[4] & 0x7F) | (dir ? 0x80 : 0));
    memcpy(nonce + 5, iv, 8);
}

static int ccm_run(const uint8_t sk[16], const uint8_t iv[8], uint64_t counter, uint8_t dir,
                   uint8_t hdr0, uint8_t *payload, size_t len, bool enc)
{
    uint8_t key[16], nonce[13], aad = (uint8_t)(hdr0 & 0xE3);
    swap16(key, sk);
    nonce_make(nonce, counter, dir, iv);
    mbedtls_ccm_context ccm;
    mbedtls_ccm_init(&ccm);
    int rc = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, 128);
    if (rc == 0) {
        if (enc)
            rc = mbedtls_ccm_encrypt_and_tag(&ccm, len, nonce, 13, &aad, 1, payload, payload,
                                             payload + len, 4);
        else
            rc = mbedtls_ccm_auth_decrypt(&ccm, len - 4, nonce, 13, &aad, 1, payload, payload,
                                          payload + len - 4, 4);
    }
    mbedtls_ccm_free(&ccm);
    if (rc == 0) return 0;
    return enc ? AKIRA_EIO : AKIRA_EAUTH;
}

int ll_ccm_encrypt(const uint8_t sk[16], const uint8_t iv[8], uint64_t counter, uint8_t dir,
                   uint8_t hdr0, uint8_t *payload, size_t len)
{
    return ccm_run(sk, iv, counter, dir, hdr0, payload, len, true);
}

int ll_ccm_decrypt(const uint8_t sk[16], const uint8_t iv[8], uint64_t counter, uint8_t dir,
                   uint8_t hdr0, uint8_t *payload, size_t len)
{
    if (len < 4) return AKIRA_EAUTH;
    return ccm_run(sk, iv, counter, dir, hdr0, payload, len, false);
}

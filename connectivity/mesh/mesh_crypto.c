/* AkiraMesh frame protection: ChaCha20-Poly1305 (IETF) from libsodium. The nonce is the
 * sender's id and its frame counter, unique under one key as long as counters never
 * repeat (akira_mesh_config.counter_start). */
#include "mesh_priv.h"
#include "mesh_crypto.h"

#include <sodium.h>

#include <akira/err.h>

int mesh_crypto_init(void)
{
    return sodium_init() < 0 ? AKIRA_ENOTSUP : 0;
}

static void nonce_make(uint8_t nonce[12], uint16_t src, uint32_t counter)
{
    for (int i = 0; i < 12; i++)
        nonce[i] = 0;
    mesh_put16(nonce, src);
    mesh_put32(nonce + 2, counter);
}

void mesh_aead_seal(const uint8_t key[AKIRA_MESH_KEY_LEN], uint16_t src, uint32_t counter,
                    const uint8_t *ad, size_t ad_len, const uint8_t *m, size_t m_len, uint8_t *c)
{
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    nonce_make(nonce, src, counter);
    unsigned long long clen = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(c, &clen, m, m_len, ad, ad_len, NULL, nonce, key);
}

int mesh_aead_open(const uint8_t key[AKIRA_MESH_KEY_LEN], uint16_t src, uint32_t counter,
                   const uint8_t *ad, size_t ad_len, const uint8_t *c, size_t c_len, uint8_t *m)
{
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    nonce_make(nonce, src, counter);
    unsigned long long mlen = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(m, &mlen, NULL, c, c_len, ad, ad_len, nonce,
                                                  key) != 0)
        return AKIRA_EAUTH;
    return (int)mlen;
}

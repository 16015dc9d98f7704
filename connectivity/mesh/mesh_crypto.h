/* AkiraMesh AEAD (mesh_crypto.c): the only file that calls the crypto library. */
#ifndef AKIRA_MESH_CRYPTO_H
#define AKIRA_MESH_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <akira/mesh.h>

/* Writes m_len bytes of ciphertext and the 16-byte tag to c. */
void mesh_aead_seal(const uint8_t key[AKIRA_MESH_KEY_LEN], uint16_t src, uint32_t counter,
                    const uint8_t *ad, size_t ad_len, const uint8_t *m, size_t m_len, uint8_t *c);
/* The plaintext's length, or AKIRA_EAUTH (wrong key, tampered). */
int mesh_aead_open(const uint8_t key[AKIRA_MESH_KEY_LEN], uint16_t src, uint32_t counter,
                   const uint8_t *ad, size_t ad_len, const uint8_t *c, size_t c_len, uint8_t *m);

#endif

/*
 * p256.h - P-256 (secp256r1) key pairs over mbedTLS, for the two places of the
 * connectivity layer that make one: LE Secure Connections pairing (host_crypto.c,
 * ble_crypto_p256_keypair and _public, for host_smp.c) and upstream's
 * crypto_p256_keygen native (src/env_crypto.c). Private to connectivity; built where
 * mbedTLS is (the akira_p256 library).
 */
#ifndef AKIRA_BLE_P256_H
#define AKIRA_BLE_P256_H

#include <stdint.h>

#include "akira/err.h"

/* How the keys are written. */
enum akira_p256_form {
    /* SMP's: sk little endian (32 bytes), pk = X || Y, each little endian (64 bytes) */
    AKIRA_P256_LE,
    /* upstream's env ABI: sk big endian (32 bytes), pk SEC1 uncompressed 0x04 || X || Y,
     * big endian (65 bytes) */
    AKIRA_P256_SEC1,
};

/* A key pair from the platform's CSPRNG (akira_random_fill): AKIRA_OK with sk and pk (64
 * or 65 bytes by form) written, or AKIRA_EIO with neither touched. The secret's copies
 * (the library's and ours) are wiped before it returns. Any thread. */
akira_err_t akira_p256_keypair(enum akira_p256_form form, uint8_t sk[32], uint8_t *pk);
/* The public key of secret key sk (in form's order) into pk, as above: AKIRA_OK, or
 * AKIRA_EIO (the library refused sk or failed) with pk not touched. */
akira_err_t akira_p256_public(enum akira_p256_form form, const uint8_t sk[32], uint8_t *pk);

#endif /* AKIRA_BLE_P256_H */

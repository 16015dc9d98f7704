/*
 * host_crypto.h - the LE Secure Connections crypto toolbox (Core Vol 3 Part H 2.2) and
 * P-256, for the SMP (host_smp.c). Private to connectivity/ble.
 *
 * Every multi-byte argument is little endian, as the SMP PDUs carry it: the functions
 * turn them into the specification's most-significant-octet-first order themselves.
 * All return AKIRA_OK or AKIRA_EIO (the crypto library failed), and ecdh_shared
 * AKIRA_EINVAL for a public key that is not a point on the curve.
 */
#ifndef AKIRA_BLE_HOST_CRYPTO_H
#define AKIRA_BLE_HOST_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "akira/err.h"

/** A fresh P-256 key pair: sk (32 bytes), pk = X || Y (32 bytes each). */
akira_err_t ble_crypto_p256_keypair(uint8_t sk[32], uint8_t pk[64]);
/** The public key of a private key (for the specification's debug key check). */
akira_err_t ble_crypto_p256_public(const uint8_t sk[32], uint8_t pk[64]);
/** DHKey = X coordinate of sk * peer_pk; AKIRA_EINVAL when peer_pk is off the curve. */
akira_err_t ble_crypto_p256_dhkey(const uint8_t sk[32], const uint8_t peer_pk[64],
                                  uint8_t dhkey[32]);

akira_err_t ble_crypto_f4(const uint8_t u[32], const uint8_t v[32], const uint8_t x[16], uint8_t z,
                          uint8_t out[16]);
akira_err_t ble_crypto_f5(const uint8_t w[32], const uint8_t n1[16], const uint8_t n2[16],
                          const uint8_t a1[7], const uint8_t a2[7], uint8_t mackey[16],
                          uint8_t ltk[16]);
akira_err_t ble_crypto_f6(const uint8_t w[16], const uint8_t n1[16], const uint8_t n2[16],
                          const uint8_t r[16], const uint8_t iocap[3], const uint8_t a1[7],
                          const uint8_t a2[7], uint8_t out[16]);
/** The numeric comparison value (already mod 10^6). */
akira_err_t ble_crypto_g2(const uint8_t u[32], const uint8_t v[32], const uint8_t x[16],
                          const uint8_t y[16], uint32_t *val);
/** The random address hash ah(irk, prand) (3 bytes). */
akira_err_t ble_crypto_ah(const uint8_t irk[16], const uint8_t r[3], uint8_t out[3]);
/** Random bytes for nonces, keys and passkeys. */
akira_err_t ble_crypto_random(void *buf, size_t len);

#endif /* AKIRA_BLE_HOST_CRYPTO_H */

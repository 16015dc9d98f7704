/* The crypto of a build without mbedTLS: randomness only; no address resolution. */
#include "akira/random.h"
#include "host_crypto.h"

akira_err_t ble_crypto_random(void *buf, size_t len)
{
    return akira_random_fill(buf, len) == 0 ? AKIRA_OK : AKIRA_EIO;
}

akira_err_t ble_crypto_ah(const uint8_t irk[16], const uint8_t r[3], uint8_t out[3])
{
    (void)irk;
    (void)r;
    (void)out;
    return AKIRA_ENOTSUP;
}

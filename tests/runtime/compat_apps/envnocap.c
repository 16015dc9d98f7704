/* Every mqtt_*, ha_light_* and crypto_* call without the capabilities: upstream's
 * -EPERM (-1) each, logged as `name: value`. */
#include "up_env_conn.h"

#define R(name, expr) printf("%s: %d\n", name, (int)(expr))

static unsigned char a[128], b[128];
static char t[32];

int main(void)
{
    int x = 0;
    R("mqtt_publish", mqtt_publish("out/x", "x", 1, 0, 0));
    R("mqtt_subscribe", mqtt_subscribe("in/x"));
    R("mqtt_poll", mqtt_poll(t, sizeof t, a, sizeof a, 0));
    R("mqtt_connected", mqtt_connected());
    R("ha_light_register", ha_light_register("lamp", "Lamp"));
    R("ha_light_report", ha_light_report("lamp", 1, 1, 1, 1, 1));
    R("ha_light_poll", ha_light_poll("lamp", &x, &x, &x, &x, &x, 0));
    R("crypto_sha256", crypto_sha256(a, 3, b));
    R("crypto_aes256_encrypt", crypto_aes256_encrypt(a, a, a, 16, b));
    R("crypto_aes256_decrypt", crypto_aes256_decrypt(a, a, a, 16, b));
    R("crypto_hmac_sha256", crypto_hmac_sha256(a, 4, a, 4, b));
    R("crypto_random", crypto_random(b, 8));
    R("crypto_ed25519_keygen", crypto_ed25519_keygen(a, b));
    R("crypto_ed25519_sign", crypto_ed25519_sign(a, a, 4, b));
    R("crypto_aes256_ctr", crypto_aes256_ctr(a, a, a, 16, b));
    R("crypto_p256_keygen", crypto_p256_keygen(a, b));
    R("crypto_p256_sign", crypto_p256_sign(a, a, 4, b));
    printf_native("nocap done");
    return 0;
}

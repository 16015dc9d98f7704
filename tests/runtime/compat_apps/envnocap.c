/* Every mqtt_*, ha_light_* and crypto_* call without the capabilities: upstream's
 * -EPERM (-1) each, logged as `name: value`. */
#include "up_env.h"

int mqtt_publish(const char *topic, const void *payload, int len, int qos, int retain);
int mqtt_subscribe(const char *topic);
int mqtt_poll(char *topic, int topic_cap, void *payload, int payload_cap, int timeout_ms);
int mqtt_connected(void);
int ha_light_register(const char *object_id, const char *name);
int ha_light_report(const char *object_id, int on, int brightness, int r, int g, int b);
int ha_light_poll(const char *object_id, int *on, int *brightness, int *r, int *g, int *b,
                  int timeout_ms);
int crypto_sha256(const void *data, u32 len, unsigned char *out);
int crypto_aes256_encrypt(const void *key, const void *iv, const void *in, u32 len, void *out);
int crypto_aes256_decrypt(const void *key, const void *iv, const void *in, u32 len, void *out);
int crypto_hmac_sha256(const void *key, u32 klen, const void *d, u32 len, unsigned char *out);
int crypto_random(void *buf, u32 len);
int crypto_ed25519_keygen(unsigned char *seed, unsigned char *pub);
int crypto_ed25519_sign(const void *seed, const void *msg, u32 len, unsigned char *sig);
int crypto_aes256_ctr(const void *key, const void *nonce, const void *in, u32 len, void *out);
int crypto_p256_keygen(unsigned char *priv, unsigned char *pub);
int crypto_p256_sign(const void *priv, const void *msg, u32 len, unsigned char *sig);

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

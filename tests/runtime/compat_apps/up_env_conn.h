/* Upstream AkiraOS's env imports of MQTT, the Home Assistant light and crypto, declared
 * from the facts in docs/compat.md for the env*.c test apps (upstream's SDK header is
 * not used). */
#ifndef UP_ENV_CONN_H
#define UP_ENV_CONN_H

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

#endif

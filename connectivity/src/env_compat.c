/*
 * The env module of connectivity/ (akira/env_compat.h, docs/compat.md): upstream
 * AkiraOS's mqtt_*, ha_light_* (env_mqtt.c) and crypto_* (env_crypto.c) natives as one
 * bridge module of import module "env", so that they take one place of the bridge's
 * registered table. Each group exists in builds with its libraries (AKIRA_ENV_MQTT:
 * the fleet agent; AKIRA_ENV_CRYPTO: libsodium and mbedTLS); a build without a group
 * does not bind its names, so an app importing one is refused with the import named.
 *
 * A call the app's capabilities do not allow answers upstream's -EPERM (denied_result);
 * capability `mqtt` for mqtt_* and ha_light_*, `crypto` for crypto_*.
 */
#include <akira/env_compat.h>

#include "env_compat_priv.h"

static const struct akira_bridge_entry entries[] = {
#if AKIRA_ENV_MQTT
    /* mqtt_publish($ topic, *~ payload, qos, retain) ... (docs/compat.md) */
    {"mqtt_publish", "(iiiii)i", AKIRA_CAP_MQTT, akira_env_mqtt_publish},
    {"mqtt_subscribe", "(i)i", AKIRA_CAP_MQTT, akira_env_mqtt_subscribe},
    {"mqtt_poll", "(iiiii)i", AKIRA_CAP_MQTT, akira_env_mqtt_poll},
    {"mqtt_connected", "()i", AKIRA_CAP_MQTT, akira_env_mqtt_connected},
    {"ha_light_register", "(ii)i", AKIRA_CAP_MQTT, akira_env_ha_light_register},
    {"ha_light_report", "(iiiiii)i", AKIRA_CAP_MQTT, akira_env_ha_light_report},
    {"ha_light_poll", "(iiiiiii)i", AKIRA_CAP_MQTT, akira_env_ha_light_poll},
#endif
#if AKIRA_ENV_CRYPTO
    {"crypto_sha256", "(iii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_sha256},
    {"crypto_aes256_encrypt", "(iiiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_aes256_encrypt},
    {"crypto_aes256_decrypt", "(iiiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_aes256_decrypt},
    {"crypto_hmac_sha256", "(iiiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_hmac_sha256},
    {"crypto_random", "(ii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_random},
    {"crypto_ed25519_keygen", "(ii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_ed25519_keygen},
    {"crypto_ed25519_sign", "(iiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_ed25519_sign},
    {"crypto_aes256_ctr", "(iiiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_aes256_ctr},
    {"crypto_p256_keygen", "(ii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_p256_keygen},
    {"crypto_p256_sign", "(iiii)i", AKIRA_CAP_CRYPTO, akira_env_crypto_p256_sign},
#endif
};

static void env_app_end(struct akira_app_ctx *app)
{
#if AKIRA_ENV_MQTT
    akira_env_mqtt_app_end(app);
#else
    (void)app;
#endif
}

static const struct akira_bridge_module env_module = {
    .name = "compat_conn",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = env_app_end,
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

int akira_env_compat_register(void)
{
    int rc = 0;
#if AKIRA_ENV_MQTT
    rc = akira_env_mqtt_init();
#endif
#if AKIRA_ENV_CRYPTO
    if (!rc) rc = akira_env_crypto_init();
#endif
    if (!rc) rc = akira_bridge_register(&env_module);
    /* upstream's `mqtt` and `crypto` strings now grant ours */
    if (!rc) akira_compat_caps_serve(akira_bridge_caps_provided() & AKIRA_COMPAT_CAPS_REGISTERED);
    return rc;
}

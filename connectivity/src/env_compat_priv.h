/*
 * Private to the env module of connectivity/ (env_compat.c, env_mqtt.c, env_crypto.c;
 * akira/env_compat.h): its natives and the argument rules of upstream's engine.
 */
#ifndef AKIRA_ENV_COMPAT_PRIV_H
#define AKIRA_ENV_COMPAT_PRIV_H

#include <stdint.h>

#include <akira/bridge.h>
#include <akira/compat.h>

/* The i32 result v (upstream's value) and AW_OK. */
static inline aw_status env_ret(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

/* Our code as upstream's negative errno. */
static inline aw_status env_err(aw_val *io, int32_t akira_rc)
{
    io[0].i32 = akira_rc < 0 ? akira_compat_errno(akira_rc) : akira_rc;
    return AW_OK;
}

/* Upstream's engine traps on a `*`, `~` or `$` argument outside the app's memory;
 * so does this module. */
static inline aw_status env_oob(struct akira_app_ctx *app)
{
    aw_store_set_trap_msg(app->store, "out of bounds memory access (env native argument)");
    return AW_ERR_TRAP;
}

/* Whether [ptr, ptr + len) is inside the app's memory (len 0 always is). */
static inline bool env_in(struct akira_app_ctx *app, uint32_t ptr, uint32_t len)
{
    return len == 0 || akira_bridge_mem(app, ptr, len) != NULL;
}

#if AKIRA_ENV_MQTT
aw_status akira_env_mqtt_publish(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_mqtt_subscribe(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_mqtt_poll(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_mqtt_connected(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_ha_light_register(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_ha_light_report(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_ha_light_poll(struct akira_app_ctx *app, aw_val *io);
void akira_env_mqtt_app_end(struct akira_app_ctx *app);
int akira_env_mqtt_init(void);
#endif

#if AKIRA_ENV_CRYPTO
aw_status akira_env_crypto_sha256(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_aes256_encrypt(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_aes256_decrypt(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_hmac_sha256(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_random(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_ed25519_keygen(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_ed25519_sign(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_aes256_ctr(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_p256_keygen(struct akira_app_ctx *app, aw_val *io);
aw_status akira_env_crypto_p256_sign(struct akira_app_ctx *app, aw_val *io);
int akira_env_crypto_init(void);
#endif

#endif /* AKIRA_ENV_COMPAT_PRIV_H */

/*
 * The firmware-image crypto (struct akira_fw_crypto: SHA-256, Ed25519) on libsodium,
 * for the hosts that have it: native_sim's akira-boot and firmware, the `akira` tool
 * and the tests. An MCU board provides its own struct (docs/boot.md, "Cortex-M").
 */
#ifndef AKIRA_BOOT_CRYPTO_SODIUM_H
#define AKIRA_BOOT_CRYPTO_SODIUM_H

#include <akira/fw_image.h>

/* NULL when libsodium fails to initialise. */
const struct akira_fw_crypto *akira_boot_crypto_sodium(void);

#endif

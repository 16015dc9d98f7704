/*
 * The firmware-image crypto (struct akira_fw_crypto: SHA-256, Ed25519) on libsodium:
 * Debian's on the hosts (native_sim's akira-boot and firmware, the `akira` tool, the
 * tests), and on an MCU the part of Debian's libsodium source the cross tree compiles
 * (cmake/libsodium_mcu.cmake; docs/boot.md, "Cortex-M"), where the signing below does
 * not exist.
 */
#ifndef AKIRA_BOOT_CRYPTO_SODIUM_H
#define AKIRA_BOOT_CRYPTO_SODIUM_H

#include <akira/fw_image.h>

/* NULL when libsodium fails to initialise. */
const struct akira_fw_crypto *akira_boot_crypto_sodium(void);

#include <stddef.h>
#include <stdint.h>

/* What `akira image sign` puts in the header and protected area. */
struct akira_boot_sign_opts {
    struct akira_fw_version ver;
    uint16_t hdr_size; /* >= 32: the payload starts there (zero padding before) */
    uint32_t load_addr;
    bool has_sec_cnt;
    uint32_t sec_cnt;
};

/* Bytes an image of an n-byte payload takes. */
size_t akira_boot_image_size(const struct akira_boot_sign_opts *o, size_t n);

/* Build a signed image of payload[0..n) into out (akira_boot_image_size() bytes): the
 * header, payload, protected TLVs (a counter), then SHA-256, KEYHASH, ED25519 as
 * imgtool writes them. sk is libsodium's 64-byte secret key. AKIRA_OK, AKIRA_EINVAL
 * (sizes), AKIRA_ENOTSUP (libsodium). For the host tool and the tests. */
int akira_boot_image_sign(const uint8_t *payload, size_t n, const struct akira_boot_sign_opts *o,
                          const uint8_t sk[64], uint8_t *out);

#endif

/*
 * The public keys built into the bootloader (and into the firmware's OTA manager, which
 * checks an image with the same keys before it marks it pending). On native_sim the
 * build generates them: the development key build/keys/dev (created once per build
 * tree by `akira keygen`), and every NAME.pub listed in AKIRA_BOOT_EXTRA_KEYS.
 */
#ifndef AKIRA_BOOT_KEYS_H
#define AKIRA_BOOT_KEYS_H

#include <stddef.h>

#include <akira/fw_image.h>

extern const struct akira_fw_key akira_boot_keys[];
extern const size_t akira_boot_keys_count;

#endif

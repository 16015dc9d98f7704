/*
 * The bootloader's logic (MCUboot's model), portable over the flash map: which image
 * to boot, the power-safe swap with scratch, test boot and revert, downgrade
 * prevention. docs/boot.md describes the states and why a power cut anywhere is safe.
 *
 * The board's first stage (native_sim: boards/native_sim/boot, a host program;
 * mps2_an386: boards/mps2_an386/boot, at the reset vector)
 * fills struct akira_boot_cfg, calls akira_boot_run() once per reset and then starts
 * the primary slot's image, or, with no bootable image, runs the recovery console
 * (akira_boot_recovery_*).
 *
 * RAM: one 256-byte copy buffer on the stack plus the image check's; no allocation.
 * Single-threaded: nothing else may touch the slots while it runs.
 */
#ifndef AKIRA_BOOT_H
#define AKIRA_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/flash_map.h>
#include <akira/fw_image.h>

struct akira_boot_cfg {
    struct akira_flash_area primary;   /* image-0, writable */
    struct akira_flash_area secondary; /* image-1, writable */
    struct akira_flash_area scratch;   /* swap buffer and swap status, writable */
    /* Two sectors holding the security counter (end of the bootloader partition). */
    struct akira_flash_area counter;
    const struct akira_fw_crypto *crypto;
    const struct akira_fw_key *keys; /* built into the bootloader */
    size_t nkeys;
    /* One line (no newline) per decision: what was found, what was done. May be NULL. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
};

enum akira_boot_outcome {
    AKIRA_BOOT_PRIMARY = 0, /* boot the primary slot's image */
    AKIRA_BOOT_NO_IMAGE,    /* no valid image: recovery console */
};

struct akira_boot_result {
    enum akira_boot_outcome outcome;
    enum akira_fw_swap_type swap; /* the swap done (or resumed) during this boot */
    bool resumed;                 /* a swap cut by a reset was finished */
    bool test_mode;            /* the primary image runs unconfirmed (reverts unless it confirms) */
    struct akira_fw_info info; /* of the primary image when outcome is PRIMARY */
    uint32_t security_counter; /* the stored counter after this boot */
};

/* Decide and do: resume an interrupted swap, or perform the one the trailers ask for
 * (test, permanent, revert), validate, then report what to boot. Returns AKIRA_OK with
 * *res filled, or an error from the flash (AKIRA_EIO: the caller resets and tries
 * again; the state on flash stays consistent). */
int akira_boot_run(const struct akira_boot_cfg *cfg, struct akira_boot_result *res);

/* The stored security counter (0 when never written). */
int akira_boot_counter_get(const struct akira_boot_cfg *cfg, uint32_t *value);
/* Raise it to `value` (a no-op when not higher). */
int akira_boot_counter_raise(const struct akira_boot_cfg *cfg, uint32_t value);

/* Sectors of the scratch partition reserved for the swap status at its end, for
 * slots of this geometry (the rest is the copy buffer). */
uint32_t akira_boot_status_sectors(const struct akira_boot_cfg *cfg);

/*
 * The board's first stage, around akira_boot_run().
 */
/* Bind primary, secondary, scratch and the counter from the board's flash map on this
 * flash device (akira/board_config.h). cfg's crypto, keys and log are the caller's. */
int akira_boot_cfg_init(struct akira_boot_cfg *cfg, const struct akira_device *flash);
/* A development image (what a flashing tool writes): after akira_boot_run() gave *res,
 * write img into the primary slot, confirmed, when the slot is empty, or when img is a
 * valid image different from the confirmed primary and not older (a rebuild); an image
 * an update swapped in, or a newer one, stays. name: for the log lines. *flashed: run
 * akira_boot_run() again. */
int akira_boot_dev_image(const struct akira_boot_cfg *cfg, const struct akira_boot_result *res,
                         const struct akira_fw_reader *img, const char *name, bool *flashed);

/*
 * Recovery: an image arrives over a serial line into the primary slot. Feed the
 * console's input lines one at a time; each call writes its answer lines through
 * cfg->log. Commands: `help`, `status`, `erase`, `write OFFSET HEX` (up to 256
 * bytes at OFFSET of the image, in order), `boot`
 * (verify; the answer says "ok" and *boot becomes true, or why not).
 */
struct akira_boot_recovery {
    const struct akira_boot_cfg *cfg;
    uint32_t next;    /* bytes received: the next expected offset */
    uint32_t tail_at; /* offset of the write block being filled */
    uint8_t tail[8];
    uint32_t tail_len;
};
void akira_boot_recovery_init(struct akira_boot_recovery *rc, const struct akira_boot_cfg *cfg);
int akira_boot_recovery_line(struct akira_boot_recovery *rc, const char *line, bool *boot);

#endif /* AKIRA_BOOT_H */

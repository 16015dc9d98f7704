/*
 * What every board's first stage does around akira_boot_run() (akira/boot.h): bind
 * the slots of the board's flash map, and play the flashing tool for a development
 * image.
 */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/boot.h>
#include <akira/err.h>

int akira_boot_cfg_init(struct akira_boot_cfg *cfg, const struct akira_device *flash)
{
    int rc = akira_flash_map_init(flash);
    if (!rc) rc = akira_flash_area_open(AKIRA_PART_IMAGE0, true, &cfg->primary);
    if (!rc) rc = akira_flash_area_open(AKIRA_PART_IMAGE1, true, &cfg->secondary);
    if (!rc) rc = akira_flash_area_open(AKIRA_PART_SCRATCH, true, &cfg->scratch);
    /* The counter: the last two sectors of the bootloader partition. */
    if (!rc)
        rc = akira_flash_area_from_range(flash, "boot-counter",
                                         AKIRA_BOARD_PART_BOOTLOADER_OFFSET +
                                             AKIRA_BOARD_PART_BOOTLOADER_SIZE -
                                             2 * AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                         2 * AKIRA_BOARD_FLASH_SECTOR_SIZE, true, &cfg->counter);
    return rc;
}

static void say(const struct akira_boot_cfg *cfg, const char *line)
{
    if (cfg->log) cfg->log(cfg->log_ctx, line);
}

/* Should the image replace the primary's confirmed one? (a development rebuild) */
static bool image_replaces(const struct akira_boot_cfg *cfg, const struct akira_fw_reader *img,
                           const char *name, const struct akira_boot_result *res)
{
    struct akira_fw_info fi;
    const char *why = "";
    if (akira_fw_image_verify(img, cfg->crypto, cfg->keys, cfg->nkeys, &fi, &why)) {
        char line[160];
        snprintf(line, sizeof line, "%s: not flashed: %s", name, why);
        say(cfg, line);
        return false;
    }
    return memcmp(fi.hash, res->info.hash, sizeof fi.hash) != 0 &&
           akira_fw_version_cmp(&fi.hdr.ver, &res->info.hdr.ver) >= 0;
}

/* The flashing: the whole primary slot erased, the image written, marked confirmed. */
static int flash_image(const struct akira_boot_cfg *cfg, const struct akira_fw_reader *img,
                       const char *name)
{
    const struct akira_flash_area *p = &cfg->primary;
    if (img->size > akira_fw_slot_image_max(p)) return AKIRA_ETOOBIG;
    for (uint32_t off = 0; off < p->size; off += p->sector_size) {
        if (akira_flash_area_is_erased(p, off, p->sector_size)) continue;
        int rc = akira_flash_area_erase(p, off, p->sector_size);
        if (rc) return rc;
    }
    uint8_t b[256];
    int rc = AKIRA_OK;
    for (uint32_t off = 0; !rc && off < img->size;) {
        uint32_t n = img->size - off < sizeof b ? img->size - off : (uint32_t)sizeof b;
        rc = img->read(img->ctx, off, b, n);
        uint32_t w = (n + p->write_block_size - 1) / p->write_block_size * p->write_block_size;
        memset(b + n, 0xFF, w - n);
        if (!rc) rc = akira_flash_area_write(p, off, b, w);
        off += n;
    }
    uint8_t one = AKIRA_FW_FLAG_SET;
    if (!rc) rc = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1);
    if (!rc) rc = akira_fw_trailer_write_magic(p, p->size);
    char line[192];
    snprintf(line, sizeof line, "flashed %s into the primary slot (%lu bytes)%s%s", name,
             (unsigned long)img->size, rc ? ": " : "", rc ? akira_err_str(rc) : "");
    say(cfg, line);
    return rc;
}

int akira_boot_dev_image(const struct akira_boot_cfg *cfg, const struct akira_boot_result *res,
                         const struct akira_fw_reader *img, const char *name, bool *flashed)
{
    *flashed = false;
    bool go = res->outcome == AKIRA_BOOT_PRIMARY
                  ? !res->test_mode && res->swap == AKIRA_FW_SWAP_NONE &&
                        image_replaces(cfg, img, name, res)
                  : akira_flash_area_is_erased(&cfg->primary, 0, AKIRA_FW_HEADER_LEN);
    if (!go) return AKIRA_OK;
    int rc = flash_image(cfg, img, name);
    *flashed = rc == AKIRA_OK;
    return rc;
}

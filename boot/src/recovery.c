/*
 * The recovery console's commands (akira/boot.h): an image written over a serial line
 * straight into the primary slot, verified before it may boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/boot.h>
#include <akira/err.h>

#define LINE_BYTES 256u

static void answer(const struct akira_boot_recovery *rc, const char *fmt, const char *arg)
{
    if (!rc->cfg->log) return;
    char line[160];
    snprintf(line, sizeof line, fmt, arg ? arg : "");
    rc->cfg->log(rc->cfg->log_ctx, line);
}

void akira_boot_recovery_init(struct akira_boot_recovery *rc, const struct akira_boot_cfg *cfg)
{
    memset(rc, 0, sizeof *rc);
    rc->cfg = cfg;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Program whole write blocks as they fill; the last, partial one on flush (padded). */
static int put_bytes(struct akira_boot_recovery *rc, const uint8_t *data, uint32_t n, bool flush)
{
    const struct akira_flash_area *p = &rc->cfg->primary;
    uint32_t wb = p->write_block_size;
    for (uint32_t i = 0; i < n || (flush && rc->tail_len); i++) {
        if (i < n) {
            if (rc->tail_len == 0) rc->tail_at = rc->next;
            rc->tail[rc->tail_len++] = data[i];
            rc->next++;
        } else {
            while (rc->tail_len < wb)
                rc->tail[rc->tail_len++] = AKIRA_FLASH_ERASED;
        }
        if (rc->tail_len < wb) continue;
        if (rc->tail_at + wb > akira_fw_slot_image_max(p)) return AKIRA_ETOOBIG;
        int e = akira_flash_area_write(p, rc->tail_at, rc->tail, wb);
        if (e) return e;
        rc->tail_len = 0;
    }
    return AKIRA_OK;
}

int akira_boot_recovery_line(struct akira_boot_recovery *rc, const char *line, bool *boot)
{
    const struct akira_boot_cfg *cfg = rc->cfg;
    const struct akira_flash_area *p = &cfg->primary;
    *boot = false;
    while (*line == ' ')
        line++;
    if (!*line) return AKIRA_OK;
    if (!strcmp(line, "help")) {
        answer(rc, "recovery: commands: status, erase, write OFFSET HEX, boot", NULL);
        return AKIRA_OK;
    }
    if (!strcmp(line, "status")) {
        char b[48];
        snprintf(b, sizeof b, "%lu bytes received", (unsigned long)rc->next);
        answer(rc, "recovery: %s", b);
        return AKIRA_OK;
    }
    if (!strcmp(line, "erase")) {
        for (uint32_t off = 0; off < p->size; off += p->sector_size) {
            int e = akira_flash_area_erase(p, off, p->sector_size);
            if (e) {
                answer(rc, "recovery: erase failed: %s", akira_err_str(e));
                return e;
            }
        }
        rc->next = 0;
        rc->tail_len = 0;
        answer(rc, "recovery: primary slot erased", NULL);
        return AKIRA_OK;
    }
    if (!strncmp(line, "write ", 6)) {
        char *end;
        unsigned long off = strtoul(line + 6, &end, 0);
        uint32_t have = rc->next;
        if (end == line + 6 || *end != ' ' || off != have) {
            char b[32];
            snprintf(b, sizeof b, "%lu", (unsigned long)have);
            answer(rc, "recovery: error: write expects OFFSET %s then hex bytes", b);
            return AKIRA_EINVAL;
        }
        const char *h = end + 1;
        size_t hl = strlen(h);
        uint8_t data[LINE_BYTES];
        if (hl % 2 || hl / 2 > LINE_BYTES) {
            answer(rc, "recovery: error: at most 256 bytes as an even number of hex digits", NULL);
            return AKIRA_EINVAL;
        }
        for (size_t i = 0; i < hl / 2; i++) {
            int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
            if (a < 0 || b < 0) {
                answer(rc, "recovery: error: not hex", NULL);
                return AKIRA_EINVAL;
            }
            data[i] = (uint8_t)(a << 4 | b);
        }
        int e = put_bytes(rc, data, (uint32_t)(hl / 2), false);
        if (e)
            answer(rc, "recovery: error: %s (erase first; the image must fit the slot)",
                   akira_err_str(e));
        return e;
    }
    if (!strcmp(line, "boot")) {
        int e = put_bytes(rc, NULL, 0, true);
        struct akira_fw_reader r;
        struct akira_fw_info info;
        const char *why = akira_err_str(e);
        akira_fw_reader_slot(&r, p);
        if (!e) e = akira_fw_image_verify(&r, cfg->crypto, cfg->keys, cfg->nkeys, &info, &why);
        uint32_t cnt = 0;
        if (!e) e = akira_boot_counter_get(cfg, &cnt);
        if (!e && info.sec_cnt < cnt) {
            why = "security counter below the device's";
            e = AKIRA_ESIG;
        }
        if (e) {
            answer(rc, "recovery: refused: %s", why);
            return e;
        }
        /* Flashed by hand: permanent, as a flashing tool's confirmed image. */
        uint8_t one = AKIRA_FW_FLAG_SET;
        uint32_t tsec = p->size - p->sector_size;
        e = akira_flash_area_is_erased(p, tsec, p->sector_size)
                ? AKIRA_OK
                : akira_flash_area_erase(p, tsec, p->sector_size);
        if (!e) e = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1);
        if (!e) e = akira_fw_trailer_write_magic(p, p->size);
        if (e) {
            answer(rc, "recovery: error: %s", akira_err_str(e));
            return e;
        }
        answer(rc, "recovery: image ok, booting", NULL);
        *boot = true;
        return AKIRA_OK;
    }
    answer(rc, "recovery: unknown command '%s' (help)", line);
    return AKIRA_EINVAL;
}

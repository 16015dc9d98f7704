/*
 * The bootloader's decision and swap (akira/boot.h). docs/boot.md, "Swap", explains the
 * state kept on flash and why every cut resumes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/boot.h>
#include <akira/err.h>

#define COPY_PIECE 256u
#define STATES     3u /* per sector: secondary->scratch, primary->secondary, scratch->primary */

struct geo {
    uint32_t ss;     /* sector size */
    uint32_t wb;     /* write block */
    uint32_t nsec;   /* image sectors per slot (the slot minus its trailer sector) */
    uint32_t st_off; /* start of the status region in scratch */
    uint32_t nbuf;   /* scratch sectors used as copy buffers */
};

static void say(const struct akira_boot_cfg *cfg, const char *fmt, ...)
{
    if (!cfg->log) return;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cfg->log(cfg->log_ctx, line);
}

static const char *type_name(enum akira_fw_swap_type t)
{
    switch (t) {
    case AKIRA_FW_SWAP_TEST: return "test";
    case AKIRA_FW_SWAP_PERM: return "permanent";
    case AKIRA_FW_SWAP_REVERT: return "revert";
    default: return "none";
    }
}

uint32_t akira_boot_status_sectors(const struct akira_boot_cfg *cfg)
{
    uint32_t ss = cfg->primary.sector_size;
    uint32_t nsec = cfg->primary.size / ss - 1;
    uint32_t bytes = nsec * STATES * cfg->scratch.write_block_size + AKIRA_FW_TRAILER_SWAP_SIZE_OFF;
    return (bytes + ss - 1) / ss;
}

static int geo_get(const struct akira_boot_cfg *cfg, struct geo *g)
{
    const struct akira_flash_area *p = &cfg->primary, *s = &cfg->secondary, *x = &cfg->scratch;
    g->ss = p->sector_size;
    g->wb = x->write_block_size;
    if (p->size != s->size || s->sector_size != g->ss || x->sector_size != g->ss ||
        p->size < 2 * g->ss || g->wb > AKIRA_FW_TRAILER_ALIGN || !p->writable || !s->writable ||
        !x->writable)
        return AKIRA_EINVAL;
    g->nsec = p->size / g->ss - 1;
    uint32_t st = akira_boot_status_sectors(cfg);
    if (x->size / g->ss <= st) return AKIRA_EINVAL;
    g->nbuf = x->size / g->ss - st;
    g->st_off = x->size - st * g->ss;
    return AKIRA_OK;
}

/* --- the swap status in scratch ---------------------------------------------------------- */

static uint32_t entry_off(const struct geo *g, uint32_t i, uint32_t k)
{
    return g->st_off + (i * STATES + k) * g->wb;
}

static int entry_done(const struct akira_boot_cfg *cfg, const struct geo *g, uint32_t i, uint32_t k,
                      bool *done)
{
    uint8_t b[AKIRA_FW_TRAILER_ALIGN];
    int rc = akira_flash_area_read(&cfg->scratch, entry_off(g, i, k), b, g->wb);
    if (rc) return rc;
    *done = false;
    for (uint32_t n = 0; n < g->wb; n++)
        if (b[n] != AKIRA_FLASH_ERASED) *done = true;
    return AKIRA_OK;
}

static int entry_set(const struct akira_boot_cfg *cfg, const struct geo *g, uint32_t i, uint32_t k)
{
    uint8_t b[AKIRA_FW_TRAILER_ALIGN];
    memset(b, AKIRA_FLASH_ERASED, sizeof b);
    b[0] = AKIRA_FW_FLAG_SET;
    return akira_flash_area_write(&cfg->scratch, entry_off(g, i, k), b, g->wb);
}

/* Forget the status: make its magic unreadable first, so a cut erase never leaves a
 * valid magic over half-erased entries, then erase the region (magic's sector last). */
static int status_clear(const struct akira_boot_cfg *cfg, const struct geo *g)
{
    const struct akira_flash_area *x = &cfg->scratch;
    if (akira_flash_area_is_erased(x, g->st_off, x->size - g->st_off)) return AKIRA_OK;
    struct akira_fw_trailer t;
    int rc = akira_fw_trailer_read(x, x->size, &t);
    if (rc) return rc;
    if (t.magic) {
        static const uint8_t zero[AKIRA_FW_TRAILER_MAGIC_LEN];
        rc = akira_flash_area_write(x, x->size - AKIRA_FW_TRAILER_MAGIC_OFF, zero, sizeof zero);
        if (rc) return rc;
    }
    for (uint32_t off = g->st_off; off < x->size; off += g->ss) {
        rc = akira_flash_area_erase(x, off, g->ss);
        if (rc) return rc;
    }
    return AKIRA_OK;
}

static int status_start(const struct akira_boot_cfg *cfg, const struct geo *g,
                        enum akira_fw_swap_type type, uint32_t n)
{
    const struct akira_flash_area *x = &cfg->scratch;
    int rc = status_clear(cfg, g);
    uint8_t info = (uint8_t)type,
            sz[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    if (!rc) rc = akira_fw_trailer_write(x, x->size, AKIRA_FW_TRAILER_SWAP_SIZE_OFF, sz, 4);
    if (!rc) rc = akira_fw_trailer_write(x, x->size, AKIRA_FW_TRAILER_SWAP_INFO_OFF, &info, 1);
    if (!rc) rc = akira_fw_trailer_write_magic(x, x->size);
    return rc;
}

/* --- sector moves -------------------------------------------------------------------------- */

static int copy_sector(const struct akira_flash_area *src, uint32_t so,
                       const struct akira_flash_area *dst, uint32_t dof, uint32_t len)
{
    uint8_t b[COPY_PIECE];
    for (uint32_t off = 0; off < len; off += COPY_PIECE) {
        uint32_t n = len - off < COPY_PIECE ? len - off : COPY_PIECE;
        int rc = akira_flash_area_read(src, so + off, b, n);
        if (rc) return rc;
        bool blank = true;
        for (uint32_t i = 0; i < n && blank; i++)
            blank = b[i] == AKIRA_FLASH_ERASED;
        if (blank) continue; /* the destination was just erased */
        rc = akira_flash_area_write(dst, dof + off, b, n);
        if (rc) return rc;
    }
    return AKIRA_OK;
}

static int do_step(const struct akira_boot_cfg *cfg, const struct geo *g, uint32_t i, uint32_t k)
{
    const struct akira_flash_area *p = &cfg->primary, *s = &cfg->secondary, *x = &cfg->scratch;
    uint32_t off = i * g->ss, buf = (i % g->nbuf) * g->ss;
    const struct akira_flash_area *src, *dst;
    uint32_t so, dof;
    switch (k) {
    case 0: src = s, so = off, dst = x, dof = buf; break;
    case 1: src = p, so = off, dst = s, dof = off; break;
    default: src = x, so = buf, dst = p, dof = off; break;
    }
    int rc = akira_flash_area_erase(dst, dof, g->ss);
    if (!rc) rc = copy_sector(src, so, dst, dof, g->ss);
    if (!rc) rc = entry_set(cfg, g, i, k);
    return rc;
}

/* The trailers after a swap: primary says what it now holds, secondary's is gone, then
 * the status. Idempotent: a cut anywhere redoes it from the start. */
static int finalize(const struct akira_boot_cfg *cfg, const struct geo *g,
                    enum akira_fw_swap_type type)
{
    const struct akira_flash_area *p = &cfg->primary, *s = &cfg->secondary;
    uint32_t tsec = p->size - g->ss;
    uint8_t one = AKIRA_FW_FLAG_SET, info = (uint8_t)type;
    int rc = akira_flash_area_erase(p, tsec, g->ss);
    if (!rc) rc = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_SWAP_INFO_OFF, &info, 1);
    if (!rc) rc = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_COPY_DONE_OFF, &one, 1);
    if (!rc && type != AKIRA_FW_SWAP_TEST)
        rc = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1);
    if (!rc) rc = akira_fw_trailer_write_magic(p, p->size);
    if (!rc && !akira_flash_area_is_erased(s, tsec, g->ss))
        rc = akira_flash_area_erase(s, tsec, g->ss);
    if (!rc) rc = status_clear(cfg, g);
    return rc;
}

static int swap_run(const struct akira_boot_cfg *cfg, const struct geo *g,
                    enum akira_fw_swap_type type, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < STATES; k++) {
            bool done;
            int rc = entry_done(cfg, g, i, k, &done);
            if (!rc && !done) rc = do_step(cfg, g, i, k);
            if (rc) return rc;
        }
    }
    return finalize(cfg, g, type);
}

/* --- security counter ---------------------------------------------------------------------- */

#define CNT_ENTRY 8u

static int counter_scan(const struct akira_boot_cfg *cfg, uint32_t *max, uint32_t smax[2],
                        int32_t free_at[2])
{
    const struct akira_flash_area *c = &cfg->counter;
    uint32_t ss = c->sector_size;
    *max = 0;
    for (uint32_t s = 0; s < 2; s++) {
        smax[s] = 0;
        free_at[s] = -1;
        for (uint32_t e = 0; e + CNT_ENTRY <= ss; e += CNT_ENTRY) {
            uint8_t b[CNT_ENTRY];
            int rc = akira_flash_area_read(c, s * ss + e, b, CNT_ENTRY);
            if (rc) return rc;
            uint32_t v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
                         ((uint32_t)b[3] << 24);
            uint32_t nv = (uint32_t)b[4] | ((uint32_t)b[5] << 8) | ((uint32_t)b[6] << 16) |
                          ((uint32_t)b[7] << 24);
            bool blank = v == 0xFFFFFFFFu && nv == 0xFFFFFFFFu;
            if (blank) {
                if (free_at[s] < 0) free_at[s] = (int32_t)e;
                continue;
            }
            free_at[s] = -1; /* only blank entries after the last used one are free */
            if (nv == (uint32_t)~v && v > smax[s]) smax[s] = v;
        }
        if (smax[s] > *max) *max = smax[s];
    }
    return AKIRA_OK;
}

int akira_boot_counter_get(const struct akira_boot_cfg *cfg, uint32_t *value)
{
    uint32_t smax[2];
    int32_t fr[2];
    if (cfg->counter.size < 2 * cfg->counter.sector_size) return AKIRA_EINVAL;
    return counter_scan(cfg, value, smax, fr);
}

int akira_boot_counter_raise(const struct akira_boot_cfg *cfg, uint32_t value)
{
    const struct akira_flash_area *c = &cfg->counter;
    uint32_t max, smax[2];
    int32_t fr[2];
    if (c->size < 2 * c->sector_size) return AKIRA_EINVAL;
    int rc = counter_scan(cfg, &max, smax, fr);
    if (rc || value <= max) return rc;
    uint32_t s = fr[0] >= 0 ? 0 : fr[1] >= 0 ? 1 : (smax[0] <= smax[1] ? 0 : 1);
    if (fr[s] < 0) {
        /* Both full: the value lives on in the other sector while this one is erased. */
        rc = akira_flash_area_erase(c, s * c->sector_size, c->sector_size);
        if (rc) return rc;
        fr[s] = 0;
    }
    uint32_t nv = ~value;
    uint8_t b[CNT_ENTRY] = {(uint8_t)value,         (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                            (uint8_t)(value >> 24), (uint8_t)nv,           (uint8_t)(nv >> 8),
                            (uint8_t)(nv >> 16),    (uint8_t)(nv >> 24)};
    return akira_flash_area_write(c, s * c->sector_size + (uint32_t)fr[s], b, CNT_ENTRY);
}

/* --- the decision ---------------------------------------------------------------------------- */

static uint32_t span_sectors(const struct akira_boot_cfg *cfg, const struct geo *g,
                             const struct akira_flash_area *slot)
{
    struct akira_fw_reader r;
    struct akira_fw_info info;
    akira_fw_reader_slot(&r, slot);
    int rc = akira_fw_image_parse(&r, cfg->crypto, &info, NULL);
    /* A bad hash still has a trustworthy extent; anything else: nothing to keep. */
    if (rc != AKIRA_OK && rc != AKIRA_ESIG) return 0;
    uint32_t n = (info.tlv_end + g->ss - 1) / g->ss;
    return n > g->nsec ? g->nsec : n;
}

static int erase_slot(const struct akira_boot_cfg *cfg, const struct akira_flash_area *slot,
                      const char *name, const char *why)
{
    say(cfg, "boot: %s slot: %s: erased", name, why);
    uint32_t ss = slot->sector_size;
    /* Trailer first: the slot stops being pending before its image goes. */
    for (uint32_t off = slot->size; off > 0; off -= ss) {
        if (akira_flash_area_is_erased(slot, off - ss, ss)) continue;
        int rc = akira_flash_area_erase(slot, off - ss, ss);
        if (rc) return rc;
    }
    return AKIRA_OK;
}

static int verify_slot(const struct akira_boot_cfg *cfg, const struct akira_flash_area *slot,
                       struct akira_fw_info *info, const char **why)
{
    struct akira_fw_reader r;
    akira_fw_reader_slot(&r, slot);
    return akira_fw_image_verify(&r, cfg->crypto, cfg->keys, cfg->nkeys, info, why);
}

/* TEST or PERM asked by the secondary's trailer: is its image acceptable? */
static int upgrade_ok(const struct akira_boot_cfg *cfg, const char **why)
{
    struct akira_fw_info si, pi;
    int rc = verify_slot(cfg, &cfg->secondary, &si, why);
    if (rc == AKIRA_EIO) return rc;
    if (rc) return AKIRA_ESIG;
    uint32_t cnt;
    rc = akira_boot_counter_get(cfg, &cnt);
    if (rc) return rc;
    if (si.sec_cnt < cnt) {
        *why = "security counter below the device's (downgrade refused)";
        return AKIRA_ESIG;
    }
    const char *pw;
    if (verify_slot(cfg, &cfg->primary, &pi, &pw) == AKIRA_OK &&
        akira_fw_version_cmp(&si.hdr.ver, &pi.hdr.ver) < 0) {
        *why = "older version than the primary image (downgrade refused)";
        return AKIRA_ESIG;
    }
    return AKIRA_OK;
}

int akira_boot_run(const struct akira_boot_cfg *cfg, struct akira_boot_result *res)
{
    struct geo g;
    if (!cfg || !res || !cfg->crypto) return AKIRA_EINVAL;
    memset(res, 0, sizeof *res);
    res->swap = AKIRA_FW_SWAP_NONE;
    int rc = geo_get(cfg, &g);
    if (rc) return rc;
    const struct akira_flash_area *p = &cfg->primary, *s = &cfg->secondary, *x = &cfg->scratch;

    struct akira_fw_trailer st;
    rc = akira_fw_trailer_read(x, x->size, &st);
    if (rc) return rc;
    enum akira_fw_swap_type type = (enum akira_fw_swap_type)(st.swap_info & 0x0F);
    if (st.magic &&
        (type == AKIRA_FW_SWAP_TEST || type == AKIRA_FW_SWAP_PERM ||
         type == AKIRA_FW_SWAP_REVERT) &&
        st.swap_size <= g.nsec) {
        say(cfg, "boot: resuming an interrupted %s swap of %u sectors", type_name(type),
            (unsigned)st.swap_size);
        rc = swap_run(cfg, &g, type, st.swap_size);
        if (rc) return rc;
        res->swap = type;
        res->resumed = true;
    } else {
        type = akira_fw_swap_type_get(p, s);
        const char *why = NULL;
        if (type == AKIRA_FW_SWAP_TEST || type == AKIRA_FW_SWAP_PERM) {
            rc = upgrade_ok(cfg, &why);
            if (rc == AKIRA_EIO) return rc;
            if (rc) {
                rc = erase_slot(cfg, s, "secondary", why);
                if (rc) return rc;
                type = AKIRA_FW_SWAP_NONE;
            }
        } else if (type == AKIRA_FW_SWAP_REVERT) {
            struct akira_fw_info si;
            rc = verify_slot(cfg, s, &si, &why);
            if (rc == AKIRA_EIO) return rc;
            if (rc) {
                say(cfg, "boot: cannot revert: secondary slot: %s; keeping the primary image", why);
                uint8_t one = AKIRA_FW_FLAG_SET;
                rc = akira_fw_trailer_write(p, p->size, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1);
                if (!rc) rc = erase_slot(cfg, s, "secondary", why);
                if (rc) return rc;
                type = AKIRA_FW_SWAP_NONE;
            }
        }
        if (type != AKIRA_FW_SWAP_NONE) {
            uint32_t a = span_sectors(cfg, &g, p), b = span_sectors(cfg, &g, s);
            uint32_t n = a > b ? a : b;
            say(cfg, "boot: %s swap of %u sectors", type_name(type), (unsigned)n);
            rc = status_start(cfg, &g, type, n);
            if (!rc) rc = swap_run(cfg, &g, type, n);
            if (rc) return rc;
            res->swap = type;
        } else {
            /* A status region a cut left half-erased: tidy it before it is needed. */
            rc = status_clear(cfg, &g);
            if (rc) return rc;
        }
    }

    const char *why = NULL;
    rc = verify_slot(cfg, p, &res->info, &why);
    if (rc == AKIRA_EIO) return rc;
    uint32_t cnt = 0;
    if (rc == AKIRA_OK) {
        int crc = akira_boot_counter_get(cfg, &cnt);
        if (crc) return crc;
        if (res->info.sec_cnt < cnt) {
            why = "security counter below the device's";
            rc = AKIRA_ESIG;
        }
    }
    if (rc == AKIRA_ENOEXEC && akira_flash_area_is_erased(p, 0, AKIRA_FW_HEADER_LEN)) {
        say(cfg, "boot: primary slot: empty");
        res->outcome = AKIRA_BOOT_NO_IMAGE;
        return AKIRA_OK;
    }
    if (rc) {
        rc = erase_slot(cfg, p, "primary", why);
        if (rc) return rc;
        res->outcome = AKIRA_BOOT_NO_IMAGE;
        return AKIRA_OK;
    }
    res->test_mode = akira_fw_slot_in_test(p);
    if (!res->test_mode && res->info.sec_cnt > cnt) {
        rc = akira_boot_counter_raise(cfg, res->info.sec_cnt);
        if (rc) return rc;
        cnt = res->info.sec_cnt;
    }
    res->security_counter = cnt;
    char v[24];
    akira_fw_version_str(&res->info.hdr.ver, v, sizeof v);
    say(cfg, "boot: primary image %s, key %s%s", v,
        cfg->keys[res->info.key_index].name ? cfg->keys[res->info.key_index].name : "?",
        res->test_mode ? ", test boot (reverts at the next reset unless confirmed)" : "");
    res->outcome = AKIRA_BOOT_PRIMARY;
    return AKIRA_OK;
}

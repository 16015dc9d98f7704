/*
 * The app store (akira/appstore.h): slot table in RAM, mount and repair, streaming
 * install with verification before the commit, uninstall, lookups and the reader.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/package.h>
#include <akira/quota.h>
#include <akira/storage.h>
#include <akira/wasm.h>

#include "akpkg.h"
#include "appstore_slot.h"
#include "crc32.h"

#define NSLOTS AKIRA_BOARD_APP_SLOTS

AKIRA_LOG_MODULE_REGISTER(appstore);

/* STALE: a header whose erase failed (uninstall, or the old copy after an upgrade):
 * hidden, not reusable, its erase retried by the next install or uninstall, so a
 * transient flash error cannot bring a removed version back at the next mount. */
enum slot_state { SLOT_FREE, SLOT_WRITING, SLOT_COMMITTED, SLOT_STALE };

struct slot {
    enum slot_state state;
    struct akira_app_record rec; /* valid when COMMITTED */
};

static struct {
    bool up;
    akira_mutex_t *lock;
    struct akira_flash_area fa;
    uint32_t slot_size;
    uint32_t sector;
    uint32_t next_seq;
    uint32_t gen;           /* bumped by every mount: writers of an older mount are dead */
    uint32_t cursor;        /* where the next free-slot search starts (spreads wear) */
    size_t last_check_peak; /* bytes the last install's module load took at most */
    int corrupt;            /* committed slots the last mount found corrupt */
    struct slot slots[NSLOTS];
} S;

static void lock(void)
{
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
}

static void unlock(void)
{
    akira_mutex_unlock(S.lock);
}

static uint32_t slot_base(uint32_t slot)
{
    return slot * S.slot_size;
}

static uint32_t capacity(void)
{
    return S.slot_size - S.sector;
}

/* Reader over a slot's package bytes, before or after commit (no lock: the slot is
 * reserved by the caller or the lock is held). */
struct slot_reader {
    uint32_t slot;
    uint32_t size;
};

static int slot_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    const struct slot_reader *r = ctx;
    if (offset > r->size || len > r->size - offset) return AKIRA_EINVAL;
    return akira_flash_area_read(&S.fa, slot_base(r->slot) + S.sector + offset, buf, len)
               ? AKIRA_EIO
               : AKIRA_OK;
}

/* Build a record from a committed slot's bytes; AKIRA_OK or why it is not one. */
static int slot_load(uint32_t slot, struct akira_app_record *out)
{
    struct slot_rec r;
    int rc = slot_rec_read(&S.fa, slot_base(slot), &r);
    if (rc) return rc;
    if (r.size == 0 || r.size > capacity()) return AKIRA_ECORRUPT;
    uint32_t tcrc;
    rc = slot_data_check(&S.fa, slot_base(slot), S.sector, r.size, &tcrc);
    if (rc) return rc;
    if (tcrc != r.table_crc) return AKIRA_ECORRUPT;
    struct akira_package pkg;
    struct slot_reader rd = {slot, r.size};
    rc = akira_package_scan(slot_read, &rd, r.size, &pkg, NULL);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->manifest = pkg.manifest;
    out->size = r.size;
    out->slot = slot;
    out->seq = r.seq;
    out->is_signed = (r.flags & SLOT_FLAG_SIGNED) != 0;
    if (out->is_signed) memcpy(out->key_id, pkg.key_id, sizeof out->key_id);
    memcpy(out->key_name, r.key_name, sizeof out->key_name);
    return AKIRA_OK;
}

/* A committed slot whose bytes fail their checks (bit rot, a chip fault): said loudly,
 * with the app's name when the package still gives it, so the user knows what to
 * reinstall. The app is not loaded, so it cannot run; the slot is free for reuse. */
static void report_corrupt(uint32_t slot, int why)
{
    struct slot_rec r;
    struct akira_package pkg;
    const char *name = "(name unreadable)";
    if (slot_rec_read(&S.fa, slot_base(slot), &r) == AKIRA_OK && r.size && r.size <= capacity()) {
        struct slot_reader rd = {slot, r.size};
        if (akira_package_scan(slot_read, &rd, r.size, &pkg, NULL) == AKIRA_OK)
            name = pkg.manifest.name;
    }
    AKIRA_LOG_ERR("slot %" PRIu32 ": app %s is corrupt (%s): not loaded; reinstall it", slot, name,
                  why == AKIRA_ECORRUPT ? "a chunk fails its CRC" : akira_err_str(why));
}

static int slot_erase_header(uint32_t slot)
{
    return akira_flash_area_erase(&S.fa, slot_base(slot), S.sector) ? AKIRA_EIO : AKIRA_OK;
}

/* Under the lock: erase a header, or leave the slot STALE for a retry. */
static int slot_retire(uint32_t slot)
{
    int rc = slot_erase_header(slot);
    S.slots[slot].state = rc ? SLOT_STALE : SLOT_FREE;
    return rc;
}

static void retry_stale(void)
{
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (S.slots[i].state == SLOT_STALE) slot_retire(i);
    }
}

static int mount(const struct akira_flash_area *fa)
{
    uint32_t slot_size = fa->size / NSLOTS / fa->sector_size * fa->sector_size;
    if (!fa->writable || slot_size < 2 * fa->sector_size) return AKIRA_EINVAL;
    if (SLOT_TABLE_OFF + 4u * slot_chunks(slot_size - fa->sector_size, fa->sector_size) >
        fa->sector_size)
        return AKIRA_EINVAL;
    if (fa->sector_size % AKIRA_APPSTORE_WBUF || AKIRA_APPSTORE_WBUF % fa->write_block_size)
        return AKIRA_EINVAL;
    if (!S.lock && akira_mutex_create(&S.lock)) return AKIRA_ENOMEM;
    lock();
    S.up = false;
    S.gen++;
    S.fa = *fa;
    S.slot_size = slot_size;
    S.sector = fa->sector_size;
    S.next_seq = 1;
    S.corrupt = 0;
    int err = AKIRA_OK;
    for (uint32_t i = 0; i < NSLOTS; i++) {
        struct slot *s = &S.slots[i];
        memset(s, 0, sizeof *s);
        int rc = slot_load(i, &s->rec);
        if (rc == AKIRA_OK) {
            s->state = SLOT_COMMITTED;
            if (s->rec.seq >= S.next_seq) S.next_seq = s->rec.seq + 1;
        } else if (rc == AKIRA_EIO) {
            err = rc;
        } else if (rc != AKIRA_ENOENT) {
            report_corrupt(i, rc);
            S.corrupt++;
        }
    }
    /* An upgrade cut between its commit and the erase of the old version: keep the
     * newer, erase the older so that it cannot come back when the newer is removed. */
    for (uint32_t i = 0; i < NSLOTS; i++) {
        for (uint32_t j = 0; j < NSLOTS && S.slots[i].state == SLOT_COMMITTED; j++) {
            struct slot *a = &S.slots[i], *b = &S.slots[j];
            if (i == j || b->state != SLOT_COMMITTED ||
                strcmp(a->rec.manifest.name, b->rec.manifest.name) != 0)
                continue;
            uint32_t older = a->rec.seq < b->rec.seq ? i : j;
            if (slot_retire(older)) err = AKIRA_EIO;
        }
    }
    S.up = err == AKIRA_OK;
    unlock();
    return err;
}

int akira_appstore_init_area(const struct akira_flash_area *fa)
{
    if (!fa) return AKIRA_EINVAL;
    return mount(fa);
}

int akira_appstore_init(void)
{
    struct akira_flash_area fa;
    int rc = akira_flash_area_open(AKIRA_PART_APPSTORE, true, &fa);
    if (rc) return rc;
    return mount(&fa);
}

void akira_appstore_deinit(void)
{
    if (!S.lock) return;
    lock();
    S.up = false;
    S.gen++;
    unlock();
}

int akira_appstore_corrupt_count(void)
{
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int n = S.up ? S.corrupt : AKIRA_ESTATE;
    unlock();
    return n;
}

uint32_t akira_appstore_capacity(void)
{
    if (!S.lock) return 0;
    lock();
    uint32_t c = S.up ? capacity() : 0;
    unlock();
    return c;
}

static int count_installed(void)
{
    int n = 0;
    for (uint32_t i = 0; i < NSLOTS; i++)
        n += S.slots[i].state == SLOT_COMMITTED;
    return n;
}

int akira_appstore_install_begin(struct akira_appstore_writer *w, uint32_t size_hint)
{
    if (!w) return AKIRA_EINVAL;
    memset(w, 0, sizeof *w);
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int rc = AKIRA_OK;
    uint32_t slot = NSLOTS;
    if (!S.up) {
        rc = AKIRA_ESTATE;
    } else if (size_hint > capacity()) {
        rc = AKIRA_ETOOBIG;
    } else {
        retry_stale();
        for (uint32_t k = 0; k < NSLOTS && slot == NSLOTS; k++) {
            uint32_t i = (S.cursor + k) % NSLOTS;
            if (S.slots[i].state == SLOT_FREE) slot = i;
        }
        if (slot == NSLOTS) rc = AKIRA_ENOSPC;
    }
    /* Erasing the header first unmakes any old commit before new data overwrites
     * the chunks it covered. */
    if (!rc) rc = slot_erase_header(slot);
    if (!rc) {
        S.slots[slot].state = SLOT_WRITING;
        S.cursor = (slot + 1) % NSLOTS;
        w->gen_ = S.gen;
        w->slot_ = slot;
        w->size_hint_ = size_hint;
        w->active_ = true;
    }
    unlock();
    return rc;
}

/* Under the lock: is w a live writer of this mount? */
static bool writer_live(const struct akira_appstore_writer *w)
{
    return w && w->active_ && S.up && w->gen_ == S.gen && w->slot_ < NSLOTS &&
           S.slots[w->slot_].state == SLOT_WRITING;
}

static void writer_end(struct akira_appstore_writer *w)
{
    if (writer_live(w)) S.slots[w->slot_].state = SLOT_FREE;
    w->active_ = false;
}

/* Program the buffer (n bytes, padded to the write block with the erased value) at
 * flushed_, erasing each data sector when the writer enters it, and close the chunk
 * when it is complete or `last`. */
static int writer_flush(struct akira_appstore_writer *w, uint32_t n, bool last)
{
    uint32_t base = slot_base(w->slot_);
    uint32_t off = w->flushed_;
    if (n == 0) {
        /* Nothing left to program; close the chunk unless the last flush did. */
        if (!last || off % S.sector == 0) return AKIRA_OK;
    } else if (off % S.sector == 0 &&
               akira_flash_area_erase(&S.fa, base + S.sector + off, S.sector))
        return AKIRA_EIO;
    uint32_t wb = S.fa.write_block_size;
    uint32_t padded = (n + wb - 1) / wb * wb;
    memset(w->buf_ + n, AKIRA_FLASH_ERASED, padded - n);
    if (padded && akira_flash_area_write(&S.fa, base + S.sector + off, w->buf_, padded))
        return AKIRA_EIO;
    w->chunk_crc_ = akira_rt_crc32(w->chunk_crc_, w->buf_, n);
    w->flushed_ += n;
    if (w->flushed_ % S.sector == 0 || last) {
        uint8_t le[4] = {(uint8_t)w->chunk_crc_, (uint8_t)(w->chunk_crc_ >> 8),
                         (uint8_t)(w->chunk_crc_ >> 16), (uint8_t)(w->chunk_crc_ >> 24)};
        uint32_t chunk = (w->flushed_ - 1) / S.sector;
        if (akira_flash_area_write(&S.fa, base + SLOT_TABLE_OFF + 4u * chunk, le, 4))
            return AKIRA_EIO;
        w->chunk_crc_ = 0;
    }
    return AKIRA_OK;
}

static int raw_write(struct akira_appstore_writer *w, const void *buf, size_t len)
{
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int rc = AKIRA_OK;
    if (!writer_live(w)) {
        rc = AKIRA_ESTATE;
        w->active_ = false;
    } else if (len > capacity() - w->written_) {
        rc = AKIRA_ETOOBIG;
    }
    const uint8_t *p = buf;
    while (!rc && len) {
        uint32_t fill = w->written_ - w->flushed_;
        uint32_t k = AKIRA_APPSTORE_WBUF - fill;
        if (k > len) k = (uint32_t)len;
        memcpy(w->buf_ + fill, p, k);
        w->written_ += k;
        p += k;
        len -= k;
        if (fill + k == AKIRA_APPSTORE_WBUF) rc = writer_flush(w, AKIRA_APPSTORE_WBUF, false);
    }
    if (rc && rc != AKIRA_ESTATE) writer_end(w);
    unlock();
    return rc;
}

static int pkg_out(void *ctx, const void *buf, size_t len)
{
    return raw_write(ctx, buf, len);
}

int akira_appstore_install_write(struct akira_appstore_writer *w, const void *buf, size_t len)
{
    if (!w || (!buf && len)) return AKIRA_EINVAL;
    const uint8_t *p = buf;
    /* The first two bytes tell an upstream .akpkg (gzip) from a module. */
    if (w->written_ == 0 && !w->pkg_ && len) {
        if (!w->has_lead_ && len == 1 && p[0] == 0x1F) {
            w->lead_ = p[0];
            w->has_lead_ = true;
            return AKIRA_OK;
        }
        uint8_t b0 = w->has_lead_ ? w->lead_ : p[0];
        uint8_t b1 = w->has_lead_ ? p[0] : p[1];
        if (b0 == 0x1F && b1 == 0x8B) {
            w->pkg_ = akira_akpkg_new(pkg_out, w);
            w->size_hint_ = 0; /* the announced size is the archive's, not the module's */
            if (!w->pkg_) {
                akira_appstore_install_abort(w);
                return akira_akpkg_supported() ? AKIRA_ENOMEM : AKIRA_ENOTSUP;
            }
        }
        if (w->has_lead_) {
            w->has_lead_ = false;
            int rc =
                w->pkg_ ? akira_akpkg_write(w->pkg_, &w->lead_, 1) : raw_write(w, &w->lead_, 1);
            if (rc && !w->pkg_) return rc;
        }
    }
    /* A package's errors wait for finish, which reports them with their reason. */
    if (w->pkg_) {
        (void)akira_akpkg_write(w->pkg_, buf, len);
        return AKIRA_OK;
    }
    return raw_write(w, buf, len);
}

static int efail(struct akira_manifest_error *err, int code, const char *field, const char *why)
{
    if (err) {
        /* Cut to the fields' sizes on purpose. */
        size_t f = strnlen(field, sizeof err->field - 1), r = strnlen(why, sizeof err->reason - 1);
        memcpy(err->field, field, f);
        err->field[f] = '\0';
        memcpy(err->reason, why, r);
        err->reason[r] = '\0';
    }
    return code;
}

/* The engine decodes and validates the module read back from flash, under the same
 * memory bound as a start (the manifest's memory_quota), and every import must be one
 * this firmware binds; the compiled module is dropped at once (the app manager loads it
 * again when it starts). */
static int engine_check(struct slot_reader *rd, const struct akira_manifest *man,
                        struct akira_manifest_error *err)
{
    aw_error e;
    memset(&e, 0, sizeof e);
    struct akira_quota q;
    akira_quota_init(&q, man->memory_quota, NULL);
    aw_config cfg = {
        .realloc = akira_quota_realloc,
        .alloc_ctx = &q,
        .max_memory_pages = man->memory_quota / 65536u,
        .stack_slots = man->stack_size / 8u,
    };
    aw_module *m = aw_module_load(&cfg, slot_read, rd, rd->size, &e);
    S.last_check_peak = akira_quota_peak(&q);
    char why[256]; /* cut to the reason field by efail */
    if (m) {
        int rc = akira_bridge_check_imports(m, why, sizeof why);
        /* A named entry must exist now, not fail later at every start. (Without one,
         * the app manager picks _start or main, or says neither exists.) */
        bool found = !man->entry[0];
        for (uint32_t i = 0; !found && i < aw_module_export_count(m); i++) {
            aw_extern_desc d;
            found = aw_module_export(m, i, &d) && d.kind == AW_EXTERN_FUNC &&
                    strcmp(d.name, man->entry) == 0;
        }
        aw_module_delete(m);
        if (rc) return efail(err, AKIRA_ENOEXEC, "imports", why);
        return found ? AKIRA_OK
                     : efail(err, AKIRA_EFORMAT, "entry", "the module exports no such function");
    }
    if (e.status == AW_ERR_NOMEM && atomic_load(&q.refused) > 0) {
        snprintf(why, sizeof why, "the module needs more than its %u bytes to load",
                 (unsigned)man->memory_quota);
        return efail(err, AKIRA_EQUOTA, "memory_quota", why);
    }
    snprintf(why, sizeof why, "engine refuses it: %s%s%s", e.section, e.section[0] ? ": " : "",
             e.msg[0] ? e.msg : aw_status_str(e.status));
    return efail(err,
                 e.status == AW_ERR_IO      ? AKIRA_EIO
                 : e.status == AW_ERR_NOMEM ? AKIRA_ENOMEM
                                            : AKIRA_ENOEXEC,
                 "module", why);
}

/* Capabilities no API module of this firmware serves would grant nothing: refused. */
static int caps_check(const struct akira_manifest *man, struct akira_manifest_error *err)
{
    akira_caps_t missing = man->caps & ~akira_bridge_caps_provided();
    /* An upstream manifest's rf.transceive and mesh are a board's radio and mesh: on a
     * board without them they grant nothing (the calls are missing imports). */
    if (man->compat) missing &= ~(AKIRA_CAP_RF | AKIRA_CAP_MESH);
    if (!missing) return AKIRA_OK;
    char why[96];
    const char *name = akira_cap_name(missing & (~missing + 1));
    snprintf(why, sizeof why, "'%s' has no API module on this firmware", name ? name : "?");
    return efail(err, AKIRA_ENOTSUP, "capabilities", why);
}

/* Dotted versions compared part by part: leading digits as numbers, then the rest of
 * the part as bytes ("1.10" > "1.9", "2.0b" > "2.0a"); a version with more parts is
 * newer ("1.0.1" > "1.0"). <0, 0, >0. */
static int version_cmp(const char *a, const char *b)
{
    for (;;) {
        if (!*a || !*b) return (*a != 0) - (*b != 0);
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        size_t da = strspn(a, "0123456789"), db = strspn(b, "0123456789");
        if (da > la) da = la;
        if (db > lb) db = lb;
        if (!da != !db) return da ? 1 : -1;
        size_t za = 0, zb = 0; /* leading zeros do not count */
        while (za + 1 < da && a[za] == '0')
            za++;
        while (zb + 1 < db && b[zb] == '0')
            zb++;
        if (da - za != db - zb) return da - za < db - zb ? -1 : 1;
        int c = memcmp(a + za, b + zb, da - za);
        if (c) return c < 0 ? -1 : 1;
        size_t ra = la - da, rb = lb - db;
        c = memcmp(a + da, b + db, ra < rb ? ra : rb);
        if (c) return c < 0 ? -1 : 1;
        if (ra != rb) return ra < rb ? -1 : 1;
        a += la + (a[la] == '.');
        b += lb + (b[lb] == '.');
    }
}

/* An upgrade must come from the installed app's signer, and not go back in version,
 * unless the owner forced it (the writer's flags); a forced one is logged. */
static int upgrade_check(const struct akira_app_record *old, const struct akira_package *pkg,
                         const char *key_name, uint32_t flags, struct akira_manifest_error *err)
{
    char why[256]; /* cut to the reason field by efail */
    bool same_signer = !old->is_signed || (pkg->is_signed && memcmp(old->key_id, pkg->key_id,
                                                                    sizeof old->key_id) == 0);
    if (!same_signer) {
        if (!(flags & AKIRA_APPSTORE_REKEY)) {
            snprintf(why, sizeof why,
                     "%s is signed by key '%s'; this package is %s (owner: --rekey)",
                     old->manifest.name, old->key_name[0] ? old->key_name : "?",
                     pkg->is_signed ? "signed by another key" : "unsigned");
            return efail(err, AKIRA_ESIG, "signature", why);
        }
        AKIRA_LOG_WRN("%s: re-keyed by the owner, signer '%s' -> %s%s", old->manifest.name,
                      old->key_name, pkg->is_signed ? "key " : "unsigned", key_name);
    }
    if (version_cmp(pkg->manifest.version, old->manifest.version) < 0) {
        if (!(flags & AKIRA_APPSTORE_DOWNGRADE)) {
            snprintf(why, sizeof why, "%s is older than the installed %s (owner: --downgrade)",
                     pkg->manifest.version, old->manifest.version);
            return efail(err, AKIRA_EPERM, "version", why);
        }
        AKIRA_LOG_WRN("%s: downgraded by the owner, %s -> %s", old->manifest.name,
                      old->manifest.version, pkg->manifest.version);
    }
    return AKIRA_OK;
}

/* Where the package goes: *old is the slot of the installed version it upgrades
 * (NSLOTS for a new app), which must allow it (upgrade_check); a new app needs a free
 * app place. Under the store's lock. */
static int place_check(const struct akira_package *pkg, const char *key_name, uint32_t flags,
                       uint32_t *old, struct akira_manifest_error *err)
{
    *old = NSLOTS;
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (S.slots[i].state == SLOT_COMMITTED &&
            strcmp(S.slots[i].rec.manifest.name, pkg->manifest.name) == 0)
            *old = i;
    }
    if (*old == NSLOTS && count_installed() >= AKIRA_BOARD_APPS_INSTALLED_MAX)
        return efail(err, AKIRA_ENOSPC, "store", "every app place is taken: uninstall one");
    if (*old != NSLOTS) return upgrade_check(&S.slots[*old].rec, pkg, key_name, flags, err);
    return AKIRA_OK;
}

static int verify_and_commit(struct akira_appstore_writer *w, akira_appstore_commit_fn before,
                             void *before_ctx, struct akira_app_record *out,
                             struct akira_manifest_error *err)
{
    uint32_t slot = w->slot_;
    uint32_t size = w->written_;
    if (size == 0) return efail(err, AKIRA_EFORMAT, "module", "empty upload");
    if (w->size_hint_ && size != w->size_hint_)
        return efail(err, AKIRA_EFORMAT, "module", "size differs from the announced size");
    int rc = writer_flush(w, size - w->flushed_, true);
    if (rc) return efail(err, rc, "store", "flash write failed");
    uint32_t tcrc;
    rc = slot_data_check(&S.fa, slot_base(slot), S.sector, size, &tcrc);
    if (rc) return efail(err, rc, "store", "flash read back differs from what was written");
    struct slot_reader rd = {slot, size};
    struct akira_package pkg;
    rc = akira_package_scan(slot_read, &rd, size, &pkg, err);
    if (rc) return rc;
    rc = caps_check(&pkg.manifest, err);
    if (rc) return rc;
    char key_name[AKIRA_TRUST_KEY_NAME_MAX + 1];
    akira_storage_lock();
    rc = akira_trust_check(akira_storage_settings(), slot_read, &rd, &pkg, key_name, err);
    akira_storage_unlock();
    if (rc) return rc;
    rc = engine_check(&rd, &pkg.manifest, err);
    if (rc) return rc;
    uint32_t old;
    rc = place_check(&pkg, key_name, w->flags_, &old, err);
    if (rc) return rc;
    if (before) {
        /* Only once the upgrade is allowed (a refused one must leave the running old
         * version alone), and without the store's lock: the caller may stop an app
         * whose thread is reading its old version through the store. The store may
         * change meanwhile, so the place is checked again after. */
        unlock();
        rc = before(before_ctx, &pkg.manifest);
        lock();
        if (rc) return efail(err, rc, "store", "refused before the commit");
        if (!writer_live(w)) return efail(err, AKIRA_ESTATE, "store", "store remounted");
        rc = place_check(&pkg, key_name, w->flags_, &old, err);
        if (rc) return rc;
    }

    struct slot_rec r = {.seq = S.next_seq, .size = size, .table_crc = tcrc};
    r.flags = pkg.is_signed ? SLOT_FLAG_SIGNED : 0;
    memcpy(r.key_name, key_name, sizeof r.key_name);
    rc = slot_rec_write(&S.fa, slot_base(slot), &r);
    if (rc) return efail(err, rc, "store", "flash write of the commit record failed");
    /* Read the commit back like the chunks: a record the chip did not program right
     * would report success now and lose the app at the next mount. Unmade on a
     * mismatch, so the next mount cannot find it committed either. */
    struct slot_rec back;
    rc = slot_rec_read(&S.fa, slot_base(slot), &back);
    if (rc != AKIRA_OK || back.seq != r.seq || back.size != r.size ||
        back.table_crc != r.table_crc || back.flags != r.flags) {
        slot_retire(slot);
        return rc == AKIRA_EIO
                   ? efail(err, rc, "store", "flash read back of the commit record failed")
                   : efail(err, AKIRA_ECORRUPT, "store",
                           "flash read back of the commit record differs");
    }
    S.next_seq++;
    struct slot *s = &S.slots[slot];
    memset(&s->rec, 0, sizeof s->rec);
    s->rec.manifest = pkg.manifest;
    s->rec.size = size;
    s->rec.slot = slot;
    s->rec.seq = r.seq;
    s->rec.is_signed = pkg.is_signed;
    if (pkg.is_signed) memcpy(s->rec.key_id, pkg.key_id, sizeof s->rec.key_id);
    memcpy(s->rec.key_name, key_name, sizeof key_name);
    s->state = SLOT_COMMITTED;
    if (old != NSLOTS) {
        /* The new version is committed: from here a cut leaves both, and the next
         * mount keeps the newer. */
        if (slot_retire(old))
            AKIRA_LOG_WRN("slot %" PRIu32 ": old version of %s not erased yet (retried)", old,
                          pkg.manifest.name);
    }
    if (out) *out = s->rec;
    return AKIRA_OK;
}

int akira_appstore_install_finish(struct akira_appstore_writer *w, struct akira_app_record *out,
                                  struct akira_manifest_error *err)
{
    return akira_appstore_install_finish_hook(w, NULL, NULL, out, err);
}

/* The end of an .akpkg: its last bytes and the manifest section. Out of line: its
 * buffer stays off the stack of every other install (the serial worker's is small). */
static __attribute__((noinline)) int pkg_finish(struct akira_appstore_writer *w,
                                                struct akira_manifest_error *err)
{
    char why[128];
    int rc = akira_akpkg_finish(w->pkg_, why, sizeof why);
    if (rc == AKIRA_OK) {
        /* its sig.ed25519 against the trusted keys (as our signature section) */
        akira_storage_lock();
        rc = akira_akpkg_signature(w->pkg_, akira_storage_settings(), why, sizeof why);
        akira_storage_unlock();
    }
    akira_akpkg_free(w->pkg_);
    w->pkg_ = NULL;
    if (rc) {
        akira_appstore_install_abort(w);
        return efail(err, rc, rc == AKIRA_ESIG ? "signature" : "package", why);
    }
    return AKIRA_OK;
}

int akira_appstore_install_finish_hook(struct akira_appstore_writer *w,
                                       akira_appstore_commit_fn before, void *before_ctx,
                                       struct akira_app_record *out,
                                       struct akira_manifest_error *err)
{
    if (err) err->field[0] = err->reason[0] = '\0';
    if (!w) return efail(err, AKIRA_EINVAL, "store", "no writer");
    if (!S.lock) return efail(err, AKIRA_ESTATE, "store", "not mounted");
    if (w->has_lead_) {
        w->has_lead_ = false;
        (void)raw_write(w, &w->lead_, 1);
    }
    if (w->pkg_) {
        int prc = pkg_finish(w, err);
        if (prc) return prc;
    }
    lock();
    int rc;
    if (!writer_live(w)) {
        w->active_ = false;
        rc = efail(err, AKIRA_ESTATE, "store", "no install in progress on this writer");
    } else {
        rc = verify_and_commit(w, before, before_ctx, out, err);
        if (rc == AKIRA_OK) {
            w->active_ = false; /* the slot is committed, not free */
        } else {
            writer_end(w);
        }
    }
    unlock();
    return rc;
}

void akira_appstore_install_abort(struct akira_appstore_writer *w)
{
    if (!w) return;
    akira_akpkg_free(w->pkg_);
    w->pkg_ = NULL;
    w->has_lead_ = false;
    if (!S.lock) return;
    lock();
    writer_end(w);
    unlock();
}

static int find_slot(const char *name)
{
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (S.slots[i].state == SLOT_COMMITTED && strcmp(S.slots[i].rec.manifest.name, name) == 0)
            return (int)i;
    }
    return -1;
}

int akira_appstore_uninstall(const char *name)
{
    if (!name) return AKIRA_EINVAL;
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int rc = AKIRA_OK;
    int i = S.up ? find_slot(name) : -1;
    if (!S.up) {
        rc = AKIRA_ESTATE;
    } else if (i < 0) {
        rc = AKIRA_ENOENT;
    } else {
        retry_stale();
        /* After a failed erase the header may be anything: hidden, and retried. */
        rc = slot_retire((uint32_t)i);
    }
    unlock();
    return rc;
}

int akira_appstore_find(const char *name, struct akira_app_record *out)
{
    if (!name || !out) return AKIRA_EINVAL;
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int rc = AKIRA_ENOENT;
    int i = S.up ? find_slot(name) : -1;
    if (!S.up) {
        rc = AKIRA_ESTATE;
    } else if (i >= 0) {
        *out = S.slots[i].rec;
        rc = AKIRA_OK;
    }
    unlock();
    return rc;
}

int akira_appstore_count(void)
{
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int n = S.up ? count_installed() : AKIRA_ESTATE;
    unlock();
    return n;
}

int akira_appstore_foreach(int (*visit)(void *ctx, const struct akira_app_record *r), void *ctx)
{
    if (!visit) return AKIRA_EINVAL;
    if (!S.lock) return AKIRA_ESTATE;
    /* One record on the stack at a time: the next higher sequence each round, so
     * apps come in install order and visit runs without the lock. */
    struct akira_app_record rec;
    uint32_t last = 0;
    for (;;) {
        lock();
        if (!S.up) {
            unlock();
            return AKIRA_ESTATE;
        }
        int best = -1;
        for (uint32_t i = 0; i < NSLOTS; i++) {
            const struct slot *s = &S.slots[i];
            if (s->state == SLOT_COMMITTED && s->rec.seq > last &&
                (best < 0 || s->rec.seq < S.slots[best].rec.seq))
                best = (int)i;
        }
        if (best >= 0) rec = S.slots[best].rec;
        unlock();
        if (best < 0) return AKIRA_OK;
        last = rec.seq;
        int rc = visit(ctx, &rec);
        if (rc) return rc;
    }
}

int akira_appstore_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    const struct akira_app_record *r = ctx;
    if (!r) return AKIRA_EINVAL;
    struct akira_appstore_ref ref = {r->slot, r->seq};
    return akira_appstore_ref_read(&ref, offset, buf, len);
}

int akira_appstore_ref_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    const struct akira_appstore_ref *r = ctx;
    if (!r || (!buf && len)) return AKIRA_EINVAL;
    if (!S.lock) return AKIRA_ESTATE;
    lock();
    int rc;
    if (!S.up || r->slot >= NSLOTS || S.slots[r->slot].state != SLOT_COMMITTED ||
        S.slots[r->slot].rec.seq != r->seq) {
        rc = AKIRA_ENOENT;
    } else {
        struct slot_reader rd = {r->slot, S.slots[r->slot].rec.size};
        rc = slot_read(&rd, offset, buf, len);
    }
    unlock();
    return rc;
}

const void *akira_appstore_ref_addr(void *ctx, uint32_t offset, uint32_t len)
{
    const struct akira_appstore_ref *r = ctx;
    if (!r || !S.lock) return NULL;
    lock();
    const void *p = NULL;
    if (S.up && r->slot < NSLOTS && S.slots[r->slot].state == SLOT_COMMITTED &&
        S.slots[r->slot].rec.seq == r->seq && offset <= S.slots[r->slot].rec.size &&
        len <= S.slots[r->slot].rec.size - offset)
        p = akira_flash_area_addr(&S.fa, slot_base(r->slot) + S.sector + offset, len);
    unlock();
    return p;
}

void akira_appstore_install_allow(struct akira_appstore_writer *w, uint32_t flags)
{
    if (w) w->flags_ = flags & (AKIRA_APPSTORE_REKEY | AKIRA_APPSTORE_DOWNGRADE);
}

size_t akira_appstore_last_check_peak(void)
{
    if (!S.lock) return 0;
    lock();
    size_t n = S.last_check_peak;
    unlock();
    return n;
}

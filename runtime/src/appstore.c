/*
 * The app store (akira/appstore.h): slot table in RAM, mount and repair, streaming
 * install with verification before the commit, uninstall, lookups and the reader.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/package.h>
#include <akira/storage.h>
#include <akira/wasm.h>

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
    uint32_t gen;    /* bumped by every mount: writers of an older mount are dead */
    uint32_t cursor; /* where the next free-slot search starts (spreads wear) */
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
    memcpy(out->key_name, r.key_name, sizeof out->key_name);
    return AKIRA_OK;
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
            AKIRA_LOG_WRN("slot %" PRIu32 ": committed but unreadable (%s): ignored", i,
                          akira_err_str(rc));
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

int akira_appstore_install_write(struct akira_appstore_writer *w, const void *buf, size_t len)
{
    if (!w || (!buf && len)) return AKIRA_EINVAL;
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

/* The engine decodes and validates the module read back from flash; the compiled
 * module is dropped at once (the app manager loads it again when it starts). */
static int engine_check(struct slot_reader *rd, const struct akira_manifest *man,
                        struct akira_manifest_error *err)
{
    aw_error e;
    memset(&e, 0, sizeof e);
    aw_module *m = aw_module_load(NULL, slot_read, rd, rd->size, &e);
    if (m) {
        /* A named entry must exist now, not fail later at every start. (Without one,
         * the app manager picks _start or main, or says neither exists.) */
        bool found = !man->entry[0];
        for (uint32_t i = 0; !found && i < aw_module_export_count(m); i++) {
            aw_extern_desc d;
            found = aw_module_export(m, i, &d) && d.kind == AW_EXTERN_FUNC &&
                    strcmp(d.name, man->entry) == 0;
        }
        aw_module_delete(m);
        return found ? AKIRA_OK
                     : efail(err, AKIRA_EFORMAT, "entry", "the module exports no such function");
    }
    char why[256]; /* cut to the reason field by efail */
    snprintf(why, sizeof why, "engine refuses it: %s%s%s", e.section, e.section[0] ? ": " : "",
             e.msg[0] ? e.msg : aw_status_str(e.status));
    return efail(err,
                 e.status == AW_ERR_IO      ? AKIRA_EIO
                 : e.status == AW_ERR_NOMEM ? AKIRA_ENOMEM
                                            : AKIRA_ENOEXEC,
                 "module", why);
}

static int verify_and_commit(struct akira_appstore_writer *w, struct akira_app_record *out,
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
    char key_name[AKIRA_TRUST_KEY_NAME_MAX + 1];
    akira_storage_lock();
    rc = akira_trust_check(akira_storage_settings(), slot_read, &rd, &pkg, key_name, err);
    akira_storage_unlock();
    if (rc) return rc;
    rc = engine_check(&rd, &pkg.manifest, err);
    if (rc) return rc;

    uint32_t old = NSLOTS;
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (S.slots[i].state == SLOT_COMMITTED &&
            strcmp(S.slots[i].rec.manifest.name, pkg.manifest.name) == 0)
            old = i;
    }
    if (old == NSLOTS && count_installed() >= AKIRA_BOARD_APPS_INSTALLED_MAX)
        return efail(err, AKIRA_ENOSPC, "store", "every app place is taken: uninstall one");

    struct slot_rec r = {.seq = S.next_seq, .size = size, .table_crc = tcrc};
    r.flags = pkg.is_signed ? SLOT_FLAG_SIGNED : 0;
    memcpy(r.key_name, key_name, sizeof r.key_name);
    rc = slot_rec_write(&S.fa, slot_base(slot), &r);
    if (rc) return efail(err, rc, "store", "flash write of the commit record failed");
    S.next_seq++;
    struct slot *s = &S.slots[slot];
    memset(&s->rec, 0, sizeof s->rec);
    s->rec.manifest = pkg.manifest;
    s->rec.size = size;
    s->rec.slot = slot;
    s->rec.seq = r.seq;
    s->rec.is_signed = pkg.is_signed;
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
    if (err) err->field[0] = err->reason[0] = '\0';
    if (!w) return efail(err, AKIRA_EINVAL, "store", "no writer");
    if (!S.lock) return efail(err, AKIRA_ESTATE, "store", "not mounted");
    lock();
    int rc;
    if (!writer_live(w)) {
        w->active_ = false;
        rc = efail(err, AKIRA_ESTATE, "store", "no install in progress on this writer");
    } else {
        rc = verify_and_commit(w, out, err);
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
    if (!w || !S.lock) return;
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

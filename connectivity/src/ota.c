/*
 * The OTA manager (akira/ota.h): the OTA stream handler writing image-1, the slots'
 * state, confirm/revert/erase, and the test-boot self-test.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/ota.h>
#include <akira/storage.h>
#include <akira/thread.h>
#include <akira/transport.h>
#include <akira/watchdog.h>
#include <akira/work.h>

AKIRA_LOG_MODULE_REGISTER(ota);

#define CHUNK 512u /* RAM of an upload: the bytes gathered for one flash write */

static struct {
    bool up;
    struct akira_ota_config cfg;
    struct akira_flash_area primary, secondary;
    akira_mutex_t *lock; /* progress and the slots' state */
    atomic_bool busy;    /* an upload is open */
    struct akira_ota_progress prog;
} ota;

struct upload {
    uint32_t off;    /* bytes written to flash */
    uint32_t erased; /* sectors below this offset are erased */
    uint32_t max;    /* the slot's image capacity */
    uint32_t fill;   /* bytes in buf */
    uint64_t got;    /* bytes received */
    uint8_t buf[CHUNK];
    char peer[48];
};
static struct upload up;

const char *akira_ota_state_name(enum akira_ota_state s)
{
    static const char *const names[] = {"idle", "receiving", "verifying", "pending", "failed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static void set_state(enum akira_ota_state s, const char *error)
{
    akira_mutex_lock(ota.lock, -1);
    ota.prog.state = s;
    snprintf(ota.prog.error, sizeof ota.prog.error, "%s", error ? error : "");
    akira_mutex_unlock(ota.lock);
}

void akira_ota_progress_get(struct akira_ota_progress *out)
{
    memset(out, 0, sizeof *out);
    if (!ota.up) return;
    akira_mutex_lock(ota.lock, -1);
    *out = ota.prog;
    akira_mutex_unlock(ota.lock);
}

bool akira_ota_ready(void)
{
    return ota.up;
}

static int flush(struct upload *u, bool last)
{
    uint32_t wb = ota.secondary.write_block_size;
    uint32_t n = last ? (u->fill + wb - 1) / wb * wb : u->fill / wb * wb;
    if (!n) return AKIRA_OK;
    if (u->off + n > u->max) return AKIRA_ETOOBIG;
    while (u->erased < u->off + n) {
        uint32_t ss = ota.secondary.sector_size;
        if (!akira_flash_area_is_erased(&ota.secondary, u->erased, ss)) {
            int rc = akira_flash_area_erase(&ota.secondary, u->erased, ss);
            if (rc) return rc;
        }
        u->erased += ss;
    }
    if (n > u->fill) memset(u->buf + u->fill, AKIRA_FLASH_ERASED, n - u->fill);
    int rc = akira_flash_area_write(&ota.secondary, u->off, u->buf, n);
    if (rc) return rc;
    u->off += n;
    u->fill -= n < u->fill ? n : u->fill;
    if (u->fill) memmove(u->buf, u->buf + n, u->fill);
    return AKIRA_OK;
}

static int st_open(void *ctx, const struct akira_transport_stream_info *info, void **stream)
{
    (void)ctx;
    if (!info->authenticated) return AKIRA_EAUTH;
    if (!ota.up) return AKIRA_ESTATE;
    uint32_t max = akira_fw_slot_image_max(&ota.secondary);
    if (info->length != AKIRA_TRANSPORT_LENGTH_UNKNOWN) {
        if (info->length == 0) return AKIRA_EFORMAT;
        if (info->length > max) return AKIRA_ETOOBIG;
    }
    if (akira_fw_slot_in_test(&ota.primary)) return AKIRA_ESTATE;
    bool free_slot = false;
    if (!atomic_compare_exchange_strong(&ota.busy, &free_slot, true)) return AKIRA_EBUSY;
    memset(&up, 0, sizeof up);
    up.max = max;
    snprintf(up.peer, sizeof up.peer, "%s", info->peer ? info->peer : "?");
    /* The trailer first: whatever was pending there is no longer. */
    uint32_t tsec = ota.secondary.size - ota.secondary.sector_size;
    int rc = akira_flash_area_is_erased(&ota.secondary, tsec, ota.secondary.sector_size)
                 ? AKIRA_OK
                 : akira_flash_area_erase(&ota.secondary, tsec, ota.secondary.sector_size);
    if (rc) {
        atomic_store(&ota.busy, false);
        return rc;
    }
    akira_mutex_lock(ota.lock, -1);
    ota.prog.state = AKIRA_OTA_RECEIVING;
    ota.prog.received = 0;
    ota.prog.total = info->length == AKIRA_TRANSPORT_LENGTH_UNKNOWN ? 0 : info->length;
    ota.prog.error[0] = 0;
    akira_mutex_unlock(ota.lock);
    AKIRA_LOG_INF("firmware upload from %s started (%llu bytes)", up.peer,
                  (unsigned long long)ota.prog.total);
    *stream = &up;
    return AKIRA_OK;
}

static int st_write(void *stream, const void *data, size_t len)
{
    struct upload *u = stream;
    const uint8_t *p = data;
    while (len) {
        size_t n = CHUNK - u->fill < len ? CHUNK - u->fill : len;
        memcpy(u->buf + u->fill, p, n);
        /* The header decides early: not an image, or one too large, stops the upload. */
        if (u->off == 0 && u->fill < AKIRA_FW_HEADER_LEN && u->fill + n >= AKIRA_FW_HEADER_LEN) {
            struct akira_fw_header h;
            akira_fw_header_decode(u->buf, &h);
            if (h.magic != AKIRA_FW_IMAGE_MAGIC) return AKIRA_ENOEXEC;
            if ((uint64_t)h.hdr_size + h.img_size + h.protect_tlv_size > u->max)
                return AKIRA_ETOOBIG;
        }
        u->fill += (uint32_t)n;
        p += n;
        len -= n;
        u->got += n;
        if (u->fill == CHUNK) {
            int rc = flush(u, false);
            if (rc) return rc;
        }
    }
    akira_mutex_lock(ota.lock, -1);
    ota.prog.received = u->got;
    akira_mutex_unlock(ota.lock);
    return AKIRA_OK;
}

static int refuse(struct upload *u, int rc, const char *why, char *result, size_t cap)
{
    char line[sizeof ota.prog.error];
    snprintf(line, sizeof line, "%s", why);
    set_state(AKIRA_OTA_FAILED, line);
    if (result && cap) snprintf(result, cap, "%s", why);
    AKIRA_LOG_WRN("firmware upload from %s refused after %llu bytes: %s", u->peer,
                  (unsigned long long)u->got, line);
    atomic_store(&ota.busy, false);
    return rc;
}

static int st_close(void *stream, int status, char *result, size_t cap)
{
    struct upload *u = stream;
    char why[128];
    if (status) {
        const char *what = status == AKIRA_ENOEXEC   ? "not an MCUboot image (no header magic)"
                           : status == AKIRA_ETOOBIG ? "image larger than the secondary slot"
                                                     : akira_err_str(status);
        snprintf(why, sizeof why, "upload stopped after %llu bytes: %s", (unsigned long long)u->got,
                 what);
        return refuse(u, status, why, result, cap);
    }
    int rc = flush(u, true);
    if (rc) {
        snprintf(why, sizeof why, "writing the secondary slot: %s", akira_err_str(rc));
        return refuse(u, rc, why, result, cap);
    }
    set_state(AKIRA_OTA_VERIFYING, NULL);
    struct akira_fw_reader r;
    struct akira_fw_info si, pi;
    const char *w = NULL;
    akira_fw_reader_slot(&r, &ota.secondary);
    r.size = (uint32_t)u->got; /* what arrived: a cut image is "truncated" */
    rc = akira_fw_image_verify(&r, ota.cfg.crypto, ota.cfg.keys, ota.cfg.nkeys, &si, &w);
    if (rc) {
        snprintf(why, sizeof why, "%s", w);
        return refuse(u, rc, why, result, cap);
    }
    if (si.tlv_end != u->got) {
        snprintf(why, sizeof why, "%llu bytes received for an image of %lu",
                 (unsigned long long)u->got, (unsigned long)si.tlv_end);
        return refuse(u, AKIRA_EFORMAT, why, result, cap);
    }
    akira_fw_reader_slot(&r, &ota.primary);
    if (akira_fw_image_verify(&r, ota.cfg.crypto, ota.cfg.keys, ota.cfg.nkeys, &pi, &w) ==
            AKIRA_OK &&
        akira_fw_version_cmp(&si.hdr.ver, &pi.hdr.ver) < 0) {
        char a[24], b[24];
        akira_fw_version_str(&si.hdr.ver, a, sizeof a);
        akira_fw_version_str(&pi.hdr.ver, b, sizeof b);
        snprintf(why, sizeof why, "older version %s than the running %s (downgrade refused)", a, b);
        return refuse(u, AKIRA_EPERM, why, result, cap);
    }
    rc = akira_fw_slot_set_pending(&ota.secondary, false);
    if (rc) {
        snprintf(why, sizeof why, "marking the image pending: %s", akira_err_str(rc));
        return refuse(u, rc, why, result, cap);
    }
    char v[24];
    akira_fw_version_str(&si.hdr.ver, v, sizeof v);
    set_state(AKIRA_OTA_PENDING, NULL);
    if (result && cap) snprintf(result, cap, "%s pending: reboot to run it in test mode", v);
    AKIRA_LOG_INF("firmware %s from %s verified (key %s) and pending: it runs in test mode "
                  "after the next reboot",
                  v, u->peer, ota.cfg.keys[si.key_index].name);
    atomic_store(&ota.busy, false);
    return AKIRA_OK;
}

static const struct akira_transport_handler ota_handler = {st_open, st_write, st_close, NULL};

int akira_ota_init(const struct akira_ota_config *cfg)
{
    if (!cfg || !cfg->crypto || !cfg->keys || ota.up) return AKIRA_EINVAL;
    int rc = akira_flash_area_open(AKIRA_PART_IMAGE0, true, &ota.primary);
    if (!rc) rc = akira_flash_area_open(AKIRA_PART_IMAGE1, true, &ota.secondary);
    if (!rc && !ota.lock) rc = akira_mutex_create(&ota.lock);
    if (rc) return rc;
    ota.cfg = *cfg;
    rc = akira_transport_handler_set(AKIRA_TRANSPORT_KIND_OTA, &ota_handler);
    if (rc) return rc;
    ota.up = true;
    return AKIRA_OK;
}

static struct akira_work selftest_work;

void akira_ota_deinit(void)
{
    if (!ota.up) return;
    akira_work_cancel_sync(&selftest_work);
    akira_transport_handler_clear(AKIRA_TRANSPORT_KIND_OTA);
    ota.up = false;
}

int akira_ota_slot_get(int slot, struct akira_ota_slot *out)
{
    if ((slot != 0 && slot != 1) || !out) return AKIRA_EINVAL;
    if (!ota.up) return AKIRA_ESTATE;
    if (slot == 1 && atomic_load(&ota.busy)) return AKIRA_EBUSY;
    memset(out, 0, sizeof *out);
    const struct akira_flash_area *fa = slot ? &ota.secondary : &ota.primary;
    struct akira_fw_reader r;
    struct akira_fw_info info;
    akira_fw_reader_slot(&r, fa);
    out->status =
        akira_fw_image_verify(&r, ota.cfg.crypto, ota.cfg.keys, ota.cfg.nkeys, &info, &out->why);
    if (out->status == AKIRA_OK || info.hdr.magic == AKIRA_FW_IMAGE_MAGIC) {
        out->ver = info.hdr.ver;
        memcpy(out->hash, info.hash, sizeof out->hash);
        out->size = info.tlv_end;
    }
    if (out->status == AKIRA_OK) out->key = ota.cfg.keys[info.key_index].name;
    struct akira_fw_trailer t;
    int rc = akira_fw_trailer_read(fa, fa->size, &t);
    if (rc) return rc;
    if (slot == 0) {
        out->test = t.magic && t.copy_done && !t.image_ok;
        out->confirmed = out->status == AKIRA_OK && !out->test;
    } else {
        out->pending = t.magic;
    }
    return AKIRA_OK;
}

void akira_ota_describe(char *buf, size_t cap)
{
    struct akira_ota_slot s;
    if (!cap) return;
    buf[0] = 0;
    if (akira_ota_slot_get(0, &s) != AKIRA_OK) return;
    if (s.status) {
        snprintf(buf, cap, "primary slot holds no valid image (not started by a bootloader)");
        return;
    }
    char v[24];
    akira_fw_version_str(&s.ver, v, sizeof v);
    snprintf(buf, cap, "firmware %s, %s", v,
             s.test ? "TEST boot (confirms itself after its self-test)" : "confirmed");
}

int akira_ota_confirm(void)
{
    if (!ota.up) return AKIRA_ESTATE;
    int rc = akira_fw_slot_confirm(&ota.primary);
    if (rc == AKIRA_ESTATE) return AKIRA_OK; /* never swapped in: permanent already */
    if (!rc) AKIRA_LOG_INF("running firmware confirmed");
    return rc;
}

static struct akira_work reboot_work;

static void reboot_fn(struct akira_work *w)
{
    (void)w;
    if (ota.cfg.reboot) ota.cfg.reboot();
}

int akira_ota_reboot(void)
{
    if (!ota.up) return AKIRA_ESTATE;
    if (!ota.cfg.reboot) return AKIRA_ENOTSUP;
    if (akira_work_is_pending(&reboot_work)) return AKIRA_OK;
    akira_work_init(&reboot_work, reboot_fn);
    int rc = akira_work_submit_delayed(NULL, &reboot_work, 200);
    return rc < 0 ? rc : AKIRA_OK;
}

int akira_ota_revert(bool *rebooting)
{
    *rebooting = false;
    if (!ota.up) return AKIRA_ESTATE;
    if (akira_fw_slot_in_test(&ota.primary)) {
        AKIRA_LOG_WRN("revert asked: rebooting; the bootloader restores the previous firmware");
        int rc = akira_ota_reboot();
        *rebooting = rc == AKIRA_OK;
        return rc;
    }
    if (atomic_load(&ota.busy)) return AKIRA_EBUSY;
    struct akira_fw_trailer t;
    int rc = akira_fw_trailer_read(&ota.secondary, ota.secondary.size, &t);
    if (rc) return rc;
    if (!t.magic) return AKIRA_ESTATE;
    uint32_t ss = ota.secondary.sector_size;
    rc = akira_flash_area_erase(&ota.secondary, ota.secondary.size - ss, ss);
    if (!rc) {
        set_state(AKIRA_OTA_IDLE, NULL);
        AKIRA_LOG_INF("pending firmware update cancelled");
    }
    return rc;
}

int akira_ota_erase(void)
{
    if (!ota.up) return AKIRA_ESTATE;
    if (akira_fw_slot_in_test(&ota.primary)) return AKIRA_ESTATE;
    bool free_slot = false;
    if (!atomic_compare_exchange_strong(&ota.busy, &free_slot, true)) return AKIRA_EBUSY;
    int rc = AKIRA_OK;
    uint32_t ss = ota.secondary.sector_size;
    for (uint32_t off = ota.secondary.size; off > 0 && !rc; off -= ss)
        if (!akira_flash_area_is_erased(&ota.secondary, off - ss, ss))
            rc = akira_flash_area_erase(&ota.secondary, off - ss, ss);
    if (!rc) set_state(AKIRA_OTA_IDLE, NULL);
    atomic_store(&ota.busy, false);
    return rc;
}

/* --- the self-test ----------------------------------------------------------------------- */

#define SELFTEST_STEP_MS 500u
#define SELFTEST_WDT_MS  3000u

static struct {
    uint64_t start_ms;
    uint64_t feeds0;
    int channel;
} st;

static void selftest_fail(const char *why)
{
    AKIRA_LOG_ERR("self-test of the new firmware failed: %s; rebooting to revert", why);
    akira_wdt_channel_remove(st.channel);
    if (ota.cfg.reboot) ota.cfg.reboot();
}

static void selftest_fn(struct akira_work *w)
{
    (void)w;
    const char *fault = ota.cfg.selftest_fault;
    if (fault && !strcmp(fault, "hang")) {
        /* A firmware that hangs: its watchdog channel starves, the hardware watchdog
         * stops being fed and resets the device. */
        AKIRA_LOG_WRN("self-test: hanging on purpose (test build)");
        for (;;)
            akira_sleep_ms(1000);
    }
    akira_wdt_feed(st.channel);
    static struct akira_app_info info;
    struct akira_wdt_status ws;
    akira_wdt_status_get(&ws);
    if (fault && !strcmp(fault, "never")) {
        selftest_fail("broken on purpose (test build)");
        return;
    }
    if (!akira_storage_fs() || !akira_storage_settings()) {
        selftest_fail("storage not mounted");
        return;
    }
    if (akira_app_info("", &info) == AKIRA_ESTATE) {
        selftest_fail("app manager not up");
        return;
    }
    if (!ws.running || (ws.hw_attached && !ws.hw_feeding)) {
        selftest_fail("the watchdog is not being fed");
        return;
    }
    if (akira_uptime_ms() - st.start_ms < ota.cfg.selftest_ms) {
        akira_work_submit_delayed(NULL, &selftest_work, SELFTEST_STEP_MS);
        return;
    }
    if (ws.hw_attached && ws.hw_feeds <= st.feeds0) {
        selftest_fail("the hardware watchdog was not fed");
        return;
    }
    akira_wdt_channel_remove(st.channel);
    if (fault && !strcmp(fault, "manual")) {
        /* A build that leaves the confirmation to its user (the dashboard's test). */
        AKIRA_LOG_INF("self-test passed; not confirming itself (test build): confirm it "
                      "by hand");
        return;
    }
    int rc = akira_ota_confirm();
    if (rc) {
        AKIRA_LOG_ERR("self-test passed but confirming failed: %s", akira_err_str(rc));
        return;
    }
    AKIRA_LOG_INF("self-test passed after %u ms (storage, app manager, watchdog): firmware "
                  "confirmed",
                  (unsigned)ota.cfg.selftest_ms);
}

int akira_ota_selftest_start(void)
{
    if (!ota.up) return AKIRA_ESTATE;
    if (!akira_fw_slot_in_test(&ota.primary)) return AKIRA_OK;
    struct akira_wdt_status ws;
    akira_wdt_status_get(&ws);
    st.start_ms = akira_uptime_ms();
    st.feeds0 = ws.hw_feeds;
    int ch = akira_wdt_channel_add("ota-selftest", SELFTEST_WDT_MS, NULL, NULL);
    if (ch < 0) return ch;
    st.channel = ch;
    AKIRA_LOG_WRN("running an unconfirmed firmware (test boot): self-test for %u ms, then it "
                  "confirms itself; a failure or a hang reverts it",
                  (unsigned)ota.cfg.selftest_ms);
    akira_work_init(&selftest_work, selftest_fn);
    int rc = akira_work_submit_delayed(NULL, &selftest_work, SELFTEST_STEP_MS);
    return rc < 0 ? rc : AKIRA_OK;
}

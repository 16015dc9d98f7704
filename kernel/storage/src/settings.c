/*
 * Settings: text keys in namespaces over the kvlog.
 */
#include <akira/settings.h>

#include <akira/err.h>

#include <string.h>

#include "kvlog.h"

#define SETTINGS_MAGIC 0x53544B41u /* "AKTS" */

_Static_assert(sizeof(struct kvlog) <= sizeof(((struct akira_settings *)0)->priv),
               "akira_settings is too small for the log");
_Static_assert(AKIRA_SETTINGS_KEY_MAX <= KVLOG_KEY_MAX &&
                   AKIRA_SETTINGS_VALUE_MAX <= KVLOG_VALUE_MAX,
               "settings limits exceed the log's");

static struct kvlog *log_of(struct akira_settings *st)
{
    return (struct kvlog *)(void *)st->priv;
}

int akira_settings_key_check(const char *key)
{
    if (!key) return AKIRA_EINVAL;
    size_t n = strnlen(key, AKIRA_SETTINGS_KEY_MAX + 1);
    if (n == 0) return AKIRA_EINVAL;
    if (n > AKIRA_SETTINGS_KEY_MAX) return AKIRA_ENAMETOOLONG;
    for (size_t i = 0; i < n; i++) {
        if (key[i] <= ' ' || key[i] > '~') return AKIRA_EINVAL;
        /* No empty segment: "a//b", a leading or trailing '/'. */
        if (key[i] == '/' && (i == 0 || key[i - 1] == '/' || i + 1 == n)) return AKIRA_EINVAL;
    }
    if (strncmp(key, "akira/", 6) == 0) return AKIRA_OK;
    if (strncmp(key, "app/", 4) == 0) {
        /* app/<name>/<something>: the app's name is one segment, then a key. */
        const char *slash = strchr(key + 4, '/');
        if (slash && slash > key + 4) return AKIRA_OK;
    }
    return AKIRA_EINVAL;
}

int akira_settings_mount(struct akira_settings *st, const struct akira_flash_area *fa)
{
    if (!st || !fa) return AKIRA_EINVAL;
    return kvlog_mount(log_of(st), fa, SETTINGS_MAGIC, NULL);
}

int akira_settings_format(struct akira_settings *st)
{
    if (!st) return AKIRA_EINVAL;
    return kvlog_format(log_of(st));
}

int akira_settings_get(struct akira_settings *st, const char *key, void *buf, size_t cap)
{
    int err = akira_settings_key_check(key);
    if (err) return err;
    if (!st || (cap && !buf)) return AKIRA_EINVAL;
    struct kvlog_rec rec;
    err = kvlog_find(log_of(st), key, (uint8_t)strlen(key), &rec);
    if (err) return err;
    if (rec.flags & KVLOG_FLAG_DELETED) return AKIRA_ENOENT;
    if (rec.val_len > cap) return AKIRA_ERANGE;
    err = kvlog_read_value(log_of(st), &rec, buf, rec.val_len);
    return err ? err : (int)rec.val_len;
}

/* True when the newest record of key already says exactly this. */
static bool same_as_stored(struct kvlog *log, const char *key, uint8_t flags, const void *val,
                           size_t len)
{
    struct kvlog_rec rec;
    uint8_t cur[AKIRA_SETTINGS_VALUE_MAX];
    if (kvlog_find(log, key, (uint8_t)strlen(key), &rec) != AKIRA_OK) return false;
    if ((rec.flags & KVLOG_FLAG_DELETED) != (flags & KVLOG_FLAG_DELETED)) return false;
    if (rec.val_len != len) return false;
    if (kvlog_read_value(log, &rec, cur, rec.val_len) != AKIRA_OK) return false;
    return len == 0 || memcmp(cur, val, len) == 0;
}

int akira_settings_set(struct akira_settings *st, const char *key, const void *val, size_t len)
{
    int err = akira_settings_key_check(key);
    if (err) return err;
    if (!st || (len && !val)) return AKIRA_EINVAL;
    if (len > AKIRA_SETTINGS_VALUE_MAX) return AKIRA_ETOOBIG;
    struct kvlog *log = log_of(st);
    if (same_as_stored(log, key, 0, val, len)) return AKIRA_OK;
    return kvlog_append(log, key, (uint8_t)strlen(key), 0, val, (uint16_t)len, NULL);
}

int akira_settings_delete(struct akira_settings *st, const char *key)
{
    int err = akira_settings_key_check(key);
    if (err) return err;
    if (!st) return AKIRA_EINVAL;
    struct kvlog *log = log_of(st);
    struct kvlog_rec rec;
    err = kvlog_find(log, key, (uint8_t)strlen(key), &rec);
    if (err) return err;
    if (rec.flags & KVLOG_FLAG_DELETED) return AKIRA_ENOENT;
    return kvlog_append(log, key, (uint8_t)strlen(key), KVLOG_FLAG_DELETED, NULL, 0, NULL);
}

struct each_ctx {
    struct kvlog *log;
    const char *prefix;
    size_t plen;
    akira_settings_visit_fn fn;
    void *ctx;
    int err;
};

static int each_visit(void *ctx, const struct kvlog_rec *rec)
{
    struct each_ctx *e = ctx;
    if (rec->flags & KVLOG_FLAG_DELETED) return 0;
    if (rec->key_len < e->plen || memcmp(rec->key, e->prefix, e->plen) != 0) return 0;
    /* Report a key once: only at its newest record. */
    struct kvlog_rec cur;
    int err = kvlog_find(e->log, rec->key, rec->key_len, &cur);
    if (err || cur.loc != rec->loc) {
        if (err && err != AKIRA_ENOENT) e->err = err;
        return err && err != AKIRA_ENOENT ? 1 : 0;
    }
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    uint8_t val[AKIRA_SETTINGS_VALUE_MAX];
    memcpy(key, rec->key, rec->key_len);
    key[rec->key_len] = '\0';
    err = kvlog_read_value(e->log, rec, val, rec->val_len);
    if (err) {
        e->err = err;
        return 1;
    }
    return e->fn(e->ctx, key, val, rec->val_len);
}

int akira_settings_foreach(struct akira_settings *st, const char *prefix,
                           akira_settings_visit_fn fn, void *ctx)
{
    if (!st || !fn) return AKIRA_EINVAL;
    if (!prefix) prefix = "";
    struct each_ctx e = {log_of(st), prefix, strlen(prefix), fn, ctx, 0};
    int r = kvlog_walk(e.log, each_visit, &e);
    return e.err ? e.err : r;
}

uint64_t akira_settings_gc_count(const struct akira_settings *st)
{
    return ((const struct kvlog *)(const void *)st->priv)->gc_count;
}

uint32_t akira_settings_record_cost(const struct akira_settings *st, size_t key_len, size_t val_len)
{
    uint32_t wbs = ((const struct kvlog *)(const void *)st->priv)->fa.write_block_size;
    if (wbs == 0) wbs = 1;
    return (uint32_t)((KVLOG_HDR_SIZE + key_len + val_len + wbs - 1) / wbs * wbs);
}

uint64_t akira_settings_wear(const struct akira_settings *st)
{
    return st ? ((const struct kvlog *)(const void *)st->priv)->programmed : 0;
}

/* Trusted signing keys and the unsigned-app switch in settings (akira/trust.h). */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/trust.h>

#ifndef AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT
#error "the board config must say whether unsigned apps are allowed by default"
#endif

static int key_path(const char *name, char *path, size_t cap)
{
    if (!name) return AKIRA_EINVAL;
    size_t n = strlen(name);
    if (n == 0 || n > AKIRA_TRUST_KEY_NAME_MAX) return AKIRA_EINVAL;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return AKIRA_EINVAL;
    }
    snprintf(path, cap, "%s%s", AKIRA_TRUST_KEY_PREFIX, name);
    return AKIRA_OK;
}

#define PATH_CAP (sizeof AKIRA_TRUST_KEY_PREFIX + AKIRA_TRUST_KEY_NAME_MAX)
_Static_assert(PATH_CAP - 1 <= AKIRA_SETTINGS_KEY_MAX, "key paths fit a settings key");

int akira_trust_key_add(struct akira_settings *st, const char *name,
                        const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    char path[PATH_CAP];
    int rc = key_path(name, path, sizeof path);
    if (rc) return rc;
    if (!st || !pub) return AKIRA_EINVAL;
    uint8_t old[AKIRA_PKG_PUBKEY_LEN];
    int n = akira_settings_get(st, path, old, sizeof old);
    if (n == (int)AKIRA_PKG_PUBKEY_LEN && memcmp(old, pub, sizeof old) == 0) return AKIRA_OK;
    if (n >= 0 || n == AKIRA_ERANGE) return AKIRA_EEXIST;
    if (n != AKIRA_ENOENT) return n;
    return akira_settings_set(st, path, pub, AKIRA_PKG_PUBKEY_LEN);
}

int akira_trust_key_remove(struct akira_settings *st, const char *name)
{
    char path[PATH_CAP];
    int rc = key_path(name, path, sizeof path);
    if (rc) return rc;
    if (!st) return AKIRA_ENOENT;
    return akira_settings_delete(st, path);
}

struct each {
    akira_trust_visit_fn visit;
    void *ctx;
};

static int each_key(void *ctx, const char *key, const void *val, size_t len)
{
    struct each *e = ctx;
    if (len != AKIRA_PKG_PUBKEY_LEN) return 0;
    return e->visit(e->ctx, key + strlen(AKIRA_TRUST_KEY_PREFIX), val);
}

int akira_trust_key_foreach(struct akira_settings *st, akira_trust_visit_fn visit, void *ctx)
{
    if (!visit) return AKIRA_EINVAL;
    if (!st) return AKIRA_OK;
    struct each e = {visit, ctx};
    return akira_settings_foreach(st, AKIRA_TRUST_KEY_PREFIX, each_key, &e);
}

struct find {
    const uint8_t *id;
    char *name;
    uint8_t *pub;
};

static int find_key(void *ctx, const char *name, const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    struct find *f = ctx;
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    if (akira_package_key_id(pub, id) != AKIRA_OK || memcmp(id, f->id, sizeof id) != 0) return 0;
    snprintf(f->name, AKIRA_TRUST_KEY_NAME_MAX + 1, "%s", name);
    memcpy(f->pub, pub, AKIRA_PKG_PUBKEY_LEN);
    return 1;
}

int akira_trust_key_find(struct akira_settings *st, const uint8_t id[AKIRA_PKG_KEY_ID_LEN],
                         char *name, uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    if (!id || !name || !pub) return AKIRA_EINVAL;
    struct find f = {id, name, pub};
    int rc = akira_trust_key_foreach(st, find_key, &f);
    if (rc == 1) return AKIRA_OK;
    return rc < 0 ? rc : AKIRA_ENOENT;
}

bool akira_trust_allow_unsigned(struct akira_settings *st)
{
    char v[8];
    if (!st) return AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT != 0;
    int n = akira_settings_get(st, AKIRA_TRUST_ALLOW_UNSIGNED, v, sizeof v - 1);
    /* Only an absent value means the board default. Anything else that is not one of
     * the allow words (a long value, a read error, "maybe") refuses: fail closed. */
    if (n == AKIRA_ENOENT) return AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT != 0;
    if (n < 0) return false;
    v[n] = '\0';
    return !strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "allow");
}

int akira_trust_set_allow_unsigned(struct akira_settings *st, bool allow)
{
    if (!st) return AKIRA_EINVAL;
    return akira_settings_set(st, AKIRA_TRUST_ALLOW_UNSIGNED, allow ? "1" : "0", 1);
}

static int refuse(struct akira_manifest_error *err, const char *why)
{
    if (err) {
        snprintf(err->field, sizeof err->field, "signature");
        snprintf(err->reason, sizeof err->reason, "%s", why);
    }
    return AKIRA_ESIG;
}

int akira_trust_check(struct akira_settings *st, aw_read_fn read, void *ctx,
                      const struct akira_package *pkg, char *key_name,
                      struct akira_manifest_error *err)
{
    if (!pkg || !key_name) return AKIRA_EINVAL;
    key_name[0] = '\0';
    if (!pkg->is_signed) {
        if (akira_trust_allow_unsigned(st)) return AKIRA_OK;
        return refuse(err, "unsigned, and " AKIRA_TRUST_ALLOW_UNSIGNED " is off");
    }
    if (!akira_package_sig_supported())
        return refuse(err, "signed, and this firmware cannot check signatures (built without an "
                           "Ed25519 library)");
    char name[AKIRA_TRUST_KEY_NAME_MAX + 1];
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN];
    int rc = akira_trust_key_find(st, pkg->key_id, name, pub);
    if (rc == AKIRA_ENOENT) {
        char why[64];
        snprintf(why, sizeof why, "signed by an unknown key (id %02x%02x%02x%02x%02x%02x%02x%02x)",
                 pkg->key_id[0], pkg->key_id[1], pkg->key_id[2], pkg->key_id[3], pkg->key_id[4],
                 pkg->key_id[5], pkg->key_id[6], pkg->key_id[7]);
        return refuse(err, why);
    }
    if (rc) return rc;
    rc = akira_package_verify(read, ctx, pkg, pub);
    if (rc == AKIRA_ESIG) return refuse(err, "does not match the bytes (tampered or forged)");
    if (rc) return rc;
    snprintf(key_name, AKIRA_TRUST_KEY_NAME_MAX + 1, "%s", name);
    return AKIRA_OK;
}

int akira_trust_pub_from_hex(const char *hex, uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    if (!hex || !pub || strlen(hex) != 2 * AKIRA_PKG_PUBKEY_LEN) return AKIRA_EFORMAT;
    for (size_t i = 0; i < 2 * AKIRA_PKG_PUBKEY_LEN; i++) {
        char c = hex[i];
        int v;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        } else {
            return AKIRA_EFORMAT;
        }
        if (i % 2 == 0) {
            pub[i / 2] = (uint8_t)(v << 4);
        } else {
            pub[i / 2] |= (uint8_t)v;
        }
    }
    return AKIRA_OK;
}

void akira_trust_pub_to_hex(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN], char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < AKIRA_PKG_PUBKEY_LEN; i++) {
        hex[2 * i] = digits[pub[i] >> 4];
        hex[2 * i + 1] = digits[pub[i] & 0xF];
    }
    hex[2 * AKIRA_PKG_PUBKEY_LEN] = '\0';
}

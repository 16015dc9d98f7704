/*
 * Settings: a persistent key/value store on the "settings" partition, in the manner of
 * Zephyr's NVS (append-only records with a CRC, garbage collection by sector rotation
 * with one spare sector, so wear is spread evenly over the partition's sectors).
 *
 * Keys are namespaced text: "akira/<...>" for the system, "app/<name>/<...>" for an
 * app. A key is 1..AKIRA_SETTINGS_KEY_MAX printable ASCII bytes without spaces, and
 * has no empty path segment. Values are 0..AKIRA_SETTINGS_VALUE_MAX bytes of anything.
 *
 * Guarantee: a set or delete that returned AKIRA_OK survives any later power cut; a
 * set or delete cut by a power loss leaves either the old or the new value, never
 * anything else; the store always mounts (corrupt records and garbage sectors are
 * skipped). The format and argument are in docs/storage.md.
 *
 * Calls block on flash I/O and are not thread-safe on one store: callers serialise
 * (the shell and the runtime use one store from one thread at a time).
 * Errors: AKIRA_EINVAL (bad key: namespace, characters), AKIRA_ENAMETOOLONG (key too
 * long), AKIRA_ETOOBIG (value too long), AKIRA_ENOENT (no such key), AKIRA_ENOSPC
 * (live data fills the partition), AKIRA_ERANGE (get: buffer too small),
 * AKIRA_EIO (flash).
 */
#ifndef AKIRA_SETTINGS_H
#define AKIRA_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include <akira/flash_map.h>

#define AKIRA_SETTINGS_KEY_MAX   64
#define AKIRA_SETTINGS_VALUE_MAX 1024

struct akira_settings {
    /* Private: the log (kernel/storage/src/kvlog.h), sized for KVLOG_MAX_SECTORS. */
    _Alignas(8) unsigned char priv[640];
};

/* Mount the store on a writable area (normally the "settings" partition; 3 to 64
 * sectors). Formats an area holding no store. */
int akira_settings_mount(struct akira_settings *st, const struct akira_flash_area *fa);

/* Erase everything and start empty. */
int akira_settings_format(struct akira_settings *st);

/* Store `len` bytes under key. Writing the value already stored costs no flash write. */
int akira_settings_set(struct akira_settings *st, const char *key, const void *val, size_t len);

/* Copy the value into buf (cap bytes). Returns the value's length (>= 0) or an error;
 * AKIRA_ERANGE when cap is too small (nothing is copied). */
int akira_settings_get(struct akira_settings *st, const char *key, void *buf, size_t cap);

/* Remove key. AKIRA_ENOENT when it did not exist. */
int akira_settings_delete(struct akira_settings *st, const char *key);

/* Call fn for every stored key starting with prefix ("" for all), in no particular
 * order, with the value's bytes. fn returns nonzero to stop (that value is returned).
 * O(records^2) flash reads: meant for listings, not hot paths. */
typedef int (*akira_settings_visit_fn)(void *ctx, const char *key, const void *val, size_t len);
int akira_settings_foreach(struct akira_settings *st, const char *prefix,
                           akira_settings_visit_fn fn, void *ctx);

/* Check a key's form without storing anything (AKIRA_OK, EINVAL, ENAMETOOLONG). */
int akira_settings_key_check(const char *key);

/* Garbage collections (sector rotations) since mount: for tests and benchmarks. */
uint64_t akira_settings_gc_count(const struct akira_settings *st);

/* Flash bytes a record of a key and a value of these lengths takes (header, key and
 * value padded to the write block): what a key is charged against a share. */
uint32_t akira_settings_record_cost(const struct akira_settings *st, size_t key_len,
                                    size_t val_len);

/* Bytes programmed since mount (records, the copies garbage collection makes, sector
 * headers): erases follow at one per sector size of it. The wear figure for write
 * budgets. */
uint64_t akira_settings_wear(const struct akira_settings *st);

#endif /* AKIRA_SETTINGS_H */

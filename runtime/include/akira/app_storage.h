/*
 * An app's own storage (API module "storage", runtime/api/storage.c; the WASM side is
 * sdk/include/akira/storage.h): its files in the file system under /apps/<name>
 * (akira_fs_app_view: a bounded number of files and directories, charged their real
 * flash cost against a quota) and its own settings keys under app/<name>/ (a bounded
 * number of keys, values up to AKIRA_APP_SETTINGS_VALUE_MAX bytes, their records'
 * flash bytes bounded in all, so one app cannot fill the settings partition the
 * system's trust keys live in). Every call that programs the flash is charged to the
 * app's write budget (a token bucket): past it, AKIRA_EAGAIN. The limits come from the
 * manifest within the board's bounds (akira_app_storage_limits()).
 *
 * Paths from an app are relative to its directory: 1..AKIRA_APP_PATH_MAX bytes of
 * printable ASCII in components of 1..AKIRA_FS_NAME_MAX bytes joined by '/'. An
 * absolute path, an empty component, "." or ".." and a backslash are refused with
 * AKIRA_EINVAL, an overlong path or component with AKIRA_ENAMETOOLONG, before the file
 * system sees them: no path leaves the app's directory.
 *
 * Handles: at most AKIRA_APP_FILES_MAX files open per app (and the volume's
 * AKIRA_FS_OPEN_MAX in all, AKIRA_EBUSY past it); every handle an app leaves open is
 * closed (synced) when its instance ends.
 *
 * Data lifetime: an upgrade keeps the app's files and keys (the store does not touch
 * them); uninstall removes them with akira_app_storage_remove() below.
 *
 * Threads: module calls run on the app's thread and take the storage lock around each
 * file-system or settings operation (akira/storage.h); they block only on flash I/O.
 */
#ifndef AKIRA_APP_STORAGE_H
#define AKIRA_APP_STORAGE_H

#include <stdint.h>

#include <akira/fs.h>

#define AKIRA_APP_FILES_MAX          4u   /* open files per app */
#define AKIRA_APP_PATH_MAX           128u /* bytes in a path from an app */
#define AKIRA_APP_SETTINGS_VALUE_MAX 256u

struct akira_manifest;

/* What one app may hold and spend. */
struct akira_app_storage_limits {
    uint32_t files;          /* files + directories (manifest storage_files) */
    uint32_t fs_quota;       /* flash bytes of its files (AKIRA_BOARD_APP_FS_QUOTA) */
    uint32_t keys;           /* settings keys (manifest settings_keys) */
    uint32_t settings_bytes; /* flash bytes of their records (AKIRA_BOARD_APP_SETTINGS_BYTES) */
    uint32_t rate;           /* write budget, wear-weighted bytes per second */
    uint32_t burst;          /* most the budget holds */
};

/* The limits for manifest m (NULL: the board's defaults). Any thread. */
void akira_app_storage_limits(const struct akira_manifest *m, struct akira_app_storage_limits *out);

/* What app `name` holds and has worn, for `app info` and `fs df`. */
struct akira_app_storage_stats {
    struct akira_app_storage_limits limits;
    uint32_t files;          /* files + directories under /apps/<name> */
    uint32_t fs_bytes;       /* sum of its files' sizes */
    uint32_t fs_charged;     /* what its quota counts */
    uint32_t keys;           /* settings keys */
    uint32_t settings_bytes; /* flash bytes of their records */
    int64_t budget;          /* what the write budget holds now (< 0: in debt) */
    uint64_t wear;           /* wear-weighted bytes charged since boot */
    uint64_t denied;         /* calls refused by the budget since boot */
};

/* Fills *out for app `name` with the limits of manifest m (NULL: defaults). 0,
 * AKIRA_EINVAL (bad name); storage that is down counts as empty. Takes the storage
 * lock. */
int akira_app_storage_stats(const char *name, const struct akira_manifest *m,
                            struct akira_app_storage_stats *out);

/*
 * Remove everything app `name` stored: every file and directory under /apps/<name>
 * and every settings key under app/<name>/. For uninstall; the app must not be
 * running. 0 (also when it stored nothing), AKIRA_EINVAL (bad name), AKIRA_ENODEV
 * (storage not up), or the file system's / settings' error (what was removed before
 * it stays removed; calling again finishes the job). Takes the storage lock.
 */
int akira_app_storage_remove(const char *name);

/*
 * The write budget, for the modules that program the flash for an app (storage, and
 * WASI's files, runtime/api/wasi.c): check before an operation that may write (what
 * the app may spend now, > 0, or AKIRA_EAGAIN once spent: counted, and noted in its log
 * at most every 5 s), then charge what the operation made the device program
 * (akira_storage_wear() after minus before, under the storage lock). On the app's
 * thread; takes the module's table lock, not the storage lock.
 */
struct akira_app_ctx;
int64_t akira_app_storage_budget_check(struct akira_app_ctx *app, const char *call);
void akira_app_storage_budget_charge(const char *name, uint64_t cost);

#endif /* AKIRA_APP_STORAGE_H */

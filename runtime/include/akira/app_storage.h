/*
 * An app's own storage (API module "storage", runtime/api/storage.c; the WASM side is
 * sdk/include/akira/storage.h): its files in the file system under /apps/<name>
 * (akira_fs_app_view, charged against AKIRA_APP_FS_QUOTA bytes) and its own settings
 * keys under app/<name>/ (at most AKIRA_APP_SETTINGS_KEYS_MAX keys of values up to
 * AKIRA_APP_SETTINGS_VALUE_MAX bytes, so one app cannot fill the settings partition
 * the system's trust keys live in).
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

#define AKIRA_APP_FS_QUOTA           (256u * 1024u) /* bytes of files per app */
#define AKIRA_APP_FILES_MAX          4u             /* open files per app */
#define AKIRA_APP_PATH_MAX           128u           /* bytes in a path from an app */
#define AKIRA_APP_SETTINGS_KEYS_MAX  16u
#define AKIRA_APP_SETTINGS_VALUE_MAX 256u

/*
 * Remove everything app `name` stored: every file and directory under /apps/<name>
 * and every settings key under app/<name>/. For uninstall; the app must not be
 * running. 0 (also when it stored nothing), AKIRA_EINVAL (bad name), AKIRA_ENODEV
 * (storage not up), or the file system's / settings' error (what was removed before
 * it stays removed; calling again finishes the job). Takes the storage lock.
 */
int akira_app_storage_remove(const char *name);

#endif /* AKIRA_APP_STORAGE_H */

/*
 * The device's storage service: the flash map, the system settings store and the file
 * system volume, brought up once at boot and shared by every layer.
 *
 * The board calls akira_storage_init() with its flash device after akira_kernel_init()
 * (it needs a kernel mutex) and akira_storage_deinit() at shutdown (syncs open files).
 * Everyone else takes the storage lock around each use of the shared instances:
 *
 *     akira_storage_lock();
 *     int n = akira_settings_get(akira_storage_settings(), "akira/name", buf, sizeof buf);
 *     akira_storage_unlock();
 *
 * The lock is recursive and covers both instances; calls block on flash I/O while
 * holding it (milliseconds at most on native_sim). Before init (or after a failed
 * init) the accessors return NULL.
 */
#ifndef AKIRA_STORAGE_H
#define AKIRA_STORAGE_H

#include <akira/device.h>
#include <akira/fs.h>
#include <akira/settings.h>

/* What init did, for the boot log. */
struct akira_storage_report {
    int settings;      /* result of mounting settings */
    int fs;            /* result of mounting (or formatting) the file system */
    bool fs_formatted; /* the fs partition held no file system and was formatted */
};

/*
 * Bind the flash map to `flash`, mount settings on "settings" and the file system on
 * "fs" (formatting it when it holds none). Returns AKIRA_OK when both are up, else the
 * first error (the part that did come up stays usable). Not thread-safe: boot only.
 */
int akira_storage_init(const struct akira_device *flash, struct akira_storage_report *report);

/* Sync and unmount the file system, drop the instances and the lock. */
void akira_storage_deinit(void);

void akira_storage_lock(void);
void akira_storage_unlock(void);

/* Wear caused so far on the shared settings store and file system, in wear-weighted
 * bytes: bytes programmed in each area (file data counted as whole blocks handed out,
 * since each costs an erase), weighted by (file-system data blocks / that area's
 * sectors), so that one unit wears a sector of any area equally fast (settings x42,
 * file-system metadata x21, file data x1 on native_sim). Monotonic within a boot. Take
 * it before and after an operation under the storage lock to charge that operation's
 * wear (the runtime's per-app write budget). 0 before init. */
uint64_t akira_storage_wear(void);

/* The shared instances, NULL when not up. Use them only under the lock. */
struct akira_settings *akira_storage_settings(void);
struct akira_fs_vol *akira_storage_fs(void);

#endif /* AKIRA_STORAGE_H */

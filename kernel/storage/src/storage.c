/*
 * The shared storage instances and their lock.
 */
#include <akira/storage.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/mutex.h>

#include <string.h>

#include "kvlog.h"

static akira_mutex_t *lock;
static struct akira_settings settings;
static struct akira_fs_vol vol;
static bool settings_up, fs_up;

int akira_storage_init(const struct akira_device *flash, struct akira_storage_report *report)
{
    struct akira_storage_report r = {AKIRA_ESTATE, AKIRA_ESTATE, false};
    struct akira_flash_area fa;
    int err = lock ? AKIRA_OK : akira_mutex_create(&lock);
    if (!err) err = akira_flash_map_init(flash);
    if (!err) {
        r.settings = akira_flash_area_open(AKIRA_PART_SETTINGS, true, &fa);
        if (!r.settings) r.settings = akira_settings_mount(&settings, &fa);
        settings_up = r.settings == AKIRA_OK;
        r.fs = akira_flash_area_open(AKIRA_PART_FS, true, &fa);
        if (!r.fs) r.fs = akira_fs_mount(&vol, &fa);
        if (r.fs == AKIRA_ECORRUPT) {
            /* First boot (or a partition that never held a file system). */
            r.fs = akira_fs_format(&vol, &fa);
            r.fs_formatted = r.fs == AKIRA_OK;
        }
        fs_up = r.fs == AKIRA_OK;
        err = r.settings ? r.settings : r.fs;
    }
    if (report) *report = r;
    return err;
}

void akira_storage_deinit(void)
{
    if (!lock) return;
    akira_storage_lock();
    if (fs_up) akira_fs_unmount(&vol);
    fs_up = false;
    settings_up = false;
    akira_storage_unlock();
    akira_mutex_destroy(lock);
    lock = NULL;
}

void akira_storage_lock(void)
{
    if (lock) akira_mutex_lock(lock, AKIRA_FOREVER);
}

void akira_storage_unlock(void)
{
    if (lock) akira_mutex_unlock(lock);
}

struct akira_settings *akira_storage_settings(void)
{
    return settings_up ? &settings : NULL;
}

struct akira_fs_vol *akira_storage_fs(void)
{
    return fs_up ? &vol : NULL;
}

uint64_t akira_storage_wear(void)
{
    /* Weights need the volume's block count; without a file system, settings bytes
     * count as they are. */
    uint32_t blocks = fs_up ? vol.nblocks : 0;
    uint64_t w = 0;
    if (fs_up) {
        const struct kvlog *meta = (const struct kvlog *)(const void *)vol.log;
        w += vol.blk_allocs * vol.bs + meta->programmed * (blocks / meta->nsect);
    }
    if (settings_up) {
        const struct kvlog *st = (const struct kvlog *)(const void *)settings.priv;
        w += st->programmed * (blocks > st->nsect ? blocks / st->nsect : 1u);
    }
    return w;
}

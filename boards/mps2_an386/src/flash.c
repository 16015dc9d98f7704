/*
 * flash0 as the storage layer's device "flash0": the chip (nor.c) behind a mutex, the
 * settings and file system on it.
 *
 * The firmware normally runs from flash0 itself (the primary image slot, where the
 * bootloader jumped: VTOR points into flash0), and the bootloader has loaded the file
 * into the region already: it is only opened then, never read over the running code.
 * An image started at the start of the code SRAM loads it itself.
 */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/flash.h>
#include <akira/mutex.h>
#include <akira/storage.h>

#include "board.h"

static akira_mutex_t *nor_lock;

static int nor_read(const struct akira_device *dev, uint32_t off, void *buf, size_t len)
{
    (void)dev;
    return board_nor_read(off, buf, len);
}

static int nor_write(const struct akira_device *dev, uint32_t off, const void *buf, size_t len)
{
    (void)dev;
    akira_mutex_lock(nor_lock, AKIRA_FOREVER);
    int rc = board_nor_write(off, buf, len);
    akira_mutex_unlock(nor_lock);
    return rc;
}

static int nor_erase(const struct akira_device *dev, uint32_t off, size_t len)
{
    (void)dev;
    akira_mutex_lock(nor_lock, AKIRA_FOREVER);
    int rc = board_nor_erase(off, len);
    akira_mutex_unlock(nor_lock);
    return rc;
}

static void nor_info(const struct akira_device *dev, struct akira_flash_info *info)
{
    (void)dev;
    board_nor_info(info);
}

/* flash0 is memory-mapped (execute in place, docs/aot.md) */
static const void *nor_map(const struct akira_device *dev, uint32_t off, size_t len)
{
    (void)dev;
    if (off > AKIRA_BOARD_FLASH_SIZE || len > AKIRA_BOARD_FLASH_SIZE - off) return NULL;
    return (const uint8_t *)AKIRA_BOARD_NOR_BASE + off;
}

static const struct akira_flash_api nor_api = {nor_read, nor_write, nor_erase,
                                               nor_info, NULL,      nor_map};
static struct akira_device_state nor_state;
static const struct akira_device nor_dev = {
    .name = "flash0", .api = &nor_api, .level = AKIRA_INIT_POST_KERNEL, .state = &nor_state};
static bool registered;

int board_storage_boot(const char *path, char *detail, size_t cap)
{
    bool created;
    int rc = akira_mutex_create(&nor_lock);
    bool in_place = CM_VTOR >= AKIRA_BOARD_NOR_BASE;
    if (rc == 0) rc = board_nor_open(path, !in_place, &created);
    if (rc != 0) {
        snprintf(detail, cap, "flash image %s: %s", path,
                 rc == AKIRA_EINVAL ? "not a flash0-sized file (left untouched)"
                                    : "cannot open through semihosting");
        board_nor_close();
        return rc;
    }
    rc = akira_device_register(&nor_dev);
    if (rc == 0) registered = true;
    if (rc == 0) rc = akira_device_init(&nor_dev);
    struct akira_storage_report rep = {0, 0, false};
    if (rc == 0) rc = akira_storage_init(&nor_dev, &rep);
    snprintf(detail, cap, "%s, %u KiB%s; settings %s, fs %s%s", path,
             AKIRA_BOARD_FLASH_SIZE / 1024u, created ? ", created erased" : "",
             akira_err_str(rep.settings), akira_err_str(rep.fs),
             rep.fs_formatted ? " (formatted)" : "");
    return rc;
}

void board_storage_shutdown(void)
{
    akira_storage_deinit();
    if (registered) akira_device_unregister(&nor_dev);
    registered = false;
    board_nor_close();
}

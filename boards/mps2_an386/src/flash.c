/*
 * flash0: the board's external NOR flash, memory-mapped at AKIRA_BOARD_NOR_BASE (the
 * upper 3.5 MiB of the code SRAM) and persisted to a host file through semihosting.
 *
 * At boot the whole image file is read into the region (created erased when absent; a
 * file of another size is refused, never overwritten). Every write and erase goes to
 * the file first and then to the region (write-through), so the file always holds
 * what the chip holds and a killed QEMU loses nothing that was acknowledged. The NOR
 * rules are the storage layer's contract (akira/flash.h): erase to 0xFF by sector,
 * writes only clear bits and are write-block aligned.
 *
 * The MPU makes the whole code SRAM (firmware and flash0) read-only; the driver lifts
 * that only around its own copy, so a wild write faults instead of changing "flash".
 */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/flash.h>
#include <akira/mutex.h>
#include <akira/semihost.h>
#include <akira/storage.h>

#include "board.h"

#define MPU_RNR         CM_REG(0xE000ED98u)
#define MPU_RBAR        CM_REG(0xE000ED9Cu)
#define MPU_RASR        CM_REG(0xE000EDA0u)
#define MPU_REGION_CODE 1u
/* 4 MiB at 0 (SIZE field 21: 2^(21+1)), read-only for all (AP 0b110), enabled. */
#define MPU_RASR_CODE_RO ((6u << 24) | (21u << 1) | 1u)

struct nor {
    uint8_t *mem;
    int fd;
    akira_mutex_t *lock;
};

static struct nor nor = {(uint8_t *)AKIRA_BOARD_NOR_BASE, -1, NULL};

static void code_protect(bool on)
{
    MPU_RNR = MPU_REGION_CODE;
    MPU_RBAR = AKIRA_BOARD_CODE_BASE;
    MPU_RASR = on ? MPU_RASR_CODE_RO : 0;
    __asm__ volatile("dsb\n isb" ::: "memory");
}

/* Copy into the region with the write protection lifted (interrupts masked, so no
 * other code runs unprotected meanwhile). */
static void region_store(uint32_t off, const void *src, int fill, size_t len)
{
    uint32_t key = akira_cm_irq_lock();
    code_protect(false);
    if (src)
        memcpy(nor.mem + off, src, len);
    else
        memset(nor.mem + off, fill, len);
    code_protect(true);
    akira_cm_irq_unlock(key);
}

static bool in_range(uint32_t off, size_t len)
{
    return off <= AKIRA_BOARD_FLASH_SIZE && len <= AKIRA_BOARD_FLASH_SIZE - off;
}

static int nor_read(const struct akira_device *dev, uint32_t off, void *buf, size_t len)
{
    (void)dev;
    if (!in_range(off, len) || (len && !buf)) return AKIRA_EINVAL;
    memcpy(buf, nor.mem + off, len);
    return 0;
}

static int nor_write(const struct akira_device *dev, uint32_t off, const void *buf, size_t len)
{
    (void)dev;
    const uint8_t *src = buf;
    if (!in_range(off, len) || off % AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE ||
        len % AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE || (len && !buf))
        return AKIRA_EINVAL;
    akira_mutex_lock(nor.lock, AKIRA_FOREVER);
    for (size_t i = 0; i < len; i++) {
        if ((nor.mem[off + i] & src[i]) != src[i]) {
            akira_mutex_unlock(nor.lock);
            return AKIRA_EINVAL; /* would set a bit: refused, nothing changed */
        }
    }
    /* Only clearing bits: the new content is src itself. File first, then the chip. */
    int rc = 0;
    if (akira_semihost_seek(nor.fd, off) != 0 || akira_semihost_write(nor.fd, src, len) != 0)
        rc = AKIRA_EIO;
    else
        region_store(off, src, 0, len);
    akira_mutex_unlock(nor.lock);
    return rc;
}

static int nor_erase(const struct akira_device *dev, uint32_t off, size_t len)
{
    (void)dev;
    static const uint8_t erased[AKIRA_BOARD_FLASH_SECTOR_SIZE] = {
        [0 ... AKIRA_BOARD_FLASH_SECTOR_SIZE - 1] = AKIRA_BOARD_FLASH_ERASED_VALUE};
    if (!in_range(off, len) || off % AKIRA_BOARD_FLASH_SECTOR_SIZE ||
        len % AKIRA_BOARD_FLASH_SECTOR_SIZE)
        return AKIRA_EINVAL;
    akira_mutex_lock(nor.lock, AKIRA_FOREVER);
    int rc = 0;
    for (size_t done = 0; done < len && rc == 0; done += sizeof(erased)) {
        if (akira_semihost_seek(nor.fd, off + (uint32_t)done) != 0 ||
            akira_semihost_write(nor.fd, erased, sizeof(erased)) != 0)
            rc = AKIRA_EIO;
        else
            region_store(off + (uint32_t)done, NULL, AKIRA_BOARD_FLASH_ERASED_VALUE,
                         sizeof(erased));
    }
    akira_mutex_unlock(nor.lock);
    return rc;
}

static void nor_info(const struct akira_device *dev, struct akira_flash_info *info)
{
    (void)dev;
    info->size = AKIRA_BOARD_FLASH_SIZE;
    info->sector_size = AKIRA_BOARD_FLASH_SECTOR_SIZE;
    info->write_block_size = AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE;
}

static const struct akira_flash_api nor_api = {nor_read, nor_write, nor_erase, nor_info, NULL};
static struct akira_device_state nor_state;
static const struct akira_device nor_dev = {.name = "flash0",
                                            .api = &nor_api,
                                            .data = &nor,
                                            .level = AKIRA_INIT_POST_KERNEL,
                                            .state = &nor_state};
static bool registered;

/* Open the image (created erased if absent) and load it into the region. */
static int nor_open(const char *path, bool *created)
{
    *created = false;
    nor.fd = akira_semihost_open(path, AKIRA_SH_MODE_RPLUSB);
    if (nor.fd >= 0) {
        long n = akira_semihost_flen(nor.fd);
        if (n != (long)AKIRA_BOARD_FLASH_SIZE) return AKIRA_EINVAL;
        uint32_t key = akira_cm_irq_lock();
        code_protect(false);
        int rc = akira_semihost_read(nor.fd, nor.mem, AKIRA_BOARD_FLASH_SIZE);
        code_protect(true);
        akira_cm_irq_unlock(key);
        return rc == 0 ? 0 : AKIRA_EIO;
    }
    nor.fd = akira_semihost_open(path, AKIRA_SH_MODE_WPLUSB);
    if (nor.fd < 0) return AKIRA_EIO;
    *created = true;
    region_store(0, NULL, AKIRA_BOARD_FLASH_ERASED_VALUE, AKIRA_BOARD_FLASH_SIZE);
    return akira_semihost_write(nor.fd, nor.mem, AKIRA_BOARD_FLASH_SIZE) == 0 ? 0 : AKIRA_EIO;
}

int board_storage_boot(const char *path, char *detail, size_t cap)
{
    bool created;
    int rc = akira_mutex_create(&nor.lock);
    if (rc == 0) rc = nor_open(path, &created);
    if (rc != 0) {
        snprintf(detail, cap, "flash image %s: %s", path,
                 rc == AKIRA_EINVAL ? "not a flash0-sized file (left untouched)"
                                    : "cannot open through semihosting");
        if (nor.fd >= 0) akira_semihost_close(nor.fd);
        nor.fd = -1;
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
    if (nor.fd >= 0) akira_semihost_close(nor.fd);
    nor.fd = -1;
}

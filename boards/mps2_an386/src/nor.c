/*
 * flash0, the chip: the board's external NOR flash, memory-mapped at
 * AKIRA_BOARD_NOR_BASE (the upper 3.5 MiB of the code SRAM) and persisted to a host
 * file through semihosting. Shared by the bootloader and the firmware (board.h).
 *
 * board_nor_open() reads the whole image file into the region (created erased when
 * absent; a file of another size is refused, never overwritten). Every write and erase
 * goes to the file first and then to the region (write-through), so the file always
 * holds what the chip holds and a killed QEMU loses nothing that was acknowledged. The
 * NOR rules are the storage layer's contract (akira/flash.h): erase to 0xFF by sector,
 * writes only clear bits and are write-block aligned.
 *
 * The firmware's MPU makes the whole code SRAM (firmware and flash0) read-only; these
 * functions lift that only around their own copy, so a wild write faults instead of
 * changing "flash". No locking here: one caller at a time (flash.c adds a mutex).
 */
#include <string.h>

#include <akira/board_config.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/flash.h>
#include <akira/semihost.h>

#include "board.h"

#define MPU_RNR         CM_REG(0xE000ED98u)
#define MPU_RBAR        CM_REG(0xE000ED9Cu)
#define MPU_RASR        CM_REG(0xE000EDA0u)
#define MPU_REGION_CODE 1u
/* 4 MiB at 0 (SIZE field 21: 2^(21+1)), read-only for all (AP 0b110), enabled. */
#define MPU_RASR_CODE_RO ((6u << 24) | (21u << 1) | 1u)

static uint8_t *const mem = (uint8_t *)AKIRA_BOARD_NOR_BASE;
static int nor_fd = -1;

/* With the MPU off (the bootloader) the region registers change nothing. */
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
        memcpy(mem + off, src, len);
    else
        memset(mem + off, fill, len);
    code_protect(true);
    akira_cm_irq_unlock(key);
}

static bool in_range(uint32_t off, size_t len)
{
    return off <= AKIRA_BOARD_FLASH_SIZE && len <= AKIRA_BOARD_FLASH_SIZE - off;
}

int board_nor_read(uint32_t off, void *buf, size_t len)
{
    if (!in_range(off, len) || (len && !buf)) return AKIRA_EINVAL;
    memcpy(buf, mem + off, len);
    return 0;
}

int board_nor_write(uint32_t off, const void *buf, size_t len)
{
    const uint8_t *src = buf;
    if (!in_range(off, len) || off % AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE ||
        len % AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE || (len && !buf))
        return AKIRA_EINVAL;
    for (size_t i = 0; i < len; i++)
        if ((mem[off + i] & src[i]) != src[i]) return AKIRA_EINVAL; /* would set a bit */
    /* Only clearing bits: the new content is src itself. File first, then the chip. */
    if (akira_semihost_seek(nor_fd, off) != 0 || akira_semihost_write(nor_fd, src, len) != 0)
        return AKIRA_EIO;
    region_store(off, src, 0, len);
    return 0;
}

int board_nor_erase(uint32_t off, size_t len)
{
    /* A sector goes to the file in pieces of this. */
    static const uint8_t erased[256] = {[0 ... 255] = AKIRA_BOARD_FLASH_ERASED_VALUE};
    if (!in_range(off, len) || off % AKIRA_BOARD_FLASH_SECTOR_SIZE ||
        len % AKIRA_BOARD_FLASH_SECTOR_SIZE)
        return AKIRA_EINVAL;
    for (size_t done = 0; done < len; done += sizeof(erased)) {
        if (akira_semihost_seek(nor_fd, off + (uint32_t)done) != 0 ||
            akira_semihost_write(nor_fd, erased, sizeof(erased)) != 0)
            return AKIRA_EIO;
        region_store(off + (uint32_t)done, NULL, AKIRA_BOARD_FLASH_ERASED_VALUE, sizeof(erased));
    }
    return 0;
}

void board_nor_info(struct akira_flash_info *info)
{
    info->size = AKIRA_BOARD_FLASH_SIZE;
    info->sector_size = AKIRA_BOARD_FLASH_SECTOR_SIZE;
    info->write_block_size = AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE;
}

int board_nor_open(const char *path, bool load, bool *created)
{
    *created = false;
    nor_fd = akira_semihost_open(path, AKIRA_SH_MODE_RPLUSB);
    if (nor_fd >= 0) {
        long n = akira_semihost_flen(nor_fd);
        if (n != (long)AKIRA_BOARD_FLASH_SIZE) {
            board_nor_close();
            return AKIRA_EINVAL;
        }
        if (!load) return 0;
        uint32_t key = akira_cm_irq_lock();
        code_protect(false);
        int rc = akira_semihost_read(nor_fd, mem, AKIRA_BOARD_FLASH_SIZE);
        code_protect(true);
        akira_cm_irq_unlock(key);
        return rc == 0 ? 0 : AKIRA_EIO;
    }
    nor_fd = akira_semihost_open(path, AKIRA_SH_MODE_WPLUSB);
    if (nor_fd < 0) return AKIRA_EIO;
    *created = true;
    region_store(0, NULL, AKIRA_BOARD_FLASH_ERASED_VALUE, AKIRA_BOARD_FLASH_SIZE);
    return akira_semihost_write(nor_fd, mem, AKIRA_BOARD_FLASH_SIZE) == 0 ? 0 : AKIRA_EIO;
}

void board_nor_close(void)
{
    if (nor_fd >= 0) akira_semihost_close(nor_fd);
    nor_fd = -1;
}

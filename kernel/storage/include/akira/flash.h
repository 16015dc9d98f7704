/*
 * Flash driver API: the contract between the storage layer and a NOR flash device.
 *
 * A flash driver is a device in the kernel's registry (akira/device.h) whose `api`
 * points to a `struct akira_flash_api`. The flash map, settings and file system reach
 * the chip only through the wrappers below, so a board swaps its chip by registering
 * another device, and tests use the simulated one.
 *
 * NOR semantics every driver enforces and every user must respect:
 *  - erase works on whole sectors and sets every byte to 0xFF;
 *  - a write can only clear bits (1 -> 0); writing a 1 over a 0 fails with AKIRA_EINVAL
 *    and changes nothing, because on a real chip it would silently corrupt data;
 *  - write offsets and lengths are multiples of the write-block size;
 *  - reads have no alignment rules.
 * Rewriting bytes with their current value is allowed (it clears no new bit and sets
 * none), which lets a user finish a partially used write block.
 *
 * Errors: AKIRA_EINVAL (bad alignment, out of range, bit set), AKIRA_EIO (the device
 * failed, e.g. power was cut: on the simulated device every call after a cut fails
 * until the device is re-opened). Calls block until the operation is done. Drivers are
 * thread-safe: different layers (settings, file system, app store, OTA) use different
 * partitions of one chip from their own threads.
 */
#ifndef AKIRA_FLASH_H
#define AKIRA_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

/* Geometry of a flash device. */
struct akira_flash_info {
    uint32_t size;             /* bytes */
    uint32_t sector_size;      /* erase unit, bytes */
    uint32_t write_block_size; /* program unit, bytes */
};

struct akira_flash_api {
    int (*read)(const struct akira_device *dev, uint32_t offset, void *buf, size_t len);
    int (*write)(const struct akira_device *dev, uint32_t offset, const void *buf, size_t len);
    /* offset and len are multiples of the sector size. */
    int (*erase)(const struct akira_device *dev, uint32_t offset, size_t len);
    void (*info)(const struct akira_device *dev, struct akira_flash_info *info);
    /* Optional (NULL when the chip keeps no such count, as most real chips): erases of
     * the sector holding `offset` since the driver started, for wear reports
     * (`fs df`). */
    int (*erase_count)(const struct akira_device *dev, uint32_t offset, uint32_t *count);
    /* Optional (NULL when the chip is not memory-mapped): the address at which the CPU
     * reads [offset, offset+len) directly, or NULL (out of range). What is there changes
     * with every write and erase. */
    const void *(*map)(const struct akira_device *dev, uint32_t offset, size_t len);
};

/* Value of an erased byte. */
#define AKIRA_FLASH_ERASED 0xFFu

static inline const struct akira_flash_api *akira_flash_api_of(const struct akira_device *dev)
{
    return (const struct akira_flash_api *)dev->api;
}

static inline int akira_flash_read(const struct akira_device *dev, uint32_t offset, void *buf,
                                   size_t len)
{
    return akira_flash_api_of(dev)->read(dev, offset, buf, len);
}

static inline int akira_flash_write(const struct akira_device *dev, uint32_t offset,
                                    const void *buf, size_t len)
{
    return akira_flash_api_of(dev)->write(dev, offset, buf, len);
}

static inline int akira_flash_erase(const struct akira_device *dev, uint32_t offset, size_t len)
{
    return akira_flash_api_of(dev)->erase(dev, offset, len);
}

static inline void akira_flash_info_get(const struct akira_device *dev,
                                        struct akira_flash_info *info)
{
    akira_flash_api_of(dev)->info(dev, info);
}

/* The address [offset, offset+len) of a memory-mapped chip is read at, or NULL. */
static inline const void *akira_flash_map_addr(const struct akira_device *dev, uint32_t offset,
                                               size_t len)
{
    const struct akira_flash_api *api = akira_flash_api_of(dev);
    return api->map ? api->map(dev, offset, len) : NULL;
}

/* Erases of the sector holding offset, AKIRA_ENOTSUP when the driver keeps no count,
 * AKIRA_EINVAL past the end. */
static inline int akira_flash_erase_count_get(const struct akira_device *dev, uint32_t offset,
                                              uint32_t *count)
{
    const struct akira_flash_api *api = akira_flash_api_of(dev);
    return api->erase_count ? api->erase_count(dev, offset, count) : AKIRA_ENOTSUP;
}

#endif /* AKIRA_FLASH_H */

/*
 * Flash map: the board's partitions as named, bounds-checked windows on a flash device.
 *
 * The table comes from the board config (AKIRA_BOARD_PARTITIONS in
 * akira/board_config.h): bootloader, image-0, image-1, scratch, app-store, settings, fs.
 * The board calls akira_flash_map_init() once at boot with its flash device; then any
 * layer opens a partition by id or name, read-only or read-write, and does all its I/O
 * through the area, in offsets relative to the partition start.
 *
 * Every access is checked: a range outside the partition fails with AKIRA_EINVAL (the
 * device is never touched), a write or erase on an area opened read-only fails with
 * AKIRA_EACCES. Other errors come from the driver (akira/flash.h).
 */
#ifndef AKIRA_FLASH_MAP_H
#define AKIRA_FLASH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/flash.h>

enum akira_flash_part_id {
    AKIRA_PART_BOOTLOADER,
    AKIRA_PART_IMAGE0,
    AKIRA_PART_IMAGE1,
    AKIRA_PART_SCRATCH,
    AKIRA_PART_APPSTORE,
    AKIRA_PART_SETTINGS,
    AKIRA_PART_FS,
    AKIRA_PART_COUNT
};

/* An open window on a partition. Plain value: copy it, no close needed. */
struct akira_flash_area {
    const struct akira_device *dev;
    const char *name;
    uint32_t offset; /* on the device */
    uint32_t size;
    uint32_t sector_size;
    uint32_t write_block_size;
    bool writable;
};

/* Bind the partition table to the board's flash device. Fails with AKIRA_EINVAL when a
 * partition does not fit the device or is not sector aligned on it. Call once, at boot,
 * before any open. */
int akira_flash_map_init(const struct akira_device *flash);

/* Open partition `id` (or by `name`, e.g. "settings"). AKIRA_ENOENT for an unknown
 * partition, AKIRA_ESTATE before akira_flash_map_init(). */
int akira_flash_area_open(enum akira_flash_part_id id, bool writable, struct akira_flash_area *out);
int akira_flash_area_open_name(const char *name, bool writable, struct akira_flash_area *out);

/* An area over an arbitrary sector-aligned range of a device (tests and tools that
 * work on a scratch device). Same checks as the table's partitions. */
int akira_flash_area_from_range(const struct akira_device *dev, const char *name, uint32_t offset,
                                uint32_t size, bool writable, struct akira_flash_area *out);

/* Name of partition `id`, NULL when out of range. */
const char *akira_flash_part_name(enum akira_flash_part_id id);

int akira_flash_area_read(const struct akira_flash_area *fa, uint32_t off, void *buf, size_t len);
/* Where the CPU reads [off, off+len) of the partition in place (a memory-mapped chip),
 * or NULL (not mapped, out of range). */
const void *akira_flash_area_addr(const struct akira_flash_area *fa, uint32_t off, size_t len);
int akira_flash_area_write(const struct akira_flash_area *fa, uint32_t off, const void *buf,
                           size_t len);
/* off and len are multiples of the sector size. */
int akira_flash_area_erase(const struct akira_flash_area *fa, uint32_t off, size_t len);

/* True when [off, off+len) of the area reads all 0xFF. Errors count as false. */
bool akira_flash_area_is_erased(const struct akira_flash_area *fa, uint32_t off, size_t len);

/* Erase-count spread over the area's sectors (from the driver's optional counter). */
struct akira_flash_wear {
    uint32_t sectors;
    uint32_t min, max;
    uint64_t total; /* sum over the sectors: mean = total / sectors */
};

/* Fills *out for the whole area. AKIRA_ENOTSUP when the driver keeps no erase counts
 * (nothing is reported then); read-only areas may be asked too. */
int akira_flash_area_wear(const struct akira_flash_area *fa, struct akira_flash_wear *out);

#endif /* AKIRA_FLASH_MAP_H */

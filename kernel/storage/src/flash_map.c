/*
 * Flash map: the board's partition table plus bounds and permission checks.
 */
#include <akira/flash_map.h>

#include <akira/board_config.h>
#include <akira/err.h>

#include <string.h>

struct part_row {
    const char *name;
    uint32_t offset;
    uint32_t size;
};

#define AKIRA_PART_ROW_(ID, name, offset, size) [AKIRA_PART_##ID] = {name, offset, size},
static const struct part_row parts[AKIRA_PART_COUNT] = {AKIRA_BOARD_PARTITIONS(AKIRA_PART_ROW_)};
#undef AKIRA_PART_ROW_

_Static_assert(AKIRA_BOARD_PARTITION_COUNT == AKIRA_PART_COUNT,
               "flash_map's partition ids do not match the board's table");

static const struct akira_device *map_dev;

int akira_flash_area_from_range(const struct akira_device *dev, const char *name, uint32_t offset,
                                uint32_t size, bool writable, struct akira_flash_area *out)
{
    struct akira_flash_info info;
    if (!dev || !out) return AKIRA_EINVAL;
    akira_flash_info_get(dev, &info);
    if (size == 0 || offset > info.size || size > info.size - offset || offset % info.sector_size ||
        size % info.sector_size)
        return AKIRA_EINVAL;
    out->dev = dev;
    out->name = name;
    out->offset = offset;
    out->size = size;
    out->sector_size = info.sector_size;
    out->write_block_size = info.write_block_size;
    out->writable = writable;
    return AKIRA_OK;
}

int akira_flash_map_init(const struct akira_device *flash)
{
    struct akira_flash_area fa;
    if (!flash) return AKIRA_EINVAL;
    for (int i = 0; i < AKIRA_PART_COUNT; i++) {
        int err = akira_flash_area_from_range(flash, parts[i].name, parts[i].offset, parts[i].size,
                                              false, &fa);
        if (err) return err;
    }
    map_dev = flash;
    return AKIRA_OK;
}

int akira_flash_area_open(enum akira_flash_part_id id, bool writable, struct akira_flash_area *out)
{
    if ((unsigned)id >= AKIRA_PART_COUNT) return AKIRA_ENOENT;
    if (!map_dev) return AKIRA_ESTATE;
    return akira_flash_area_from_range(map_dev, parts[id].name, parts[id].offset, parts[id].size,
                                       writable, out);
}

int akira_flash_area_open_name(const char *name, bool writable, struct akira_flash_area *out)
{
    if (!name) return AKIRA_EINVAL;
    for (int i = 0; i < AKIRA_PART_COUNT; i++) {
        if (strcmp(parts[i].name, name) == 0)
            return akira_flash_area_open((enum akira_flash_part_id)i, writable, out);
    }
    return AKIRA_ENOENT;
}

const char *akira_flash_part_name(enum akira_flash_part_id id)
{
    return (unsigned)id < AKIRA_PART_COUNT ? parts[id].name : NULL;
}

static bool area_range_ok(const struct akira_flash_area *fa, uint32_t off, size_t len)
{
    return fa && off <= fa->size && len <= (size_t)(fa->size - off);
}

int akira_flash_area_read(const struct akira_flash_area *fa, uint32_t off, void *buf, size_t len)
{
    if (!area_range_ok(fa, off, len)) return AKIRA_EINVAL;
    return akira_flash_read(fa->dev, fa->offset + off, buf, len);
}

const void *akira_flash_area_addr(const struct akira_flash_area *fa, uint32_t off, size_t len)
{
    if (!area_range_ok(fa, off, len)) return NULL;
    return akira_flash_map_addr(fa->dev, fa->offset + off, len);
}

int akira_flash_area_write(const struct akira_flash_area *fa, uint32_t off, const void *buf,
                           size_t len)
{
    if (!area_range_ok(fa, off, len)) return AKIRA_EINVAL;
    if (!fa->writable) return AKIRA_EACCES;
    return akira_flash_write(fa->dev, fa->offset + off, buf, len);
}

int akira_flash_area_erase(const struct akira_flash_area *fa, uint32_t off, size_t len)
{
    if (!area_range_ok(fa, off, len)) return AKIRA_EINVAL;
    if (!fa->writable) return AKIRA_EACCES;
    return akira_flash_erase(fa->dev, fa->offset + off, len);
}

bool akira_flash_area_is_erased(const struct akira_flash_area *fa, uint32_t off, size_t len)
{
    uint8_t buf[64];
    while (len > 0) {
        size_t n = len < sizeof buf ? len : sizeof buf;
        if (akira_flash_area_read(fa, off, buf, n) != AKIRA_OK) return false;
        for (size_t i = 0; i < n; i++) {
            if (buf[i] != 0xFF) return false;
        }
        off += (uint32_t)n;
        len -= n;
    }
    return true;
}

int akira_flash_area_wear(const struct akira_flash_area *fa, struct akira_flash_wear *out)
{
    if (!fa || !out || fa->sector_size == 0) return AKIRA_EINVAL;
    struct akira_flash_wear w = {0, UINT32_MAX, 0, 0};
    for (uint32_t off = 0; off < fa->size; off += fa->sector_size) {
        uint32_t n;
        int err = akira_flash_erase_count_get(fa->dev, fa->offset + off, &n);
        if (err) return err;
        w.sectors++;
        w.total += n;
        if (n < w.min) w.min = n;
        if (n > w.max) w.max = n;
    }
    if (w.sectors == 0) w.min = 0;
    *out = w;
    return AKIRA_OK;
}

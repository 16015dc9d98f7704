/*
 * What every board's flash layout derives and must satisfy, from the numbers its
 * akira/board_config.h defines (AKIRA_BOARD_FLASH_*, AKIRA_BOARD_PART_*_OFFSET/_SIZE,
 * AKIRA_BOARD_APPS_INSTALLED_MAX). Included once, at the end of each board's
 * board_config.h; nothing else includes it.
 */
#ifndef AKIRA_BOARD_LAYOUT_H
#define AKIRA_BOARD_LAYOUT_H

#ifndef AKIRA_BOARD_CONFIG_H
#error "include <akira/board_config.h>, not this header"
#endif

/* App store slots: one per installed app plus a spare, so that an upgrade with every
 * app installed writes the new version beside the old one (docs/runtime.md). */
#define AKIRA_BOARD_APP_SLOTS (AKIRA_BOARD_APPS_INSTALLED_MAX + 1)
/* One slot, whole sectors: a header sector, then an app binary of up to 220 KiB. */
#define AKIRA_BOARD_APP_SLOT_SIZE                                                                  \
    (AKIRA_BOARD_PART_APPSTORE_SIZE / AKIRA_BOARD_APP_SLOTS / AKIRA_BOARD_FLASH_SECTOR_SIZE *      \
     AKIRA_BOARD_FLASH_SECTOR_SIZE)

/*
 * The partition table as an X-macro, for code that wants to iterate it:
 *   #define ROW(ID, name, offset, size) { name, offset, size },
 *   AKIRA_BOARD_PARTITIONS(ROW)
 * ID is an identifier suffix (BOOTLOADER, IMAGE0, ...), name the partition's string
 * name used to open it by name.
 */
#define AKIRA_BOARD_PARTITIONS(X)                                                                  \
    X(BOOTLOADER, "bootloader", AKIRA_BOARD_PART_BOOTLOADER_OFFSET,                                \
      AKIRA_BOARD_PART_BOOTLOADER_SIZE)                                                            \
    X(IMAGE0, "image-0", AKIRA_BOARD_PART_IMAGE0_OFFSET, AKIRA_BOARD_PART_IMAGE0_SIZE)             \
    X(IMAGE1, "image-1", AKIRA_BOARD_PART_IMAGE1_OFFSET, AKIRA_BOARD_PART_IMAGE1_SIZE)             \
    X(SCRATCH, "scratch", AKIRA_BOARD_PART_SCRATCH_OFFSET, AKIRA_BOARD_PART_SCRATCH_SIZE)          \
    X(APPSTORE, "app-store", AKIRA_BOARD_PART_APPSTORE_OFFSET, AKIRA_BOARD_PART_APPSTORE_SIZE)     \
    X(SETTINGS, "settings", AKIRA_BOARD_PART_SETTINGS_OFFSET, AKIRA_BOARD_PART_SETTINGS_SIZE)      \
    X(FS, "fs", AKIRA_BOARD_PART_FS_OFFSET, AKIRA_BOARD_PART_FS_SIZE)

/* Partition ids in table order (AKIRA_BOARD_PART_ID_BOOTLOADER = 0, ...). */
#define AKIRA_BOARD_PART_ID_(ID, name, offset, size) AKIRA_BOARD_PART_ID_##ID,
enum akira_board_part_id {
    AKIRA_BOARD_PARTITIONS(AKIRA_BOARD_PART_ID_) AKIRA_BOARD_PART_ID_COUNT_
};
#undef AKIRA_BOARD_PART_ID_

#define AKIRA_BOARD_PARTITION_COUNT ((int)AKIRA_BOARD_PART_ID_COUNT_)

/* --- Compile-time checks of the layout ------------------------------------------- */

#define AKIRA_BOARD_SECTOR_ALIGNED_(v) (((v) % AKIRA_BOARD_FLASH_SECTOR_SIZE) == 0)

/* Every partition starts and ends on a sector boundary, so erasing one never touches
 * a neighbour. */
#define AKIRA_BOARD_CHECK_ALIGN_(ID, name, offset, size)                                           \
    _Static_assert(AKIRA_BOARD_SECTOR_ALIGNED_(offset) && AKIRA_BOARD_SECTOR_ALIGNED_(size) &&     \
                       (size) > 0,                                                                 \
                   "partition " name " is not sector aligned");
AKIRA_BOARD_PARTITIONS(AKIRA_BOARD_CHECK_ALIGN_)
#undef AKIRA_BOARD_CHECK_ALIGN_

/* In ascending order, each one ends before the next begins: no overlap. */
_Static_assert(AKIRA_BOARD_PART_BOOTLOADER_OFFSET + AKIRA_BOARD_PART_BOOTLOADER_SIZE <=
                   AKIRA_BOARD_PART_IMAGE0_OFFSET,
               "bootloader overlaps image-0");
_Static_assert(AKIRA_BOARD_PART_IMAGE0_OFFSET + AKIRA_BOARD_PART_IMAGE0_SIZE <=
                   AKIRA_BOARD_PART_IMAGE1_OFFSET,
               "image-0 overlaps image-1");
_Static_assert(AKIRA_BOARD_PART_IMAGE1_OFFSET + AKIRA_BOARD_PART_IMAGE1_SIZE <=
                   AKIRA_BOARD_PART_SCRATCH_OFFSET,
               "image-1 overlaps scratch");
_Static_assert(AKIRA_BOARD_PART_SCRATCH_OFFSET + AKIRA_BOARD_PART_SCRATCH_SIZE <=
                   AKIRA_BOARD_PART_APPSTORE_OFFSET,
               "scratch overlaps app-store");
_Static_assert(AKIRA_BOARD_PART_APPSTORE_OFFSET + AKIRA_BOARD_PART_APPSTORE_SIZE <=
                   AKIRA_BOARD_PART_SETTINGS_OFFSET,
               "app-store overlaps settings");
_Static_assert(AKIRA_BOARD_PART_SETTINGS_OFFSET + AKIRA_BOARD_PART_SETTINGS_SIZE <=
                   AKIRA_BOARD_PART_FS_OFFSET,
               "settings overlaps fs");
_Static_assert(AKIRA_BOARD_PART_FS_OFFSET + AKIRA_BOARD_PART_FS_SIZE <= AKIRA_BOARD_FLASH_SIZE,
               "fs runs past the end of flash");
/* MCUboot's swap needs both image slots the same size. */
_Static_assert(AKIRA_BOARD_PART_IMAGE0_SIZE == AKIRA_BOARD_PART_IMAGE1_SIZE,
               "image slots differ in size");
_Static_assert(AKIRA_BOARD_APP_SLOT_SIZE % AKIRA_BOARD_FLASH_SECTOR_SIZE == 0,
               "app slots are not sector aligned");
_Static_assert(AKIRA_BOARD_FLASH_SECTOR_SIZE % AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE == 0,
               "sector is not a multiple of the write block");

#endif /* AKIRA_BOARD_LAYOUT_H */

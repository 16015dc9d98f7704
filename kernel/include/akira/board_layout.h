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

/* --- App storage bounds (docs/storage.md, "Apps on a shared flash") ----------------
 * What one app may hold and how fast it may wear the flash: the manifest asks within
 * MIN..MAX (`storage_files`, `settings_keys`, `flash_write_rate`, `flash_write_burst`);
 * without the key the app gets DEFAULT. The same on every board unless its
 * board_config.h defines one first; AKIRA_BOARD_APP_FS_QUOTA (flash bytes of one app's
 * files) depends on the file system's size and is the board's own. runtime/api/storage.c
 * checks that every installed app at its maximum leaves the system its share. */
#ifndef AKIRA_BOARD_APP_FILES_MIN
#define AKIRA_BOARD_APP_FILES_MIN 1
#endif
#ifndef AKIRA_BOARD_APP_FILES_DEFAULT
#define AKIRA_BOARD_APP_FILES_DEFAULT 16
#endif
#ifndef AKIRA_BOARD_APP_FILES_MAX
#define AKIRA_BOARD_APP_FILES_MAX 24
#endif
#ifndef AKIRA_BOARD_APP_SETTINGS_KEYS_MIN
#define AKIRA_BOARD_APP_SETTINGS_KEYS_MIN 1
#endif
#ifndef AKIRA_BOARD_APP_SETTINGS_KEYS_DEFAULT
#define AKIRA_BOARD_APP_SETTINGS_KEYS_DEFAULT 16
#endif
#ifndef AKIRA_BOARD_APP_SETTINGS_KEYS_MAX
#define AKIRA_BOARD_APP_SETTINGS_KEYS_MAX 32
#endif
#ifndef AKIRA_BOARD_APP_SETTINGS_BYTES
#define AKIRA_BOARD_APP_SETTINGS_BYTES 2048u
#endif
/* Write budget (token bucket) in wear-weighted bytes: RATE bytes per second refill it
 * up to BURST (see native_sim's board_config.h for what the default rate means for a
 * NOR chip's life). */
#ifndef AKIRA_BOARD_APP_FLASH_RATE_MIN
#define AKIRA_BOARD_APP_FLASH_RATE_MIN 64u
#endif
#ifndef AKIRA_BOARD_APP_FLASH_RATE_DEFAULT
#define AKIRA_BOARD_APP_FLASH_RATE_DEFAULT 1024u
#endif
#ifndef AKIRA_BOARD_APP_FLASH_RATE_MAX
#define AKIRA_BOARD_APP_FLASH_RATE_MAX (8u * 1024u)
#endif
#ifndef AKIRA_BOARD_APP_FLASH_BURST_MIN
#define AKIRA_BOARD_APP_FLASH_BURST_MIN (8u * 1024u)
#endif
#ifndef AKIRA_BOARD_APP_FLASH_BURST_DEFAULT
#define AKIRA_BOARD_APP_FLASH_BURST_DEFAULT (256u * 1024u)
#endif
#ifndef AKIRA_BOARD_APP_FLASH_BURST_MAX
#define AKIRA_BOARD_APP_FLASH_BURST_MAX (1024u * 1024u)
#endif
#ifndef AKIRA_BOARD_APP_FS_QUOTA
#error "the board's board_config.h must define AKIRA_BOARD_APP_FS_QUOTA"
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

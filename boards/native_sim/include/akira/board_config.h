/*
 * native_sim board limits and flash layout.
 *
 * The one place that states how big the simulated device is. Every layer that sizes
 * something by the board (the app manager's slot count, the app heap pool, the flash
 * driver, the flash map) reads these values instead of repeating numbers. Values are
 * plain integer constant expressions so they can size static arrays and appear in
 * _Static_assert.
 *
 * The numbers follow an ESP32-S3 module with 8 MiB flash and 8 MiB PSRAM, the seed's
 * reference hardware, so what fits here fits there.
 *
 * Include-only header: no functions, no link dependency (CMake target
 * `akira_board_config`, an INTERFACE library).
 */
#ifndef AKIRA_BOARD_CONFIG_H
#define AKIRA_BOARD_CONFIG_H

#define AKIRA_BOARD_NAME "native_sim"

/* --- Apps ------------------------------------------------------------------------ */

/* Apps stored in the app store at once (one flash slot each). */
#define AKIRA_BOARD_APPS_INSTALLED_MAX 8
/* Apps instantiated and running at once. */
#define AKIRA_BOARD_APPS_RUNNING_MAX 2
/* Pool all app linear memories, stacks and runtime allocations are carved from;
 * the size of the ESP32-S3's PSRAM. */
#define AKIRA_BOARD_APP_HEAP_POOL_SIZE (8u * 1024u * 1024u)
/* Unsigned apps are accepted when the setting akira/security/allow_unsigned is absent
 * (a development board; a product board says 0). */
#define AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT 1
/* Bounds for an app's linear-memory quota (the manifest asks within these). */
#define AKIRA_BOARD_APP_MEM_QUOTA_MIN (64u * 1024u)
#define AKIRA_BOARD_APP_MEM_QUOTA_MAX (1024u * 1024u)

/* --- Serial management link (docs/serial.md) ------------------------------------ */

/* The UART the device API is served on without a network (native_sim: a host pty). */
#define AKIRA_BOARD_SERIAL_MGMT_UART "mgmt"
/* Stack of the link's worker, which runs the API's handlers (the port's minimum). */
#define AKIRA_BOARD_SERIAL_STACK_SIZE (64u * 1024u)

/* --- Flash ----------------------------------------------------------------------- */

/* NOR flash: erase sets a whole sector to AKIRA_BOARD_FLASH_ERASED_VALUE, a write can
 * only clear bits and must start and end on a write-block boundary. */
#define AKIRA_BOARD_FLASH_SIZE             (8u * 1024u * 1024u)
#define AKIRA_BOARD_FLASH_SECTOR_SIZE      4096u
#define AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE 4u
#define AKIRA_BOARD_FLASH_ERASED_VALUE     0xFFu

/* --- Partition map ------------------------------------------------------------------
 * Offsets and sizes in bytes from the start of flash, in ascending order. Image slots
 * follow MCUboot's model: image-0 runs, image-1 receives an update, scratch is the
 * swap area. The app store holds AKIRA_BOARD_APPS_INSTALLED_MAX equal slots. */
#define AKIRA_BOARD_PART_BOOTLOADER_OFFSET 0x000000u
#define AKIRA_BOARD_PART_BOOTLOADER_SIZE   0x010000u /* 64 KiB */
#define AKIRA_BOARD_PART_IMAGE0_OFFSET     0x010000u
#define AKIRA_BOARD_PART_IMAGE0_SIZE       0x180000u /* 1.5 MiB */
#define AKIRA_BOARD_PART_IMAGE1_OFFSET     0x190000u
#define AKIRA_BOARD_PART_IMAGE1_SIZE       0x180000u /* 1.5 MiB */
#define AKIRA_BOARD_PART_SCRATCH_OFFSET    0x310000u
#define AKIRA_BOARD_PART_SCRATCH_SIZE      0x020000u /* 128 KiB */
#define AKIRA_BOARD_PART_APPSTORE_OFFSET   0x330000u
#define AKIRA_BOARD_PART_APPSTORE_SIZE     0x200000u /* 2 MiB: 9 slots of 224 KiB */
#define AKIRA_BOARD_PART_SETTINGS_OFFSET   0x530000u
#define AKIRA_BOARD_PART_SETTINGS_SIZE     0x010000u /* 64 KiB: 16 sectors */
#define AKIRA_BOARD_PART_FS_OFFSET         0x540000u
#define AKIRA_BOARD_PART_FS_SIZE           0x2C0000u /* 2.75 MiB, the rest */

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

#endif /* AKIRA_BOARD_CONFIG_H */

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
/* Bounds for an app's thread stack (manifest key thread_stack; default the kernel's
 * AKIRA_THREAD_STACK_DEFAULT, 64 KiB here). The minimum is the smallest board's, so
 * `akira pack` on the host takes what an MCU board takes; this port gives a thread at
 * least its 64 KiB whatever is asked. A stack above the default is charged to
 * memory_quota. */
#define AKIRA_BOARD_APP_THREAD_STACK_MIN (4u * 1024u)
#define AKIRA_BOARD_APP_THREAD_STACK_MAX (1024u * 1024u)

/* --- App storage (docs/storage.md, "Apps on a shared flash") ---------------------
 * The manifest's bounds for an app's files, settings keys and write budget are shared
 * by every board (akira/board_layout.h): 1..24 files and directories (default 16),
 * 1..32 settings keys (default 16) in 2 KiB of records, and a write budget of
 * 64 B/s..8 KiB/s (default 1 KiB/s) with a burst of 8 KiB..1 MiB (default 256 KiB),
 * in wear-weighted bytes: each area's bytes weighted by (file-system data blocks /
 * that area's sectors), so a budget wears every area's sectors equally fast. At the
 * default rate an app that never stops writing erases each file-system block about 32
 * times a day: a 100,000-cycle NOR chip lasts over 8 years with two such apps running.
 * Every installed app at its maximum leaves the system at least 40 of the file
 * system's 255 entries and 48 KiB of the 64 KiB settings partition. */
/* Flash bytes of one app's files: whole blocks (data, index, unsynced copies) and one
 * 64-byte metadata record per entry. Every installed app full leaves the system a
 * quarter of the file system's blocks. */
#define AKIRA_BOARD_APP_FS_QUOTA (256u * 1024u)

/* --- Display and input (docs/display.md) ------------------------------------------ */

/* The panel: a 320x240 RGB565 TFT in landscape, like the AkiraConsole's ST7789V. */
#define AKIRA_BOARD_DISPLAY_WIDTH  320
#define AKIRA_BOARD_DISPLAY_HEIGHT 240
#define AKIRA_BOARD_DISPLAY_FORMAT (1u << 0) /* AKIRA_DISPLAY_RGB565 (akira/drivers/display.h) */

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

/* Derived values (app slots, the partition table, AKIRA_BOARD_PARTITIONS) and the
 * compile-time checks of the layout, common to every board. */
#include <akira/board_layout.h>

#endif /* AKIRA_BOARD_CONFIG_H */

/*
 * mps2_an386 board limits, memory map and flash layout (Arm MPS2+ FPGA image AN386, a
 * Cortex-M4F at 25 MHz, as QEMU's `-M mps2-an386` models it; docs/cortex_m.md).
 *
 * The same limits as native_sim (8 apps installed, 2 running, the same quotas and
 * partition names), so what runs there runs here. The flash is smaller (3.5 MiB), so
 * the image and file-system partitions are smaller; the app store is the same 2 MiB.
 *
 * Include-only header: no functions (CMake target `akira_board_config`).
 */
#ifndef AKIRA_BOARD_CONFIG_H
#define AKIRA_BOARD_CONFIG_H

#define AKIRA_BOARD_NAME "mps2_an386"

/* --- Core and memory map --------------------------------------------------------
 * 0x00000000  4 MiB code SRAM (QEMU "ssram1"), used as the MCU's flash:
 *             0x00000000..0x0007FFFF  512 KiB internal flash: vectors, code, rodata
 *             0x00080000..0x003FFFFF  3.5 MiB external NOR flash "flash0", memory-mapped
 * 0x20000000  internal RAM, limited to 512 KiB by the linker script
 * 0x21000000  16 MiB PSRAM: only the app heap pool (app linear memories, app stacks)
 */
#define AKIRA_BOARD_CPU_HZ     25000000u
#define AKIRA_BOARD_CODE_BASE  0x00000000u
#define AKIRA_BOARD_CODE_SIZE  (512u * 1024u)
#define AKIRA_BOARD_NOR_BASE   0x00080000u
#define AKIRA_BOARD_RAM_BASE   0x20000000u
#define AKIRA_BOARD_RAM_SIZE   (512u * 1024u)
#define AKIRA_BOARD_PSRAM_BASE 0x21000000u
#define AKIRA_BOARD_PSRAM_SIZE (16u * 1024u * 1024u)

/* --- Thread stacks (bytes; each also has a 64-byte MPU guard below it) ----------
 * Sized from the high-water marks `ps` showed (bench/RESULTS.md, "Cortex-M4F firmware")
 * with the examples installed at boot, a 200 KB app installed over the serial link and
 * from the shell, two apps running and the hostile apps contained: each is its worst
 * mark plus at least 25%, rounded up to 512 B, and never below 1.5 KiB for a thread
 * that may log (a log line's formatting takes about 1 KiB of stack). An overflow is
 * still caught by the MPU guard (docs/cortex_m.md), never silent. */
/* Boot, then the console shell: 11.0 KiB at a 200 KB `app install`. */
#define AKIRA_BOARD_MAIN_STACK_SIZE      (14u * 1024u)
#define AKIRA_BOARD_THREAD_STACK_MIN     1024u
#define AKIRA_BOARD_THREAD_STACK_DEFAULT (4u * 1024u) /* app threads: 2.8 KiB (interpreter) */
#define AKIRA_BOARD_STACK_TIMER          1536u        /* 0.2 KiB */
#define AKIRA_BOARD_STACK_SYSWORKQ       1536u        /* 0.1 KiB */
#define AKIRA_BOARD_STACK_WDT            1536u        /* 0.4 KiB */
#define AKIRA_BOARD_STACK_APP_HEALTH     1536u        /* 0.2 KiB */
#define AKIRA_BOARD_STACK_SERIAL_RX      2560u        /* 1.7 KiB */

/* --- Serial management link (docs/serial.md) ------------------------------------ */

/* The device API without a network: CMSDK UART1, QEMU's second -serial. */
#define AKIRA_BOARD_SERIAL_MGMT_UART "uart1"
/* Stack of the link's worker, which runs the API's handlers (an install's verification
 * runs on it): 9.7 KiB at a 200 KB install (see "Thread stacks"). */
#define AKIRA_BOARD_SERIAL_STACK_SIZE (12800u)

/* --- Apps ------------------------------------------------------------------------ */

/* Apps stored in the app store at once (one flash slot each). */
#define AKIRA_BOARD_APPS_INSTALLED_MAX 8
/* Apps instantiated and running at once. */
#define AKIRA_BOARD_APPS_RUNNING_MAX 2
/* Pool all app linear memories, stacks and runtime allocations are carved from: in
 * PSRAM at AKIRA_BOARD_PSRAM_BASE, the size of the ESP32-S3's PSRAM (the other half of
 * the PSRAM is left unused). */
#define AKIRA_BOARD_APP_HEAP_POOL_SIZE (8u * 1024u * 1024u)
/* Unsigned apps are accepted when the setting akira/security/allow_unsigned is absent
 * (a development board; a product board says 0). */
#define AKIRA_BOARD_ALLOW_UNSIGNED_DEFAULT 1
/* Bounds for an app's linear-memory quota (the manifest asks within these). */
#define AKIRA_BOARD_APP_MEM_QUOTA_MIN (64u * 1024u)
#define AKIRA_BOARD_APP_MEM_QUOTA_MAX (1024u * 1024u)
/* Bounds for an app's thread stack (manifest key thread_stack, docs/aot.md): the
 * default is AKIRA_BOARD_THREAD_STACK_DEFAULT, from the internal RAM; a larger one is
 * taken whole from the app heap pool (PSRAM) and charged to memory_quota, so no app
 * can take the system's RAM. AOT code gets all of it but the runtime's 2 KiB. */
#define AKIRA_BOARD_APP_THREAD_STACK_MIN AKIRA_BOARD_THREAD_STACK_DEFAULT
#define AKIRA_BOARD_APP_THREAD_STACK_MAX (256u * 1024u)

/* --- App storage ----------------------------------------------------------------
 * The manifest bounds are the shared ones (akira/board_layout.h). This board's file
 * system is 576 KiB, not native_sim's 2.75 MiB: an app's files may take 48 KiB of
 * flash, so every installed app full still leaves the system a quarter of the blocks
 * (checked in runtime/api/storage.c). */
#define AKIRA_BOARD_APP_FS_QUOTA (48u * 1024u)

/* --- Flash ----------------------------------------------------------------------- */

/* NOR flash "flash0": erase sets a whole sector to AKIRA_BOARD_FLASH_ERASED_VALUE, a
 * write can only clear bits and must start and end on a write-block boundary. Mapped
 * at AKIRA_BOARD_NOR_BASE, persisted to the host's image file through semihosting. */
#define AKIRA_BOARD_FLASH_SIZE             (3584u * 1024u)
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
#define AKIRA_BOARD_PART_IMAGE0_SIZE       0x060000u /* 384 KiB */
#define AKIRA_BOARD_PART_IMAGE1_OFFSET     0x070000u
#define AKIRA_BOARD_PART_IMAGE1_SIZE       0x060000u /* 384 KiB */
#define AKIRA_BOARD_PART_SCRATCH_OFFSET    0x0D0000u
#define AKIRA_BOARD_PART_SCRATCH_SIZE      0x010000u /* 64 KiB */
#define AKIRA_BOARD_PART_APPSTORE_OFFSET   0x0E0000u
#define AKIRA_BOARD_PART_APPSTORE_SIZE     0x200000u /* 2 MiB: 9 slots of 224 KiB */
#define AKIRA_BOARD_PART_SETTINGS_OFFSET   0x2E0000u
#define AKIRA_BOARD_PART_SETTINGS_SIZE     0x010000u /* 64 KiB: 16 sectors */
#define AKIRA_BOARD_PART_FS_OFFSET         0x2F0000u
#define AKIRA_BOARD_PART_FS_SIZE           0x090000u /* 576 KiB, the rest */

/* --- File system ------------------------------------------------------------------
 * The volume's RAM tables sized for this board's fs partition (576 KiB: 144 blocks of
 * 4 KiB, of which 135 hold data) instead of the largest volume (4096 blocks, 2048 per
 * file, 30 KiB of tables): every block of the partition and a file as big as the
 * whole volume stay usable; the format on flash is the same. */
#define AKIRA_BOARD_FS_BLOCKS_MAX      (AKIRA_BOARD_PART_FS_SIZE / AKIRA_BOARD_FLASH_SECTOR_SIZE)
#define AKIRA_BOARD_FS_FILE_BLOCKS_MAX AKIRA_BOARD_FS_BLOCKS_MAX

/* Derived values (app slots, the partition table, AKIRA_BOARD_PARTITIONS) and the
 * compile-time checks of the layout, common to every board. */
#include <akira/board_layout.h>

/* This board's memory map. */
_Static_assert(AKIRA_BOARD_NOR_BASE >= AKIRA_BOARD_CODE_BASE + AKIRA_BOARD_CODE_SIZE &&
                   AKIRA_BOARD_NOR_BASE + AKIRA_BOARD_FLASH_SIZE <= 4u * 1024u * 1024u,
               "flash0 overlaps the code or leaves the code SRAM");
_Static_assert(AKIRA_BOARD_APP_HEAP_POOL_SIZE <= AKIRA_BOARD_PSRAM_SIZE, "pool exceeds PSRAM");

#endif /* AKIRA_BOARD_CONFIG_H */

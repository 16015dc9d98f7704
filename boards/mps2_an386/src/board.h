/* mps2_an386 board internals shared by its source files. */
#ifndef AKIRA_MPS2_BOARD_H
#define AKIRA_MPS2_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/heap.h>
#include <akira/log.h>
#include <akira/shell_io.h>

/* UART0 as the console: polled output, interrupt-driven input (console.c). */
void board_console_early_init(void);
const struct akira_shell_io *board_console_io(void);
void board_console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Start the free-running counter behind the kernel's uptime (timer.c). */
void board_timer_init(void);

/* Called by the fault and watchdog handlers just before the reset, with the name of
 * the thread whose stack guard was hit (NULL for any other fault); weak, empty by
 * default (test images end QEMU with a status instead). */
void board_fault_hook(const char *overflowed);

/* The semihosting command line, split into words (--flash FILE ...). */
#define BOARD_INSTALL_MAX 16
struct board_options {
    const char *flash_path;                 /* host file of flash0 */
    const char *image_path;                 /* --image FILE: the bootloader flashes it */
    bool plain;                             /* --plain: no echo, no prompt (scripts on the UART) */
    const char *install[BOARD_INSTALL_MAX]; /* --install FILE: host packages for the store */
    unsigned install_count;
};
const struct board_options *board_options(void);
/* Read them from semihosting (once, at boot; without it the defaults stay). */
void board_options_parse(void);

/* flash0, the chip (nor.c): the host file `path` through semihosting, loaded into the
 * memory-mapped region when load (else it is there already: the bootloader loaded it),
 * created erased when absent; AKIRA_EINVAL for a file of another size (left as it
 * is), AKIRA_EIO. Then reads, writes and erases as akira/flash.h says, written through
 * to the file. No locking: one caller at a time. */
struct akira_flash_info;
int board_nor_open(const char *path, bool load, bool *created);
void board_nor_close(void);
int board_nor_read(uint32_t off, void *buf, size_t len);
int board_nor_write(uint32_t off, const void *buf, size_t len);
int board_nor_erase(uint32_t off, size_t len);
void board_nor_info(struct akira_flash_info *info);

/* Flash0 as device "flash0" with storage on it (flash.c). */
int board_storage_boot(const char *path, char *detail, size_t cap);
void board_storage_shutdown(void);

/* One boot status line: "[ ok ] what: detail" or "[FAIL] what: error: detail". */
void board_step(const char *what, int rc, const char *detail);

/* The runtime on flash0 and the pool (runtime.c): app store, app manager, --install
 * files, autostart, the shell's host files. Reports its steps; false stops the boot. */
bool board_runtime_boot(akira_heap_t *pool);
void board_runtime_shutdown(void);

#endif /* AKIRA_MPS2_BOARD_H */

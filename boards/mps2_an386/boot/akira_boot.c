/*
 * akira-boot for mps2_an386: the first stage at the start of the code SRAM (the reset
 * vector), MCUboot's role. It loads flash0 from its host file, runs boot/ over the
 * board's flash map (resume or do a swap, test boot, revert, validation: SHA-256 and
 * Ed25519 from Debian's libsodium source, cmake/libsodium_mcu.cmake), then jumps to the
 * firmware in place in the primary slot: VTOR to the image's vector table, MSP from its
 * first word, its reset handler. With no valid image: the recovery console on UART0.
 *
 * Semihosting command line (the firmware's, which reads it again):
 *   --flash FILE   host file of flash0 (default flash.img)
 *   --image FILE   a signed image flashed into the primary slot, confirmed, as a
 *                  flashing tool would: when the slot is empty and after a rebuild
 *                  (akira_boot_dev_image); `make run BOARD=mps2_an386` passes the build's
 *
 * Single-threaded, interrupts masked, no heap: the RAM it uses is .data, .bss and its
 * stack, all given to the firmware at the jump. docs/boot.md, "Cortex-M".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/boot.h>
#include <akira/boot_crypto_sodium.h>
#include <akira/boot_keys.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/flash.h>
#include <akira/semihost.h>

#include "board.h"
#include "uart.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

/* The stack's high-water mark for the log: the 16 KiB below the top painted at reset. */
#define STACK_WATCH (16u * 1024u)
#define STACK_PAINT 0xA5A5A5A5u

static volatile uint32_t *stack_watch(void)
{
    uintptr_t top = (uintptr_t)__stack_top;
    __asm__("" : "+r"(top)); /* an address, not an offset into the object __stack_top */
    return (volatile uint32_t *)(top - STACK_WATCH);
}

static void stack_paint(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t *p = stack_watch(); (uintptr_t)p < sp - 64; p++)
        *p = STACK_PAINT;
}

static uint32_t stack_used(void)
{
    volatile uint32_t *p = stack_watch();
    while ((uintptr_t)p < (uintptr_t)__stack_top && *p == STACK_PAINT)
        p++;
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void Reset_Handler(void);
static void fault(void);

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) static const vector_t vectors[16] = {
    [0] = (vector_t)(uintptr_t)__stack_top,
    [1] = Reset_Handler,
    [2 ... 15] = fault,
};

/* ---- console: UART0, polled ---- */

static void out(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') cmsdk_uart_poll_out(&uart0_dev, '\r');
        cmsdk_uart_poll_out(&uart0_dev, (uint8_t)*s);
    }
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    out("akira-boot: ");
    out(line);
    out("\n");
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(NULL, line);
}

static void fault(void)
{
    out("\n*** akira-boot: fault: resetting\n");
    akira_cm_reset();
}

/* ---- flash0 for boot/: the chip without a lock (nothing else runs) ---- */

static int dev_read(const struct akira_device *d, uint32_t off, void *buf, size_t len)
{
    (void)d;
    return board_nor_read(off, buf, len);
}

static int dev_write(const struct akira_device *d, uint32_t off, const void *buf, size_t len)
{
    (void)d;
    return board_nor_write(off, buf, len);
}

static int dev_erase(const struct akira_device *d, uint32_t off, size_t len)
{
    (void)d;
    return board_nor_erase(off, len);
}

static void dev_info(const struct akira_device *d, struct akira_flash_info *info)
{
    (void)d;
    board_nor_info(info);
}

static const struct akira_flash_api flash_api = {dev_read, dev_write, dev_erase,
                                                 dev_info, NULL,      NULL};
static struct akira_device_state flash_state;
static const struct akira_device flash0 = {
    .name = "flash0", .api = &flash_api, .state = &flash_state};

/* ---- the development image, a host file ---- */

static int host_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    int fd = (int)(intptr_t)ctx;
    return akira_semihost_seek(fd, off) == 0 && akira_semihost_read(fd, buf, len) == 0 ? 0
                                                                                       : AKIRA_EIO;
}

static int dev_image(const struct akira_boot_cfg *cfg, const struct akira_boot_result *res,
                     const char *path, bool *flashed)
{
    *flashed = false;
    int fd = akira_semihost_open(path, AKIRA_SH_MODE_RB);
    if (fd < 0) {
        say("%s: cannot open through semihosting", path);
        return AKIRA_ENOENT;
    }
    long size = akira_semihost_flen(fd);
    struct akira_fw_reader r = {host_read, (void *)(intptr_t)fd, size > 0 ? (uint32_t)size : 0};
    int rc = akira_boot_dev_image(cfg, res, &r, path, flashed);
    akira_semihost_close(fd);
    return rc;
}

/* ---- recovery console: lines on UART0 ---- */

static void recovery(const struct akira_boot_cfg *cfg)
{
    static struct akira_boot_recovery rec;
    static char line[1100]; /* `write OFFSET HEX` of 256 bytes */
    akira_boot_recovery_init(&rec, cfg);
    out("akira-boot: no valid image: recovery console (help)\n");
    for (;;) {
        out("recovery> ");
        size_t n = 0;
        for (;;) {
            int c = cmsdk_uart_poll_in(&uart0_dev);
            if (c < 0) continue;
            if (c == '\r' || c == '\n') {
                if (n == 0) continue;
                break;
            }
            if (n < sizeof line - 1) line[n++] = (char)c;
        }
        line[n] = 0;
        bool go = false;
        (void)akira_boot_recovery_line(&rec, line, &go);
        if (go) return;
    }
}

/* ---- the jump ---- */

/* The payload's vector table must sit where the firmware is linked to run: its stack
 * pointer in RAM, its reset handler (Thumb) inside the payload. */
static bool vectors_ok(uint32_t base, uint32_t size)
{
    const uint32_t *v = (const uint32_t *)base;
    return base % 256u == 0 && size >= 8 && v[0] > AKIRA_BOARD_RAM_BASE &&
           v[0] <= AKIRA_BOARD_RAM_BASE + AKIRA_BOARD_RAM_SIZE && (v[1] & 1u) &&
           (v[1] & ~1u) >= base && (v[1] & ~1u) < base + size;
}

__attribute__((noreturn)) static void jump(uint32_t base)
{
    const uint32_t *v = (const uint32_t *)base;
    board_nor_close();
    CM_VTOR = base;
    __asm__ volatile("dsb\n isb\n"
                     "msr msp, %0\n"
                     "bx %1\n" ::"r"(v[0]),
                     "r"(v[1])
                     : "memory");
    __builtin_unreachable();
}

static uint32_t ticks(void)
{
    return akira_cm_board_cycles();
}

__attribute__((noreturn)) static void boot_main(void)
{
    cmsdk_uart_poll_init(&uart0_dev);
    board_timer_init();
    board_options_parse();
    const struct board_options *o = board_options();
    out("\nakira-boot (mps2_an386)\n");
    bool created;
    int rc = board_nor_open(o->flash_path, true, &created);
    if (rc) {
        say("flash image %s: %s", o->flash_path,
            rc == AKIRA_EINVAL ? "not a flash0-sized file (left untouched)"
                               : "cannot open through semihosting");
        akira_semihost_exit(1);
    }
    if (created) say("flash0: %s created erased", o->flash_path);
    struct akira_boot_cfg cfg = {.keys = akira_boot_keys,
                                 .nkeys = akira_boot_keys_count,
                                 .crypto = akira_boot_crypto_sodium(),
                                 .log = log_line};
    rc = akira_boot_cfg_init(&cfg, &flash0);
    if (rc) {
        say("flash map: %s", akira_err_str(rc));
        akira_semihost_exit(1);
    }
    const char *image = o->image_path;
    struct akira_boot_result res;
    for (;;) {
        uint32_t t0 = ticks();
        rc = akira_boot_run(&cfg, &res);
        uint32_t dt = ticks() - t0;
        if (rc) {
            say("boot failed: %s: resetting", akira_err_str(rc));
            akira_cm_reset();
        }
        /* Cycles at 25 MHz; under -icount shift=0 one cycle is 40 instructions. */
        say("%s%s in %lu us", res.swap != AKIRA_FW_SWAP_NONE ? "swap and checks" : "checks",
            res.resumed ? " (resumed)" : "", (unsigned long)(dt / (AKIRA_BOARD_CPU_HZ / 1000000u)));
        if (image) {
            bool flashed;
            rc = dev_image(&cfg, &res, image, &flashed);
            if (rc) say("flashing %s failed: %s", image, akira_err_str(rc));
            image = NULL;
            if (flashed) continue;
        }
        if (res.outcome != AKIRA_BOOT_PRIMARY) {
            recovery(&cfg);
            continue;
        }
        const struct akira_fw_header *h = &res.info.hdr;
        uint32_t base = AKIRA_BOARD_NOR_BASE + cfg.primary.offset + h->hdr_size;
        if (!vectors_ok(base, h->img_size)) {
            say("primary image: no vector table for this board at 0x%08lx: not started",
                (unsigned long)base);
            recovery(&cfg);
            continue;
        }
        char v[24];
        akira_fw_version_str(&h->ver, v, sizeof v);
        say("RAM: %lu bytes static, %lu bytes of stack at most",
            (unsigned long)((char *)__bss_end - (char *)__data_start), (unsigned long)stack_used());
        say("starting %s%s at 0x%08lx", v, res.test_mode ? " (test boot)" : "",
            (unsigned long)base);
        jump(base);
    }
}

void Reset_Handler(void)
{
    __asm__ volatile("cpsid i");
    CM_CPACR |= 0xFu << 20; /* the FPU: the C library may touch it */
    __asm__ volatile("dsb\n isb");
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    CM_VTOR = (uint32_t)(uintptr_t)vectors;
    stack_paint();
    boot_main();
}

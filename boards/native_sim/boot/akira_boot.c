/*
 * akira-boot: native_sim's first stage. It opens the flash image, runs boot/ (resume or
 * do a swap, test boot, revert, validation) and then runs the firmware stored in the
 * primary slot: the image's payload is the akiraos executable, copied from the slot
 * into an anonymous file (memfd_create) and started with fexecve, so an update really
 * changes the code that runs. The firmware's `reboot`, its watchdog and its faults
 * exec akira-boot again (AKIRA_BOOT_EXE), as a reset runs the bootloader.
 *
 *   akira-boot [--image FILE] --flash FLASH.img [akiraos options...]
 *
 * --image FILE: a signed image written into the primary slot, confirmed, as a flashing
 * tool would: on first run (empty slot), and after a development rebuild (FILE differs
 * from the confirmed primary image and is not older); a newer version installed by OTA
 * stays. `make run` passes the build's. --cut-after N (tests): the power dies at the
 * N-th flash write or erase of this boot (the simulated flash's fault injection,
 * torn with --torn), and akira-boot exits with status 4 as a dead device. Every other
 * argument is the firmware's. With no valid image: the recovery console on stdin
 * (docs/boot.md). Exit status: 1 when nothing can boot, 2 for usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <akira/board_config.h>
#include <akira/boot.h>
#include <akira/boot_crypto_sodium.h>
#include <akira/boot_keys.h>
#include <akira/err.h>
#include <akira/native_sim.h>
#include <akira/sim_flash.h>

extern char **environ;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("akira-boot: %s\n", line);
    fflush(stdout);
}

static int die(const char *msg, int rc)
{
    fprintf(stderr, "akira-boot: %s%s%s\n", msg, rc ? ": " : "", rc ? akira_err_str(rc) : "");
    return 1;
}

static int file_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    FILE *f = ctx;
    return fseek(f, (long)off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len ? 0 : AKIRA_EIO;
}

static int recovery(const struct akira_boot_cfg *cfg)
{
    struct akira_boot_recovery rec;
    akira_boot_recovery_init(&rec, cfg);
    printf("akira-boot: no valid image: recovery console (help)\n");
    char line[1024];
    for (;;) {
        printf("recovery> ");
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) return AKIRA_ENOENT;
        line[strcspn(line, "\r\n")] = 0;
        bool go = false;
        (void)akira_boot_recovery_line(&rec, line, &go);
        if (go) return AKIRA_OK;
    }
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int main(int argc, char **argv)
{
    const char *image = NULL, *flash = NULL;
    unsigned long cut_after = 0;
    bool torn = false;
    char **fw_argv = calloc((size_t)argc + 1, sizeof *fw_argv);
    int fw_argc = 0;
    if (!fw_argv) return 1;
    fw_argv[fw_argc++] = "akiraos";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--image") && i + 1 < argc) {
            image = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "--cut-after") && i + 1 < argc) {
            cut_after = strtoul(argv[++i], NULL, 0);
            continue;
        }
        if (!strcmp(argv[i], "--torn")) {
            torn = true;
            continue;
        }
        if (!strcmp(argv[i], "--flash") && i + 1 < argc) flash = argv[i + 1];
        fw_argv[fw_argc++] = argv[i];
    }
    if (!flash) {
        fprintf(stderr, "usage: akira-boot [--image FILE] --flash FLASH.img [akiraos options]\n");
        return 2;
    }
    /* Where a reset comes back to. */
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) return die("cannot find its own executable", 0);
    self[sl] = 0;
    setenv("AKIRA_BOOT_EXE", self, 1);

    bool created = false;
    char why[160];
    int rc =
        akira_board_flash_image_prepare(flash, AKIRA_BOARD_FLASH_SIZE, &created, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akira-boot: %s\n", why);
        return 1;
    }
    struct akira_sim_flash chip;
    rc = akira_sim_flash_open(&chip, "flash0", flash, AKIRA_BOARD_FLASH_SIZE,
                              AKIRA_BOARD_FLASH_SECTOR_SIZE, AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE);
    if (rc) return die("flash image", rc);
    struct akira_boot_cfg cfg = {.keys = akira_boot_keys,
                                 .nkeys = akira_boot_keys_count,
                                 .crypto = akira_boot_crypto_sodium(),
                                 .log = log_line};
    if (!cfg.crypto) return die("libsodium failed to initialise", 0);
    rc = akira_boot_cfg_init(&cfg, &chip.dev);
    if (rc) return die("flash map", rc);

    if (cut_after)
        akira_sim_flash_cut_after(&chip, cut_after,
                                  torn ? AKIRA_SIM_CUT_TORN : AKIRA_SIM_CUT_CLEAN);
    struct akira_boot_result res;
    for (;;) {
        uint64_t t0 = now_us();
        rc = akira_boot_run(&cfg, &res);
        if (rc && akira_sim_flash_is_cut(&chip)) {
            printf("akira-boot: power cut (simulated, at flash operation %lu)\n", cut_after);
            fflush(stdout);
            _exit(4);
        }
        if (rc) return die("boot failed", rc);
        if (res.swap != AKIRA_FW_SWAP_NONE)
            printf("akira-boot: swap done in %llu ms\n",
                   (unsigned long long)((now_us() - t0) / 1000u));
        if (image) {
            bool flashed = false;
            FILE *f = fopen(image, "rb");
            if (!f) {
                fprintf(stderr, "akira-boot: %s: %s\n", image, strerror(errno));
                return 1;
            }
            fseek(f, 0, SEEK_END);
            long size = ftell(f);
            struct akira_fw_reader r = {file_read, f, size > 0 ? (uint32_t)size : 0};
            rc = akira_boot_dev_image(&cfg, &res, &r, image, &flashed);
            fclose(f);
            if (rc) return die("flashing the image failed", rc);
            image = NULL;
            if (flashed) continue;
        }
        if (res.outcome == AKIRA_BOOT_PRIMARY) break;
        if (recovery(&cfg)) return die("recovery console closed", 0);
    }

    /* The payload into an anonymous executable file, then become it. */
    const struct akira_fw_header *h = &res.info.hdr;
    int fd = memfd_create("akiraos", MFD_CLOEXEC);
    if (fd < 0) return die("memfd_create failed", 0);
    uint8_t b[4096];
    for (uint32_t off = 0; off < h->img_size;) {
        uint32_t n = h->img_size - off < sizeof b ? h->img_size - off : (uint32_t)sizeof b;
        if (akira_flash_area_read(&cfg.primary, h->hdr_size + off, b, n)) return die("read", 0);
        if (write(fd, b, n) != (ssize_t)n) return die("write to memfd failed", 0);
        off += n;
    }
    akira_sim_flash_close(&chip);
    fflush(stdout);
    fexecve(fd, fw_argv, environ);
    fprintf(stderr, "akira-boot: fexecve of the primary image failed: %s\n", strerror(errno));
    return 1;
}

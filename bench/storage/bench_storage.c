/*
 * Storage benchmark: settings writes and reads per second, file system write
 * amplification (flash bytes programmed per payload byte) for small synced appends and
 * for large files, and the spread of erase counts after a long random workload.
 * Runs on a RAM-backed simulated flash with the board's geometry and partition sizes,
 * so it measures the code, not the host's disk. Times are CPU time of the process (the
 * machine is shared; the benchmark is single-threaded). Each speed is printed with a
 * reference measured in the same run: the same bytes programmed or read on the raw
 * chip, so the ratio is what the store costs over the flash itself.
 */
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/fs.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "bench_storage: %s failed: %d\n", what, err);
    exit(1);
}

static uint32_t rng = 88172645u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void open_flash(struct akira_sim_flash *f)
{
    int err =
        akira_sim_flash_open(f, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                             AKIRA_BOARD_FLASH_SECTOR_SIZE, AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE);
    if (err) die("flash open", err);
    err = akira_flash_map_init(&f->dev);
    if (err) die("flash map", err);
}

static void spread(struct akira_sim_flash *f, uint32_t off, uint32_t size, const char *what)
{
    uint32_t lo = UINT32_MAX, hi = 0, never = 0;
    uint64_t sum = 0, n = 0;
    /* Sectors never erased hold data that never changed (dynamic levelling leaves it
     * where it is): counted apart, the spread is over the sectors that do wear. */
    for (uint32_t o = off; o < off + size; o += AKIRA_BOARD_FLASH_SECTOR_SIZE) {
        uint32_t c = akira_sim_flash_erase_count(f, o);
        if (c == 0) {
            never++;
            continue;
        }
        n++;
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
        sum += c;
    }
    if (!n) lo = 0;
    printf("  %-30s erases per sector min %u  mean %.1f  max %u  (max/mean %.2f), %u never "
           "erased\n",
           what, lo, n ? (double)sum / (double)n : 0.0, hi,
           sum ? (double)hi * (double)n / (double)sum : 0.0, never);
}

/* Reference for the settings figures: the raw chip programming and reading records of
 * the same size (8-byte header + key + value, rounded to the write block) as a plain
 * ring, erasing each sector when the ring wraps onto it. No CRC, no lookup, no GC. */
static void raw_reference(struct akira_sim_flash *f, const struct akira_flash_area *fa, int n,
                          uint32_t rec, double *writes_s, double *reads_s)
{
    uint8_t buf[64];
    memset(buf, 0x5a, sizeof buf);
    uint32_t per_sector = fa->sector_size / rec, sectors = fa->size / fa->sector_size;
    for (uint32_t s = 0; s < sectors; s++)
        akira_flash_area_erase(fa, s * fa->sector_size, fa->sector_size);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        uint32_t slot = (uint32_t)i % (per_sector * sectors);
        uint32_t sec = slot / per_sector, off = sec * fa->sector_size + (slot % per_sector) * rec;
        if (slot % per_sector == 0 && i >= (int)(per_sector * sectors)) {
            int err = akira_flash_area_erase(fa, sec * fa->sector_size, fa->sector_size);
            if (err) die("raw erase", err);
        }
        int err = akira_flash_area_write(fa, off, buf, rec);
        if (err) die("raw write", err);
    }
    double t1 = now_s();
    for (int i = 0; i < n; i++) {
        uint32_t slot = rnd() % (per_sector * sectors);
        uint32_t off = (slot / per_sector) * fa->sector_size + (slot % per_sector) * rec;
        int err = akira_flash_area_read(fa, off, buf, rec);
        if (err) die("raw read", err);
    }
    double t2 = now_s();
    *writes_s = n / (t1 - t0);
    *reads_s = n / (t2 - t1);
    (void)f;
}

static void bench_settings(void)
{
    struct akira_sim_flash f;
    struct akira_flash_area fa;
    struct akira_settings st;
    char key[32], val[32];
    const int n = 20000, nkeys = 50;
    open_flash(&f);
    int err = akira_flash_area_open(AKIRA_PART_SETTINGS, true, &fa);
    if (!err) err = akira_settings_mount(&st, &fa);
    if (err) die("settings mount", err);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "app/bench/k%d", i % nkeys);
        snprintf(val, sizeof val, "value-%08d", i);
        err = akira_settings_set(&st, key, val, 16);
        if (err) die("settings set", err);
    }
    double t1 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "app/bench/k%d", i % nkeys);
        err = akira_settings_get(&st, key, val, sizeof val);
        if (err != 16) die("settings get", err);
    }
    double t2 = now_s();
    double w = n / (t1 - t0), r = n / (t2 - t1);
    printf("settings (%u KiB partition, %d keys, 16-byte values)\n",
           AKIRA_BOARD_PART_SETTINGS_SIZE / 1024, nkeys);
    printf("  writes: %.0f /s   reads: %.0f /s   garbage collections: %llu\n", w, r,
           (unsigned long long)akira_settings_gc_count(&st));
    spread(&f, AKIRA_BOARD_PART_SETTINGS_OFFSET, AKIRA_BOARD_PART_SETTINGS_SIZE,
           "settings sectors:");
    /* The same record size on the raw chip ("app/bench/kNN" + 16 bytes + 8 of header). */
    double rw, rr;
    raw_reference(&f, &fa, n, 40, &rw, &rr);
    printf("  reference, raw chip, 40-byte records: writes %.0f /s, reads %.0f /s;"
           " settings/raw: writes %.3f, reads %.3f\n",
           rw, rr, w / rw, r / rr);
    akira_sim_flash_close(&f);
}

static struct akira_fs_vol vol;

static void fs_setup(struct akira_sim_flash *f, struct akira_fs *fs)
{
    struct akira_flash_area fa;
    open_flash(f);
    int err = akira_flash_area_open(AKIRA_PART_FS, true, &fa);
    if (!err) err = akira_fs_format(&vol, &fa);
    if (err) die("fs format", err);
    akira_fs_root_view(&vol, fs);
}

static double written(struct akira_sim_flash *f)
{
    struct akira_sim_flash_stats s;
    akira_sim_flash_stats_get(f, &s);
    return (double)s.bytes_written;
}

static void bench_appends(uint32_t line, int count)
{
    struct akira_sim_flash f;
    struct akira_fs fs;
    struct akira_fs_file h;
    static uint8_t buf[4096];
    memset(buf, 'x', sizeof buf);
    fs_setup(&f, &fs);
    int err =
        akira_fs_open(&fs, "/log", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_APPEND, &h);
    if (err) die("open", err);
    akira_sim_flash_stats_reset(&f);
    double t0 = now_s();
    for (int i = 0; i < count; i++) {
        if ((err = akira_fs_write(&h, buf, line)) != (int)line) die("append", err);
        if ((err = akira_fs_sync(&h))) die("sync", err);
    }
    double t1 = now_s();
    printf("  %4u-byte appends, sync after each: WA %.2f  (%.0f appends/s)\n", line,
           written(&f) / ((double)line * count), count / (t1 - t0));
    akira_fs_close(&h);
    akira_sim_flash_close(&f);
}

static void bench_large(uint32_t size)
{
    struct akira_sim_flash f;
    struct akira_fs fs;
    struct akira_fs_file h;
    static uint8_t buf[4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)i;
    fs_setup(&f, &fs);
    akira_sim_flash_stats_reset(&f);
    double t0 = now_s();
    int err = akira_fs_open(&fs, "/big", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h);
    for (uint32_t done = 0; !err && done < size; done += sizeof buf)
        if (akira_fs_write(&h, buf, sizeof buf) != (int)sizeof buf) err = AKIRA_EIO;
    if (!err) err = akira_fs_close(&h);
    if (err) die("large write", err);
    double t1 = now_s();
    double wa1 = written(&f) / size;
    /* Rewrite the middle 64 KiB in place and sync: copy-on-write of those blocks. */
    akira_sim_flash_stats_reset(&f);
    err = akira_fs_open(&fs, "/big", AKIRA_FS_O_WRITE, &h);
    if (!err) err = akira_fs_seek(&h, (int32_t)(size / 2), AKIRA_FS_SEEK_SET) < 0 ? AKIRA_EIO : 0;
    for (int i = 0; !err && i < 16; i++)
        if (akira_fs_write(&h, buf, sizeof buf) != (int)sizeof buf) err = AKIRA_EIO;
    if (!err) err = akira_fs_close(&h);
    if (err) die("rewrite", err);
    printf("  %u KiB file in 4 KiB writes, one sync: WA %.3f  (%.1f MB/s); "
           "64 KiB rewrite: WA %.3f\n",
           size / 1024, wa1, size / (t1 - t0) / 1e6, written(&f) / (16.0 * sizeof buf));
    akira_sim_flash_close(&f);
}

/* Random mix on a volume kept about half full: the erase counts show whether writes
 * spread over all free blocks. */
static void bench_wear(int ops)
{
    struct akira_sim_flash f;
    struct akira_fs fs;
    struct akira_fs_file h;
    static uint8_t buf[8192];
    char path[32];
    const int nfiles = 40;
    memset(buf, 0x42, sizeof buf);
    fs_setup(&f, &fs);
    /* Static data that never changes: dynamic levelling leaves it in place. */
    int err = akira_fs_open(&fs, "/static", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h);
    for (int i = 0; !err && i < 128; i++)
        if (akira_fs_write(&h, buf, sizeof buf) != (int)sizeof buf) err = AKIRA_EIO;
    if (!err) err = akira_fs_close(&h);
    if (err) die("static", err);
    for (int i = 0; i < ops; i++) {
        snprintf(path, sizeof path, "/f%u", rnd() % nfiles);
        uint32_t kind = rnd() % 10;
        if (kind == 0) {
            err = akira_fs_unlink(&fs, path);
            if (err == AKIRA_ENOENT) err = 0;
            if (err) die("unlink", err);
            continue;
        }
        err = akira_fs_open(&fs, path,
                            AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE |
                                (kind < 5 ? AKIRA_FS_O_APPEND : AKIRA_FS_O_TRUNC),
                            &h);
        if (err) die("open", err);
        uint32_t n = kind < 5 ? 16 + rnd() % 200 : rnd() % sizeof buf;
        if (akira_fs_size(&h) > 20000) akira_fs_truncate(&h, 0);
        if ((err = akira_fs_write(&h, buf, n)) != (int)n) die("write", err);
        if ((err = akira_fs_close(&h))) die("close", err);
    }
    struct akira_fs_info info;
    akira_fs_info(&vol, &info);
    printf("erase spread after %d random file operations (%u of %u blocks in use)\n", ops,
           info.blocks_total - info.blocks_free, info.blocks_total);
    uint32_t meta = 32u * AKIRA_BOARD_FLASH_SECTOR_SIZE; /* see fs_vol.c: 1/16, 4..32 sectors */
    spread(&f, AKIRA_BOARD_PART_FS_OFFSET, meta, "fs metadata sectors:");
    spread(&f, AKIRA_BOARD_PART_FS_OFFSET + meta, AKIRA_BOARD_PART_FS_SIZE - meta,
           "fs data blocks:");
    akira_sim_flash_close(&f);
}

static void bench_mount(void)
{
    struct akira_sim_flash f;
    struct akira_fs fs;
    struct akira_fs_file h;
    struct akira_flash_area fa;
    static uint8_t buf[4096];
    char path[32];
    fs_setup(&f, &fs);
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof path, "/m%d", i);
        if (akira_fs_open(&fs, path, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h) ||
            akira_fs_write(&h, buf, 2 * sizeof buf) < 0 || akira_fs_close(&h))
            die("mount setup", AKIRA_EIO);
    }
    akira_flash_area_open(AKIRA_PART_FS, true, &fa);
    /* Median of 5 mounts; the reference is reading the blocks mount must read (the
     * metadata sectors and one index block per file) straight off the chip. */
    double t[5];
    for (int k = 0; k < 5; k++) {
        double t0 = now_s();
        int err = akira_fs_mount(&vol, &fa);
        t[k] = now_s() - t0;
        if (err) die("mount", err);
    }
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            if (t[b] < t[a]) {
                double x = t[a];
                t[a] = t[b];
                t[b] = x;
            }
    double r0 = now_s();
    for (uint32_t o = 0; o < 32u * fa.sector_size; o += sizeof buf)
        akira_flash_area_read(&fa, o, buf, sizeof buf);
    for (int i = 0; i < 200; i++)
        akira_flash_area_read(&fa, (32u + (uint32_t)i * 3u) * fa.sector_size, buf, sizeof buf);
    double raw = now_s() - r0;
    printf("fs mount with 200 files: %.3f ms (median of 5); reference, raw read of the "
           "metadata sectors and 200 blocks: %.3f ms; mount/raw %.1f\n",
           t[2] * 1e3, raw * 1e3, t[2] / raw);
    printf("RAM per volume: %zu bytes, per settings store: %zu bytes\n",
           sizeof(struct akira_fs_vol), sizeof(struct akira_settings));
    akira_sim_flash_close(&f);
}

int main(void)
{
    bench_settings();
    printf("file system write amplification (flash bytes programmed / payload bytes)\n");
    bench_appends(16, 4000);
    bench_appends(128, 4000);
    bench_appends(1024, 1000);
    bench_large(1024 * 1024);
    bench_wear(20000);
    bench_mount();
    return 0;
}

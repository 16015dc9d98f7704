/*
 * App store benchmark: time to install a 100 KB app (stream in 1 KiB pieces, CRC per
 * chunk, read-back check, package scan, engine decode + validate, commit), unsigned
 * and signed (Ed25519ph check streamed from flash), against the raw cost of erasing
 * and programming the same bytes through the flash map, measured in the same run.
 * Then the same app as upstream AkiraOS's .akpkg (gzip tar of app.wasm and
 * manifest.json; docs/compat.md), unsigned and with sig.ed25519 (checked against the
 * trusted keys as it streams, then again from flash), against our module's install.
 * RAM-backed simulated flash with the board's geometry and partitions: it measures the
 * code, not the host's disk. CPU time of the process (the machine is shared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/compat.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/package.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>

#include "akpkg_build.h"

#define APP_SIZE (100u * 1000u) /* bytes: "a 100 KB app" */
#define RUNS     15
#define PIECE    1024u

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "bench_appstore: %s failed: %s\n", what, akira_err_str(err));
    exit(1);
}

/* A package of exactly APP_SIZE bytes: a module with one function, a data-like custom
 * section making up the size (the engine skips it, as it skips nothing else), the
 * manifest; signed with sk when given. */
static size_t make_app_pad(uint8_t *out, const uint8_t *sk, size_t pad, const char *name)
{
    static const uint8_t mod[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01,
                                  0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01,
                                  0x00, 0x07, 0x07, 0x01, 0x03, 'r',  'u',  'n',  0x00,
                                  0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2A, 0x0B};
    char m[64];
    snprintf(m, sizeof m, "name: %s\nversion: 1\n", name);
    static uint8_t fill[2 * APP_SIZE];
    for (size_t i = 0; i < sizeof fill; i++)
        fill[i] = (uint8_t)(i * 2654435761u >> 24);
    memcpy(out, mod, sizeof mod);
    size_t n = akira_package_section_put(out, sizeof mod, "pad", fill, pad);
    n = akira_package_section_put(out, n, AKIRA_MANIFEST_SECTION, m, strlen(m));
    if (sk) {
        uint8_t pay[AKIRA_PKG_SIG_PAYLOAD_LEN];
        if (akira_package_sign(out, n, sk, pay)) die("sign", AKIRA_EINVAL);
        n = akira_package_section_put(out, n, AKIRA_SIGNATURE_SECTION, pay, sizeof pay);
    }
    return n;
}

static size_t make_app_sized(uint8_t *out, const uint8_t *sk, size_t size, const char *name)
{
    size_t n = make_app_pad(out, sk, size / 2, name);
    return make_app_pad(out, sk, size / 2 + (size - n), name); /* same LEB widths */
}

static size_t make_app(uint8_t *out, const uint8_t *sk)
{
    return make_app_sized(out, sk, APP_SIZE, "bench");
}

static double install_ms(const uint8_t *p, size_t n)
{
    struct akira_appstore_writer w;
    struct akira_manifest_error e;
    double t0 = cpu_ms();
    int rc = akira_appstore_install_begin(&w, (uint32_t)n);
    for (size_t off = 0; !rc && off < n; off += PIECE)
        rc = akira_appstore_install_write(&w, p + off, n - off < PIECE ? n - off : PIECE);
    if (!rc) rc = akira_appstore_install_finish(&w, NULL, &e);
    double t = cpu_ms() - t0;
    if (rc) {
        fprintf(stderr, "install: %s: %s\n", e.field, e.reason);
        die("install", rc);
    }
    return t;
}

static double raw_ms(const uint8_t *p, size_t n)
{
    struct akira_flash_area fa;
    int rc = akira_flash_area_open(AKIRA_PART_SCRATCH, true, &fa);
    if (rc) die("scratch open", rc);
    double t0 = cpu_ms();
    uint32_t len = (uint32_t)(n / 4 * 4);
    for (uint32_t off = 0; off < len; off += AKIRA_BOARD_FLASH_SECTOR_SIZE) {
        uint32_t k =
            len - off < AKIRA_BOARD_FLASH_SECTOR_SIZE ? len - off : AKIRA_BOARD_FLASH_SECTOR_SIZE;
        if (akira_flash_area_erase(&fa, off, AKIRA_BOARD_FLASH_SECTOR_SIZE) ||
            akira_flash_area_write(&fa, off, p + off, k))
            die("raw write", AKIRA_EIO);
    }
    return cpu_ms() - t0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof v[0], cmp);
    return v[RUNS / 2];
}

int main(void)
{
    static struct akira_sim_flash f;
    struct akira_storage_report r;
    int rc =
        akira_sim_flash_open(&f, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                             AKIRA_BOARD_FLASH_SECTOR_SIZE, AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE);
    if (rc) die("flash", rc);
    if ((rc = akira_storage_init(&f.dev, &r))) die("storage", rc);
    if ((rc = akira_appstore_init())) die("appstore", rc);
    uint8_t pub[32], sk[64];
    if ((rc = akira_package_keygen(pub, sk))) die("keygen", rc);
    akira_storage_lock();
    rc = akira_trust_key_add(akira_storage_settings(), "bench", pub);
    akira_storage_unlock();
    if (rc) die("trust", rc);

    static uint8_t plain[APP_SIZE + 256], sig[APP_SIZE + 256];
    size_t np = make_app(plain, NULL), ns = make_app(sig, sk);
    double t_un[RUNS], t_sig[RUNS], t_raw[RUNS];
    for (int i = 0; i < RUNS; i++) {
        /* the signed app of the run before may not be replaced by an unsigned package
         * (the upgrade's signer rule): a fresh install; the signed one is an upgrade */
        if (i && (rc = akira_appstore_uninstall("bench"))) die("uninstall", rc);
        t_un[i] = install_ms(plain, np);
        t_sig[i] = install_ms(sig, ns);
        t_raw[i] = raw_ms(plain, np);
    }
    double un = median(t_un), sg = median(t_sig), raw = median(t_raw);
    printf("app store install of a %zu-byte app (median of %d, CPU time, RAM-backed flash):\n", np,
           RUNS);
    printf("  unsigned install          %8.3f ms  (%.1f MB/s)\n", un, np / un / 1e3);
    printf("  signed install (Ed25519ph) %7.3f ms  (%.1f MB/s)\n", sg, ns / sg / 1e3);
    printf("  raw erase+program, same bytes %5.3f ms  (reference)\n", raw);
    printf("  ratio install/raw: unsigned %.1fx, signed %.1fx\n", un / raw, sg / raw);

    /* Upstream's package form of the same app: app.wasm without our manifest, the JSON
     * manifest beside it, optionally signed (docs/compat.md, "Package signatures"). */
    static const char json[] = "{\"name\": \"bench\", \"version\": \"1.0\", \"abi\": \"1.0\"}";
    static uint8_t mod[APP_SIZE + 256], tar[APP_SIZE + 8192], gz1[APP_SIZE + 4096],
        gz2[APP_SIZE + 4096];
    size_t nm = make_app(mod, NULL);
    nm -= 1u + 1u + 1u + sizeof AKIRA_MANIFEST_SECTION - 1u + strlen("name: bench\nversion: 1\n");
    static uint8_t signed_mod[APP_SIZE + 256];
    memcpy(signed_mod, mod, nm);
    size_t nsm = akira_package_section_put(signed_mod, nm, AKIRA_COMPAT_MANIFEST_SECTION, json,
                                           strlen(json));
    uint8_t pay[AKIRA_PKG_SIG_PAYLOAD_LEN];
    if (akira_package_sign(signed_mod, nsm, sk, pay)) die("sign", AKIRA_EINVAL);
    struct akpkg_member m[3] = {{"manifest.json", json, strlen(json)},
                                {"app.wasm", mod, nm},
                                {"sig.ed25519", pay + AKIRA_PKG_KEY_ID_LEN, AKIRA_PKG_SIG_LEN}};
    size_t ng1 = akpkg_build(m, 2, tar, sizeof tar, gz1, sizeof gz1);
    size_t ng2 = akpkg_build(m, 3, tar, sizeof tar, gz2, sizeof gz2);
    if (!ng1 || !ng2) die("akpkg", AKIRA_ENOMEM);
    double t_pk[RUNS], t_pks[RUNS];
    for (int i = 0; i < RUNS; i++) {
        /* fresh installs: an unsigned package may not replace a signed app */
        if ((rc = akira_appstore_uninstall("bench"))) die("uninstall", rc);
        t_pk[i] = install_ms(gz1, ng1);
        if ((rc = akira_appstore_uninstall("bench"))) die("uninstall", rc);
        t_pks[i] = install_ms(gz2, ng2);
    }
    double pk = median(t_pk), pks = median(t_pks);
    printf("the same app as upstream's .akpkg (%zu bytes gzip; median of %d):\n", ng1, RUNS);
    printf("  .akpkg install              %7.3f ms\n", pk);
    printf("  .akpkg signed (sig.ed25519) %7.3f ms\n", pks);
    printf("  ratio to our module's install: unsigned %.2fx, signed %.2fx (to our signed)\n",
           pk / un, pks / sg);

    /* Boot cost: mounting a full store (8 apps of 200 KB) reads and CRC-checks every
     * installed byte and scans every package; against reading the same bytes raw. */
    static uint8_t big[2 * APP_SIZE + 256];
    if ((rc = akira_appstore_uninstall("bench"))) die("uninstall", rc);
    size_t nb = 0;
    for (int i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "app%d", i);
        nb = make_app_sized(big, NULL, 2 * APP_SIZE, name);
        install_ms(big, nb);
    }
    double t_mount[RUNS], t_read[RUNS];
    struct akira_flash_area fa;
    if ((rc = akira_flash_area_open(AKIRA_PART_APPSTORE, false, &fa))) die("open", rc);
    for (int i = 0; i < RUNS; i++) {
        double t0 = cpu_ms();
        if ((rc = akira_appstore_init())) die("mount", rc);
        t_mount[i] = cpu_ms() - t0;
        t0 = cpu_ms();
        for (int a = 0; a < AKIRA_BOARD_APPS_INSTALLED_MAX; a++) {
            for (uint32_t off = 0; off < nb; off += 256)
                if (akira_flash_area_read(&fa, (uint32_t)a * AKIRA_BOARD_APP_SLOT_SIZE + off, big,
                                          256))
                    die("read", AKIRA_EIO);
        }
        t_read[i] = cpu_ms() - t0;
    }
    if (akira_appstore_count() != AKIRA_BOARD_APPS_INSTALLED_MAX) die("count", AKIRA_ECORRUPT);
    double mo = median(t_mount), rd = median(t_read);
    printf("mount of a full store (%d apps of %zu bytes):\n", AKIRA_BOARD_APPS_INSTALLED_MAX, nb);
    printf("  mount (CRC check + scan)   %7.3f ms\n", mo);
    printf("  raw read, same bytes        %7.3f ms  (reference)\n", rd);
    printf("  ratio mount/raw read: %.1fx\n", mo / rd);
    akira_appstore_deinit();
    akira_storage_deinit();
    akira_sim_flash_close(&f);
    return 0;
}

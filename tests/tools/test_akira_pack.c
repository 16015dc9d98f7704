/*
 * The `akira` host tool end to end: keygen, pack (from flags and from a manifest
 * file, re-packing a packed file), inspect; what it writes is checked by the device's
 * own code (package scan, trust policy), and one tampered byte fails there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/package.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>
#include <akira/trust.h>
#include <akira/wasm.h>

#include "../runtime/pkg_build.h"
#include "aot_format.h"

static char dir[] = "/tmp/akira-pack-XXXXXX";

/* Run a shell command in the test directory; returns its exit status. Output goes
 * to out.txt there. */
static int run(const char *fmt, ...)
{
    char cmd[2048], full[2300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd %s && %s > out.txt 2>&1", dir, cmd);
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static void spit(const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    /* The input: a module with code and a stale manifest that pack must replace. */
    static uint8_t in[4096];
    size_t n = pb_package(in, "name: stale\nversion: 0\n", 500, 0x33);
    spit("in.wasm", in, n);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Device-side check of a packed file against a settings store trusting dev.pub. */
static int device_check(const uint8_t *data, size_t n, char *signer, bool trust_dev)
{
    static struct akira_sim_flash fl;
    struct akira_flash_area fa;
    struct akira_settings st;
    assert_int_equal(akira_sim_flash_open(&fl, "t", NULL, 4 * 4096, 4096, 4), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&fl.dev, "s", 0, 4 * 4096, true, &fa), AKIRA_OK);
    assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
    assert_int_equal(akira_trust_set_allow_unsigned(&st, false), AKIRA_OK);
    if (trust_dev) {
        size_t kl;
        char *hex = slurp("dev.pub", &kl);
        uint8_t pub[32];
        hex[64] = '\0';
        assert_int_equal(akira_trust_pub_from_hex(hex, pub), AKIRA_OK);
        assert_int_equal(akira_trust_key_add(&st, "dev", pub), AKIRA_OK);
    }
    struct akira_package_buf b = {data, n};
    struct akira_package pkg;
    int rc = akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, &pkg, NULL);
    if (!rc) rc = akira_trust_check(&st, akira_package_buf_read, &b, &pkg, signer, NULL);
    akira_sim_flash_close(&fl);
    return rc;
}

static void test_keygen_pack_inspect(void **state)
{
    (void)state;
    assert_int_equal(run("%s keygen dev", AKIRA_TOOL), 0);
    size_t kl;
    char *key = slurp("dev.key", &kl);
    assert_int_equal(kl, 129); /* 128 hex digits and a newline */
    slurp("dev.pub", &kl);
    assert_int_equal(kl, 65);

    assert_int_equal(run("%s pack in.wasm -o app.wasm --name hello --version 1.0 --caps timer,ipc "
                         "--memory-quota 128K --autostart --restart 'on-failure max_retries=2' "
                         "--description 'says hi' --key dev.key",
                         AKIRA_TOOL),
                     0);
    size_t n;
    static uint8_t app[8192];
    {
        const char *d_ = slurp("app.wasm", &n);
        memcpy(app, d_, n);
    }
    struct akira_package_buf b = {app, n};
    struct akira_package pkg;
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, &pkg, NULL),
                     AKIRA_OK);
    assert_string_equal(pkg.manifest.name, "hello"); /* the stale one is gone */
    assert_int_equal(pkg.manifest.caps, AKIRA_CAP_TIMER | AKIRA_CAP_IPC);
    assert_int_equal(pkg.manifest.memory_quota, 128 * 1024);
    assert_true(pkg.manifest.autostart);
    assert_int_equal(pkg.manifest.restart_max_retries, 2);
    assert_string_equal(pkg.manifest.description, "says hi");
    assert_true(pkg.is_signed);

    char signer[AKIRA_TRUST_KEY_NAME_MAX + 1];
    assert_int_equal(device_check(app, n, signer, true), AKIRA_OK);
    assert_string_equal(signer, "dev");
    assert_int_equal(device_check(app, n, signer, false), AKIRA_ESIG);
    /* One tampered byte (in the code section) fails on the device. */
    app[20 + 5] ^= 0x01;
    assert_int_equal(device_check(app, n, signer, true), AKIRA_ESIG);
    app[20 + 5] ^= 0x01;

    assert_int_equal(run("%s inspect app.wasm --pub dev.pub", AKIRA_TOOL), 0);
    char *out = slurp("out.txt", NULL);
    assert_non_null(strstr(out, "name: hello"));
    assert_non_null(strstr(out, "capabilities: timer, ipc"));
    assert_non_null(strstr(out, "valid (dev.pub)"));
    assert_int_equal(run("%s inspect app.wasm", AKIRA_TOOL), 0);
    assert_non_null(strstr(slurp("out.txt", NULL), "not verified"));
    /* Inspect with another key says INVALID and fails. */
    assert_int_equal(run("%s keygen other", AKIRA_TOOL), 0);
    assert_int_equal(run("%s inspect app.wasm --pub other.pub", AKIRA_TOOL), 1);
    assert_non_null(strstr(slurp("out.txt", NULL), "INVALID"));
    /* A tampered file on disk: inspect says INVALID. */
    app[30] ^= 0x01;
    spit("bad.wasm", app, n);
    app[30] ^= 0x01;
    assert_int_equal(run("%s inspect bad.wasm --pub dev.pub", AKIRA_TOOL), 1);
    (void)key;
}

static void test_pack_manifest_file_and_repack(void **state)
{
    (void)state;
    const char *m = "# from a file\nname: counter\nversion: 2\ncapabilities: storage\n";
    spit("counter.manifest", m, strlen(m));
    assert_int_equal(run("%s pack in.wasm -o c.wasm --manifest counter.manifest", AKIRA_TOOL), 0);
    /* Re-pack the packed output with a key: one manifest, the signature last. */
    assert_int_equal(
        run("%s pack c.wasm -o c2.wasm --manifest counter.manifest --key dev.key", AKIRA_TOOL), 0);
    assert_int_equal(
        run("%s pack c2.wasm -o c3.wasm --name counter --version 3 --key dev.key", AKIRA_TOOL), 0);
    size_t n;
    static uint8_t app[8192];
    {
        const char *d_ = slurp("c3.wasm", &n);
        memcpy(app, d_, n);
    }
    char signer[AKIRA_TRUST_KEY_NAME_MAX + 1];
    assert_int_equal(device_check(app, n, signer, true), AKIRA_OK);
    struct akira_package_buf b = {app, n};
    struct akira_package pkg;
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, &pkg, NULL),
                     AKIRA_OK);
    assert_string_equal(pkg.manifest.version, "3");
    /* Unsigned output: refused by a device that allows no unsigned apps. */
    {
        const char *d_ = slurp("c.wasm", &n);
        memcpy(app, d_, n);
    }
    assert_int_equal(device_check(app, n, signer, true), AKIRA_ESIG);
}

/* akira pack --aot puts the native code's image at its alignment within the package
 * (a padding section before it when needed), so that a board whose flash is
 * memory-mapped runs it in place (docs/aot.md): whatever comes before it (names of
 * every length), and again after a repack; a repack without --aot drops the padding. */
/* The package `name` wrote by akira pack, loaded by the engine from app (which must
 * outlive the module: it is the module's reader). */
static aw_module *load_package(const char *name, uint8_t *app, size_t cap)
{
    size_t n;
    const char *d = slurp(name, &n);
    assert_true(n <= cap);
    memcpy(app, d, n);
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, app, n, &err);
    assert_non_null(m);
    return m;
}

static void test_pack_aot_aligned(void **state)
{
    (void)state;
    static uint8_t app[1 << 16];
    int padded = 0;
    for (int len = 1; len <= 20; len++) {
        char name[32];
        snprintf(name, sizeof name, "%.*s", len, "abcdefghijklmnopqrstuvwxyz");
        assert_int_equal(
            run("%s pack in.wasm -o a.wasm --name %s --version 1 --aot x86_64", AKIRA_TOOL, name),
            0);
        for (int again = 0; again < 2; again++) {
            if (again)
                assert_int_equal(run("%s pack a.wasm -o a.wasm --name %s --version 2 --aot x86_64",
                                     AKIRA_TOOL, name),
                                 0);
            aw_module *m = load_package("a.wasm", app, sizeof app);
            uint32_t off, size, pad_off, pad_size;
            assert_true(aw_module_custom_section(m, "akira-aot.x86_64", &off, &size));
            padded += aw_module_custom_section(m, "akira-aot.pad", &pad_off, &pad_size);
            aw_module_delete(m);
            assert_true(size > AW_AOT_HEADER_SIZE);
            uint32_t align = aw_aot_rd32(app + off + AW_AOT_OFF_IMGALIGN);
            uint32_t img = off + AW_AOT_HEADER_SIZE +
                           8u * aw_aot_rd32(app + off + AW_AOT_OFF_NRELOCS) +
                           aw_aot_rd32(app + off + AW_AOT_OFF_IMGPAD);
            assert_true(align >= 16);
            assert_int_equal(img % align, 0);
        }
    }
    assert_true(padded > 0); /* some lengths needed the padding section */
    assert_int_equal(run("%s pack a.wasm -o b.wasm --name x --version 3", AKIRA_TOOL), 0);
    aw_module *m = load_package("b.wasm", app, sizeof app);
    uint32_t off, size;
    assert_false(aw_module_custom_section(m, "akira-aot.pad", &off, &size));
    assert_false(aw_module_custom_section(m, "akira-aot.x86_64", &off, &size));
    aw_module_delete(m);
}

static void test_pack_refusals(void **state)
{
    (void)state;
    /* A manifest error names the field, and nothing is written. */
    assert_int_equal(
        run("%s pack in.wasm -o x.wasm --name hello --version 1 --caps warp", AKIRA_TOOL), 1);
    assert_non_null(strstr(slurp("out.txt", NULL), "capabilities: unknown capability 'warp'"));
    char x[512];
    snprintf(x, sizeof x, "%s/x.wasm", dir);
    assert_int_equal(access(x, F_OK), -1);
    assert_int_equal(run("%s pack in.wasm -o x.wasm --name hello", AKIRA_TOOL), 1);
    assert_non_null(strstr(slurp("out.txt", NULL), "version: required key missing"));
    /* Usage errors. */
    assert_int_equal(run("%s pack in.wasm --name a --version 1", AKIRA_TOOL), 2);
    assert_int_equal(run("%s pack in.wasm -o x.wasm", AKIRA_TOOL), 2);
    assert_int_equal(run("%s pack in.wasm -o x.wasm --bogus 1", AKIRA_TOOL), 2);
    assert_int_equal(run("%s frobnicate", AKIRA_TOOL), 2);
    /* Not wasm, or a module the engine refuses. */
    spit("text.wasm", "hello", 5);
    assert_int_equal(run("%s pack text.wasm -o x.wasm --name a --version 1", AKIRA_TOOL), 1);
    spit("broken.wasm", "\0asm\1\0\0\0\1\3\1\x61\0", 13);
    assert_int_equal(run("%s pack broken.wasm -o x.wasm --name a --version 1", AKIRA_TOOL), 1);
    assert_non_null(strstr(slurp("out.txt", NULL), "does not load"));
    /* A bad key file. */
    spit("bad.key", "zz\n", 3);
    assert_int_equal(
        run("%s pack in.wasm -o x.wasm --name a --version 1 --key bad.key", AKIRA_TOOL), 1);
    assert_int_equal(run("%s inspect text.wasm", AKIRA_TOOL), 1);
    assert_non_null(strstr(slurp("out.txt", NULL), "not an app package"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keygen_pack_inspect),
        cmocka_unit_test(test_pack_manifest_file_and_repack),
        cmocka_unit_test(test_pack_refusals),
        cmocka_unit_test(test_pack_aot_aligned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

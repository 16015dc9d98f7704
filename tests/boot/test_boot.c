/*
 * boot/ on a RAM flash: upgrade, test boot, confirm, revert, every refusal, the
 * security counter, the recovery console, and power cuts (clean and torn) at every
 * flash write and erase of a download + upgrade + revert and of an upgrade + confirm.
 * After each cut the next boot must boot a whole, valid, signed image (the old or the
 * new one), and the area beside the slots (app data) must be untouched.
 *
 * Geometry: 4 KiB sectors, 4-byte write blocks; slots of 6 sectors (5 for the image),
 * scratch of 3 (one status sector, two copy buffers), the counter's 2, 2 of app data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <akira/boot.h>
#include <akira/boot_crypto_sodium.h>
#include <akira/err.h>
#include <akira/sim_flash.h>

#define SS       4096u
#define SLOT     (6u * SS)
#define P_OFF    0u
#define S_OFF    SLOT
#define X_OFF    (2u * SLOT)
#define X_SIZE   (3u * SS)
#define C_OFF    (X_OFF + X_SIZE)
#define D_OFF    (C_OFF + 2u * SS)
#define D_SIZE   (2u * SS)
#define FLASH_SZ (D_OFF + D_SIZE)

static struct akira_sim_flash fl;
static struct akira_boot_cfg cfg;
static struct akira_fw_key keys[1];
static uint8_t sk[64], sk_other[64];
static char last_log[4][200];
static int nlog;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    snprintf(last_log[nlog % 4], sizeof last_log[0], "%s", line);
    nlog++;
}

static bool logged(const char *needle)
{
    for (int i = 0; i < 4; i++)
        if (strstr(last_log[i], needle)) return true;
    return false;
}

struct img {
    uint8_t *d;
    size_t n;
};

/* A signed image of `payload` bytes whose content depends on `seed`. */
static struct img make(const char *ver, size_t payload, uint8_t seed, const uint8_t *key,
                       int sec_cnt)
{
    struct akira_boot_sign_opts o = {.hdr_size = 0x200};
    assert_int_equal(akira_fw_version_parse(ver, &o.ver), AKIRA_OK);
    if (sec_cnt >= 0) o.has_sec_cnt = true, o.sec_cnt = (uint32_t)sec_cnt;
    uint8_t *p = malloc(payload);
    for (size_t i = 0; i < payload; i++)
        p[i] = (uint8_t)(seed + i * 31 + (i >> 9));
    struct img im = {malloc(akira_boot_image_size(&o, payload)),
                     akira_boot_image_size(&o, payload)};
    assert_int_equal(akira_boot_image_sign(p, payload, &o, key, im.d), AKIRA_OK);
    free(p);
    return im;
}

static void setup_flash(void)
{
    akira_sim_flash_close(&fl);
    assert_int_equal(akira_sim_flash_open(&fl, "flash0", NULL, FLASH_SZ, SS, 4), AKIRA_OK);
    akira_sim_flash_seed(&fl, 1234);
    const struct akira_device *d = &fl.dev;
    assert_int_equal(akira_flash_area_from_range(d, "image-0", P_OFF, SLOT, true, &cfg.primary), 0);
    assert_int_equal(akira_flash_area_from_range(d, "image-1", S_OFF, SLOT, true, &cfg.secondary),
                     0);
    assert_int_equal(akira_flash_area_from_range(d, "scratch", X_OFF, X_SIZE, true, &cfg.scratch),
                     0);
    assert_int_equal(akira_flash_area_from_range(d, "counter", C_OFF, 2 * SS, true, &cfg.counter),
                     0);
    cfg.crypto = akira_boot_crypto_sodium();
    cfg.keys = keys;
    cfg.nkeys = 1;
    cfg.log = log_line;
    /* App data beside the slots: a pattern that must survive everything. */
    uint8_t b[256];
    for (uint32_t off = 0; off < D_SIZE; off += sizeof b) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)(off / 256 + i);
        assert_int_equal(akira_flash_write(d, D_OFF + off, b, sizeof b), 0);
    }
}

static void data_untouched(void)
{
    uint8_t b[256];
    for (uint32_t off = 0; off < D_SIZE; off += sizeof b) {
        assert_int_equal(akira_flash_read(&fl.dev, D_OFF + off, b, sizeof b), 0);
        for (size_t i = 0; i < sizeof b; i++)
            assert_int_equal(b[i], (uint8_t)(off / 256 + i));
    }
}

/* Write an image into a slot as the OTA manager does (erase, chunks). */
static int download(const struct akira_flash_area *slot, const struct img *im)
{
    for (uint32_t off = 0; off < slot->size; off += SS) {
        if (akira_flash_area_is_erased(slot, off, SS)) continue;
        int rc = akira_flash_area_erase(slot, off, SS);
        if (rc) return rc;
    }
    for (size_t off = 0; off < im->n; off += 512) {
        size_t n = im->n - off < 512 ? im->n - off : 512;
        uint8_t b[512];
        memset(b, 0xFF, sizeof b);
        memcpy(b, im->d + off, n);
        int rc = akira_flash_area_write(slot, (uint32_t)off, b, (n + 3) & ~3u);
        if (rc) return rc;
    }
    return AKIRA_OK;
}

/* A flashing tool: the image in the primary slot, confirmed. */
static void flash_primary(const struct img *im)
{
    assert_int_equal(download(&cfg.primary, im), 0);
    uint8_t one = 1;
    assert_int_equal(
        akira_fw_trailer_write(&cfg.primary, SLOT, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1), 0);
    assert_int_equal(akira_fw_trailer_write_magic(&cfg.primary, SLOT), 0);
}

static bool slot_holds(const struct akira_flash_area *slot, const struct img *im)
{
    uint8_t *b = malloc(im->n);
    bool same = akira_flash_area_read(slot, 0, b, im->n) == 0 && !memcmp(b, im->d, im->n);
    free(b);
    return same;
}

static struct img A, B, C_old, D_unknown, E_cnt5, F_cnt2;

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    crypto_sign_keypair(keys[0].pub, sk);
    keys[0].name = "dev";
    uint8_t pub2[32];
    crypto_sign_keypair(pub2, sk_other);
    A = make("1.0.0", 9000, 1, sk, -1);
    B = make("1.1.0", 13000, 2, sk, -1); /* larger: the swap moves 4 sectors */
    C_old = make("0.9.0", 5000, 3, sk, -1);
    D_unknown = make("2.0.0", 5000, 4, sk_other, -1);
    E_cnt5 = make("3.0.0", 5000, 5, sk, 5);
    F_cnt2 = make("3.1.0", 5000, 6, sk, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_sim_flash_close(&fl);
    free(A.d), free(B.d), free(C_old.d), free(D_unknown.d), free(E_cnt5.d), free(F_cnt2.d);
    return 0;
}

static void boot_ok(struct akira_boot_result *r)
{
    assert_int_equal(akira_boot_run(&cfg, r), AKIRA_OK);
}

static void upgrade_test_confirm_revert(void **state)
{
    (void)state;
    struct akira_boot_result r;
    setup_flash();
    flash_primary(&A);
    boot_ok(&r);
    assert_int_equal(r.outcome, AKIRA_BOOT_PRIMARY);
    assert_false(r.test_mode);
    /* test upgrade, not confirmed: runs once, then reverts */
    assert_int_equal(download(&cfg.secondary, &B), 0);
    assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, false), 0);
    assert_int_equal(akira_fw_swap_type_get(&cfg.primary, &cfg.secondary), AKIRA_FW_SWAP_TEST);
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_TEST);
    assert_true(r.test_mode);
    assert_true(slot_holds(&cfg.primary, &B));
    assert_true(slot_holds(&cfg.secondary, &A));
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_REVERT);
    assert_false(r.test_mode);
    assert_true(slot_holds(&cfg.primary, &A));
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_NONE);
    assert_true(slot_holds(&cfg.primary, &A));
    /* again, confirmed this time: stays */
    assert_int_equal(download(&cfg.secondary, &B), 0);
    assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, false), 0);
    boot_ok(&r);
    assert_true(r.test_mode);
    assert_int_equal(akira_fw_slot_confirm(&cfg.primary), 0);
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_NONE);
    assert_false(r.test_mode);
    assert_true(slot_holds(&cfg.primary, &B));
    /* permanent upgrade: no test mode at all */
    assert_int_equal(download(&cfg.secondary, &E_cnt5), 0);
    assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, true), 0);
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_PERM);
    assert_false(r.test_mode);
    assert_true(slot_holds(&cfg.primary, &E_cnt5));
    assert_int_equal(r.security_counter, 5);
    data_untouched();
}

/* Each bad secondary: refused, erased with a log line, the primary untouched. */
static void bad_updates_erased(void **state)
{
    (void)state;
    struct akira_boot_result r;
    setup_flash();
    flash_primary(&A);
    struct {
        const struct img *im;
        int corrupt; /* byte to flip, -1 none */
        const char *log;
    } cases[] = {
        {&C_old, -1, "older version"}, {&D_unknown, -1, "unknown key"},
        {&B, 0x300, "bad hash"},       {&B, (int)B.n - 1, "bad signature"},
        {&B, 0, "no image magic"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct img im = {malloc(cases[i].im->n), cases[i].im->n};
        memcpy(im.d, cases[i].im->d, im.n);
        if (cases[i].corrupt >= 0) im.d[cases[i].corrupt] ^= 0x01;
        assert_int_equal(download(&cfg.secondary, &im), 0);
        free(im.d);
        assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, false), 0);
        boot_ok(&r);
        assert_int_equal(r.swap, AKIRA_FW_SWAP_NONE);
        assert_true(slot_holds(&cfg.primary, &A));
        assert_true(logged(cases[i].log));
        assert_true(logged("secondary slot"));
        assert_true(akira_flash_area_is_erased(&cfg.secondary, 0, SLOT));
    }
    /* truncated: the secondary holds the image minus its signature */
    struct img t = {B.d, B.n - 70};
    assert_int_equal(download(&cfg.secondary, &t), 0);
    assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, false), 0);
    boot_ok(&r);
    assert_true(slot_holds(&cfg.primary, &A));
    assert_true(akira_flash_area_is_erased(&cfg.secondary, 0, SLOT));
    data_untouched();
}

static void security_counter_blocks_downgrade(void **state)
{
    (void)state;
    struct akira_boot_result r;
    setup_flash();
    flash_primary(&E_cnt5);
    boot_ok(&r);
    assert_int_equal(r.security_counter, 5);
    /* F has a newer version but counter 2: refused */
    assert_int_equal(download(&cfg.secondary, &F_cnt2), 0);
    assert_int_equal(akira_fw_slot_set_pending(&cfg.secondary, false), 0);
    boot_ok(&r);
    assert_int_equal(r.swap, AKIRA_FW_SWAP_NONE);
    assert_true(logged("security counter"));
    /* the counter survives its sectors filling up and being recycled */
    for (uint32_t v = 6; v < 1200; v++)
        assert_int_equal(akira_boot_counter_raise(&cfg, v), 0);
    uint32_t c;
    assert_int_equal(akira_boot_counter_get(&cfg, &c), 0);
    assert_int_equal(c, 1199);
    assert_int_equal(akira_boot_counter_raise(&cfg, 3), 0);
    assert_int_equal(akira_boot_counter_get(&cfg, &c), 0);
    assert_int_equal(c, 1199);
}

static void corrupt_primary_recovery(void **state)
{
    (void)state;
    struct akira_boot_result r;
    setup_flash();
    flash_primary(&A);
    uint8_t z[4] = {0};
    assert_int_equal(akira_flash_area_write(&cfg.primary, 0x400, z, 4), 0);
    boot_ok(&r);
    assert_int_equal(r.outcome, AKIRA_BOOT_NO_IMAGE);
    assert_true(logged("primary slot: bad hash"));
    assert_true(akira_flash_area_is_erased(&cfg.primary, 0, SLOT));
    boot_ok(&r);
    assert_int_equal(r.outcome, AKIRA_BOOT_NO_IMAGE);
    assert_true(logged("primary slot: empty"));
    /* the recovery console takes an image in hex lines */
    struct akira_boot_recovery rec;
    akira_boot_recovery_init(&rec, &cfg);
    bool go = false;
    assert_int_equal(akira_boot_recovery_line(&rec, "write 0 00", &go), AKIRA_OK);
    assert_int_equal(akira_boot_recovery_line(&rec, "write 0 00", &go), AKIRA_EINVAL);
    assert_true(logged("write expects OFFSET 1"));
    assert_int_equal(akira_boot_recovery_line(&rec, "erase", &go), AKIRA_OK);
    char line[600];
    for (size_t off = 0; off < A.n; off += 200) {
        size_t n = A.n - off < 200 ? A.n - off : 200;
        int k = snprintf(line, sizeof line, "write %zu ", off);
        for (size_t i = 0; i < n; i++)
            k += snprintf(line + k, sizeof line - (size_t)k, "%02x", A.d[off + i]);
        assert_int_equal(akira_boot_recovery_line(&rec, line, &go), AKIRA_OK);
    }
    assert_int_equal(akira_boot_recovery_line(&rec, "boot", &go), AKIRA_OK);
    assert_true(go);
    boot_ok(&r);
    assert_int_equal(r.outcome, AKIRA_BOOT_PRIMARY);
    assert_true(slot_holds(&cfg.primary, &A));
    /* an image by an unknown key is refused */
    akira_boot_recovery_init(&rec, &cfg);
    assert_int_equal(akira_boot_recovery_line(&rec, "erase", &go), AKIRA_OK);
    for (size_t off = 0; off < D_unknown.n; off += 200) {
        size_t n = D_unknown.n - off < 200 ? D_unknown.n - off : 200;
        int k = snprintf(line, sizeof line, "write %zu ", off);
        for (size_t i = 0; i < n; i++)
            k += snprintf(line + k, sizeof line - (size_t)k, "%02x", D_unknown.d[off + i]);
        assert_int_equal(akira_boot_recovery_line(&rec, line, &go), AKIRA_OK);
    }
    assert_int_equal(akira_boot_recovery_line(&rec, "boot", &go), AKIRA_ESIG);
    assert_false(go);
    assert_true(logged("refused: signed by an unknown key"));
    data_untouched();
}

/* --- power cuts ------------------------------------------------------------------------ */

/* The whole story under a cut armed at operation `cut` (0: none). Returns true when it
 * ran to its end without being cut. confirm: the new image confirms itself. */
static bool story(uint64_t cut, enum akira_sim_cut_mode mode, bool confirm)
{
    struct akira_boot_result r;
    akira_sim_flash_cut_after(&fl, cut, mode);
    if (download(&cfg.secondary, &B)) return false;
    if (akira_fw_slot_set_pending(&cfg.secondary, false)) return false;
    if (akira_boot_run(&cfg, &r)) return false;
    if (confirm && akira_fw_slot_confirm(&cfg.primary)) return false;
    if (akira_boot_run(&cfg, &r)) return false;
    return !akira_sim_flash_is_cut(&fl);
}

static void after_cut(bool confirm)
{
    struct akira_boot_result r;
    akira_sim_flash_reboot(&fl);
    /* The boot right after the power came back: a whole, valid old or new image. */
    boot_ok(&r);
    assert_int_equal(r.outcome, AKIRA_BOOT_PRIMARY);
    bool is_a = slot_holds(&cfg.primary, &A), is_b = slot_holds(&cfg.primary, &B);
    assert_true(is_a || is_b);
    if (is_a) assert_false(r.test_mode);
    /* Without a confirmation, a few more resets settle on A, confirmed; with it, B may
     * stay (confirmed) or A (a cut before the confirmation landed). */
    for (int i = 0; i < 3; i++)
        boot_ok(&r);
    assert_false(r.test_mode);
    if (!confirm) assert_true(slot_holds(&cfg.primary, &A));
    assert_true(slot_holds(&cfg.primary, &A) || slot_holds(&cfg.primary, &B));
    data_untouched();
}

static void cuts(enum akira_sim_cut_mode mode, bool confirm)
{
    setup_flash();
    flash_primary(&A);
    struct akira_sim_flash_stats s0, s1;
    akira_sim_flash_stats_get(&fl, &s0);
    assert_true(story(0, mode, confirm));
    akira_sim_flash_stats_get(&fl, &s1);
    uint64_t ops = (s1.writes - s0.writes) + (s1.erases - s0.erases);
    assert_true(slot_holds(&cfg.primary, confirm ? &B : &A));
    for (uint64_t k = 1; k <= ops; k++) {
        setup_flash();
        flash_primary(&A);
        assert_false(story(k, mode, confirm));
        after_cut(confirm);
    }
    print_message("%s cuts at each of %llu operations (%s)\n",
                  mode == AKIRA_SIM_CUT_TORN ? "torn" : "clean", (unsigned long long)ops,
                  confirm ? "upgrade, confirm" : "upgrade, revert");
}

static void cuts_clean_revert(void **state)
{
    (void)state;
    cuts(AKIRA_SIM_CUT_CLEAN, false);
}

static void cuts_torn_revert(void **state)
{
    (void)state;
    cuts(AKIRA_SIM_CUT_TORN, false);
}

static void cuts_clean_confirm(void **state)
{
    (void)state;
    cuts(AKIRA_SIM_CUT_CLEAN, true);
}

static void cuts_torn_confirm(void **state)
{
    (void)state;
    cuts(AKIRA_SIM_CUT_TORN, true);
}

/* A cut during the recovery boot itself, twice in a row, still converges. */
static void cuts_during_resume(void **state)
{
    (void)state;
    setup_flash();
    flash_primary(&A);
    for (uint64_t k = 5; k < 120; k += 7) {
        setup_flash();
        flash_primary(&A);
        assert_false(story(k + 40, AKIRA_SIM_CUT_TORN, false));
        akira_sim_flash_reboot(&fl);
        struct akira_boot_result r;
        akira_sim_flash_cut_after(&fl, k % 13 + 1, AKIRA_SIM_CUT_TORN);
        (void)akira_boot_run(&cfg, &r);
        after_cut(false);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upgrade_test_confirm_revert),
        cmocka_unit_test(bad_updates_erased),
        cmocka_unit_test(security_counter_blocks_downgrade),
        cmocka_unit_test(corrupt_primary_recovery),
        cmocka_unit_test(cuts_clean_revert),
        cmocka_unit_test(cuts_torn_revert),
        cmocka_unit_test(cuts_clean_confirm),
        cmocka_unit_test(cuts_torn_confirm),
        cmocka_unit_test(cuts_during_resume),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

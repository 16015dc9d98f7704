/* The shell's `keys` command: add, list, remove trusted keys and the unsigned switch,
 * on the storage service's settings, with clear refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/shell.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>

#include "../shell/fake_io.h"

static struct akira_sim_flash fl;
static struct fake_io fio;
static struct akira_shell sh;

static const char *const HEX = "19f427af278271e7e5254c0789908bda155232af6bc7f5764264b7fcc60c6fb2";

static int run(const char *line)
{
    fake_io_clear_output(&fio);
    return akira_shell_execute(&sh, line);
}

static void test_without_storage(void **state)
{
    (void)state;
    fake_io_init(&fio, "", 0, false);
    akira_shell_init(&sh, &fio.io, "t> ");
    assert_int_equal(run("keys list"), AKIRA_ESTATE);
    assert_non_null(strstr(fio.out, "not up"));
}

static void test_keys(void **state)
{
    (void)state;
    struct akira_storage_report r;
    assert_int_equal(akira_sim_flash_open(&fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     AKIRA_OK);
    assert_int_equal(akira_storage_init(&fl.dev, &r), AKIRA_OK);
    char line[200];
    snprintf(line, sizeof line, "keys add dev %s", HEX);
    assert_int_equal(run(line), AKIRA_OK);
    assert_int_equal(run("keys"), AKIRA_OK);
    assert_non_null(strstr(fio.out, "dev"));
    assert_non_null(strstr(fio.out, HEX));
    assert_non_null(strstr(fio.out, "unsigned apps: allowed"));
    /* The key is in settings where the app store looks. */
    uint8_t pub[32], id[8], got[32];
    char name[32];
    assert_int_equal(akira_trust_pub_from_hex(HEX, pub), AKIRA_OK);
    akira_package_key_id(pub, id);
    akira_storage_lock();
    assert_int_equal(akira_trust_key_find(akira_storage_settings(), id, name, got), AKIRA_OK);
    akira_storage_unlock();
    assert_string_equal(name, "dev");
    /* Refusals: bad hex, bad name, a name holding another key, wrong arity. */
    assert_int_equal(run("keys add dev2 abcd"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "64 hex digits"));
    snprintf(line, sizeof line, "keys add bad/name %s", HEX);
    assert_int_equal(run(line), AKIRA_EINVAL);
    snprintf(line, sizeof line, "keys add dev %.63s0", HEX);
    assert_int_equal(run(line), AKIRA_EEXIST);
    assert_non_null(strstr(fio.out, "keys rm dev"));
    assert_int_equal(run("keys add dev"), AKIRA_EINVAL);
    /* The unsigned switch. */
    assert_int_equal(run("keys unsigned off"), AKIRA_OK);
    assert_non_null(strstr(fio.out, "refused"));
    akira_storage_lock();
    assert_false(akira_trust_allow_unsigned(akira_storage_settings()));
    akira_storage_unlock();
    assert_int_equal(run("keys unsigned maybe"), AKIRA_EINVAL);
    assert_int_equal(run("keys unsigned on"), AKIRA_OK);
    assert_non_null(strstr(fio.out, "allowed"));
    /* Remove. */
    assert_int_equal(run("keys rm dev"), AKIRA_OK);
    assert_int_equal(run("keys rm dev"), AKIRA_ENOENT);
    assert_non_null(strstr(fio.out, "no key named"));
    assert_int_equal(run("keys list"), AKIRA_OK);
    assert_null(strstr(fio.out, HEX));
    akira_storage_deinit();
    akira_sim_flash_close(&fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_storage),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

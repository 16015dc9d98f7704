/* The storage service brings up settings and the file system on the board's map, and
 * what it stores is there after the next boot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/sim_flash.h>
#include <akira/sim_storage.h>
#include <akira/storage.h>
#include <akira/device.h>

#include "nor_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <string.h>

static struct akira_sim_flash f;
static struct nor_check chk; /* the service's flash: NOR semantics checked */

static void test_boot_twice(void **state)
{
    (void)state;
    struct akira_storage_report r;
    struct akira_fs fs;
    struct akira_fs_file h;
    char buf[16];
    assert_null(akira_storage_settings());
    assert_null(akira_storage_fs());
    assert_int_equal(nor_check_sim_open(&chk, &f, "flash0", AKIRA_BOARD_FLASH_SIZE,
                                        AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                        AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     AKIRA_OK);
    assert_int_equal(akira_storage_init(&chk.dev, &r), AKIRA_OK);
    assert_true(r.fs_formatted);
    akira_storage_lock();
    akira_storage_lock(); /* recursive */
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/x", "1", 1), AKIRA_OK);
    akira_fs_root_view(akira_storage_fs(), &fs);
    assert_int_equal(akira_fs_open(&fs, "/f", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "data", 4), 4);
    akira_storage_unlock();
    akira_storage_unlock();
    /* The open file is synced by the shutdown. */
    akira_storage_deinit();
    assert_null(akira_storage_fs());

    assert_int_equal(akira_storage_init(&chk.dev, &r), AKIRA_OK);
    assert_false(r.fs_formatted);
    akira_storage_lock();
    assert_int_equal(akira_settings_get(akira_storage_settings(), "akira/x", buf, sizeof buf), 1);
    akira_fs_root_view(akira_storage_fs(), &fs);
    assert_int_equal(akira_fs_open(&fs, "/f", AKIRA_FS_O_READ, &h), AKIRA_OK);
    assert_int_equal(akira_fs_read(&h, buf, sizeof buf), 4);
    assert_memory_equal(buf, "data", 4);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    akira_storage_unlock();
    akira_storage_deinit();
    NOR_CHECK_CLEAN(&chk);
    nor_check_fini(&chk);
    akira_sim_flash_close(&f);
}

/* The board's bring-up: an image file, device "flash0", and data kept in the file. */
static void test_board_boot_on_an_image_file(void **state)
{
    (void)state;
    char path[] = "/tmp/akira-storage-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path); /* the chip creates it erased */
    char detail[256], buf[8];
    assert_int_equal(akira_sim_storage_boot(path, detail, sizeof detail), AKIRA_OK);
    assert_non_null(strstr(detail, "formatted"));
    assert_non_null(akira_device_get("flash0"));
    akira_storage_lock();
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/boot", "2", 1), AKIRA_OK);
    akira_storage_unlock();
    akira_sim_storage_shutdown();
    assert_null(akira_device_get("flash0"));

    assert_int_equal(akira_sim_storage_boot(path, detail, sizeof detail), AKIRA_OK);
    assert_null(strstr(detail, "formatted"));
    akira_storage_lock();
    assert_int_equal(akira_settings_get(akira_storage_settings(), "akira/boot", buf, sizeof buf),
                     1);
    akira_storage_unlock();
    akira_sim_storage_shutdown();
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boot_twice),
        cmocka_unit_test(test_board_boot_on_an_image_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The flash map gives the board's partitions and refuses out-of-bounds access. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/sim_flash.h>

#include <string.h>

static struct akira_sim_flash f;

static void test_before_init(void **state)
{
    (void)state;
    struct akira_flash_area fa;
    assert_int_equal(akira_flash_area_open(AKIRA_PART_SETTINGS, true, &fa), AKIRA_ESTATE);
}

static void test_table_matches_board(void **state)
{
    (void)state;
    struct akira_flash_area fa;
    assert_int_equal(akira_sim_flash_open(&f, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     AKIRA_OK);
    assert_int_equal(akira_flash_map_init(&f.dev), AKIRA_OK);
    assert_int_equal(akira_flash_area_open_name("settings", false, &fa), AKIRA_OK);
    assert_int_equal(fa.offset, AKIRA_BOARD_PART_SETTINGS_OFFSET);
    assert_int_equal(fa.size, AKIRA_BOARD_PART_SETTINGS_SIZE);
    assert_int_equal(akira_flash_area_open(AKIRA_PART_FS, true, &fa), AKIRA_OK);
    assert_string_equal(fa.name, "fs");
    assert_int_equal(fa.offset, AKIRA_BOARD_PART_FS_OFFSET);
    const char *names[] = {"bootloader", "image-0",  "image-1", "scratch",
                           "app-store",  "settings", "fs"};
    for (int i = 0; i < AKIRA_PART_COUNT; i++) {
        assert_string_equal(akira_flash_part_name((enum akira_flash_part_id)i), names[i]);
        assert_int_equal(akira_flash_area_open_name(names[i], false, &fa), AKIRA_OK);
    }
    assert_int_equal(akira_flash_area_open_name("nope", false, &fa), AKIRA_ENOENT);
    assert_int_equal(akira_flash_area_open_name(NULL, false, &fa), AKIRA_EINVAL);
    assert_int_equal(akira_flash_map_init(NULL), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_open((enum akira_flash_part_id)99, false, &fa), AKIRA_ENOENT);
    assert_null(akira_flash_part_name(AKIRA_PART_COUNT));
}

static void test_bounds_and_readonly(void **state)
{
    (void)state;
    struct akira_flash_area ro, rw, next;
    uint8_t b[8] = {0};
    assert_int_equal(akira_flash_area_open(AKIRA_PART_SETTINGS, false, &ro), AKIRA_OK);
    assert_int_equal(akira_flash_area_open(AKIRA_PART_SETTINGS, true, &rw), AKIRA_OK);
    assert_int_equal(akira_flash_area_open(AKIRA_PART_FS, false, &next), AKIRA_OK);
    assert_int_equal(akira_flash_area_write(&ro, 0, b, 4), AKIRA_EACCES);
    assert_int_equal(akira_flash_area_erase(&ro, 0, rw.sector_size), AKIRA_EACCES);
    /* One byte past the end, and a length that wraps: refused, the neighbour intact. */
    assert_int_equal(akira_flash_area_write(&rw, rw.size - 4, b, 8), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_read(&rw, rw.size, b, 1), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_read(&rw, 4, b, SIZE_MAX), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_erase(&rw, rw.size, rw.sector_size), AKIRA_EINVAL);
    assert_true(akira_flash_area_is_erased(&next, 0, 64));
    /* In range works, relative to the partition. */
    assert_int_equal(akira_flash_area_write(&rw, rw.size - 4, b, 4), AKIRA_OK);
    uint8_t raw[4];
    assert_int_equal(
        akira_flash_read(&f.dev, AKIRA_BOARD_PART_SETTINGS_OFFSET + rw.size - 4, raw, 4), AKIRA_OK);
    assert_memory_equal(raw, b, 4);
    assert_false(akira_flash_area_is_erased(&rw, rw.size - 4, 4));
    assert_int_equal(akira_flash_area_erase(&rw, rw.size - rw.sector_size, rw.sector_size),
                     AKIRA_OK);
    assert_true(akira_flash_area_is_erased(&rw, 0, rw.size));
}

/* Erase-count spread of an area, from the chip's counters; a chip without them says so. */
static void test_wear(void **state)
{
    (void)state;
    struct akira_flash_area fa, other;
    struct akira_flash_wear w;
    assert_int_equal(akira_flash_area_from_range(&f.dev, "w", 0x100000, 4 * 4096, true, &fa),
                     AKIRA_OK);
    assert_int_equal(
        akira_flash_area_from_range(&f.dev, "o", 0x100000 + 4 * 4096, 4096, true, &other),
        AKIRA_OK);
    assert_int_equal(akira_flash_area_wear(&fa, &w), AKIRA_OK);
    assert_int_equal(w.sectors, 4);
    assert_int_equal(w.min, 0);
    assert_int_equal(w.max, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(akira_flash_area_erase(&fa, 4096, 4096), 0);
    assert_int_equal(akira_flash_area_erase(&fa, 2 * 4096, 4096), 0);
    assert_int_equal(akira_flash_area_erase(&other, 0, 4096), 0); /* outside fa */
    assert_int_equal(akira_flash_area_wear(&fa, &w), AKIRA_OK);
    assert_int_equal(w.min, 0);
    assert_int_equal(w.max, 3);
    assert_int_equal(w.total, 4);
    /* read-only windows may ask */
    assert_int_equal(akira_flash_area_from_range(&f.dev, "w", 0x100000, 4 * 4096, false, &fa),
                     AKIRA_OK);
    assert_int_equal(akira_flash_area_wear(&fa, &w), AKIRA_OK);
    assert_int_equal(w.max, 3);
    assert_int_equal(akira_flash_area_wear(NULL, &w), AKIRA_EINVAL);

    /* a driver without counters: ENOTSUP, nothing reported */
    struct akira_flash_api no_count = *akira_flash_api_of(&f.dev);
    no_count.erase_count = NULL;
    struct akira_device dev = f.dev;
    dev.api = &no_count;
    fa.dev = &dev;
    memset(&w, 0x5a, sizeof w);
    assert_int_equal(akira_flash_area_wear(&fa, &w), AKIRA_ENOTSUP);
    assert_int_equal(w.sectors, 0x5a5a5a5au);
    uint32_t n;
    assert_int_equal(akira_flash_erase_count_get(&dev, 0, &n), AKIRA_ENOTSUP);
    assert_int_equal(akira_flash_erase_count_get(&f.dev, AKIRA_BOARD_FLASH_SIZE, &n), AKIRA_EINVAL);
}

static void test_from_range(void **state)
{
    (void)state;
    struct akira_flash_area fa;
    assert_int_equal(akira_flash_area_from_range(&f.dev, "x", 4096, 8192, true, &fa), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&f.dev, "x", 100, 8192, true, &fa), AKIRA_EINVAL);
    assert_int_equal(
        akira_flash_area_from_range(&f.dev, "x", AKIRA_BOARD_FLASH_SIZE - 4096, 8192, true, &fa),
        AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_from_range(&f.dev, "x", 0, 0, true, &fa), AKIRA_EINVAL);
    akira_sim_flash_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_init),         cmocka_unit_test(test_table_matches_board),
        cmocka_unit_test(test_bounds_and_readonly), cmocka_unit_test(test_wear),
        cmocka_unit_test(test_from_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

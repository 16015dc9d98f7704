/* The simulated NOR flash keeps a chip's rules and cuts power where told. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/err.h>
#include <akira/sim_flash.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SS 4096u

static struct akira_sim_flash f;

static int setup(void **state)
{
    (void)state;
    return akira_sim_flash_open(&f, "t", NULL, 8 * SS, SS, 4);
}

static int teardown(void **state)
{
    (void)state;
    akira_sim_flash_close(&f);
    return 0;
}

static void test_fresh_is_erased_and_info(void **state)
{
    (void)state;
    struct akira_flash_info info;
    uint8_t b[16];
    akira_flash_info_get(&f.dev, &info);
    assert_int_equal(info.size, 8 * SS);
    assert_int_equal(info.sector_size, SS);
    assert_int_equal(info.write_block_size, 4);
    assert_int_equal(akira_flash_read(&f.dev, 100, b, sizeof b), AKIRA_OK);
    for (size_t i = 0; i < sizeof b; i++)
        assert_int_equal(b[i], 0xFF);
}

static void test_write_clears_bits_only(void **state)
{
    (void)state;
    uint8_t a[4] = {0x0F, 0xF0, 0x00, 0xAA}, b[4], ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(akira_flash_write(&f.dev, 8, a, 4), AKIRA_OK);
    /* Same value again: no bit set, allowed. */
    assert_int_equal(akira_flash_write(&f.dev, 8, a, 4), AKIRA_OK);
    /* Setting a bit back to 1 is what NOR cannot do. */
    assert_int_equal(akira_flash_write(&f.dev, 8, ones, 4), AKIRA_EINVAL);
    assert_int_equal(akira_flash_read(&f.dev, 8, b, 4), AKIRA_OK);
    assert_memory_equal(a, b, 4);
    /* Clearing more bits is fine. */
    uint8_t c[4] = {0x0E, 0x00, 0x00, 0x0A};
    assert_int_equal(akira_flash_write(&f.dev, 8, c, 4), AKIRA_OK);
    assert_int_equal(akira_flash_read(&f.dev, 8, b, 4), AKIRA_OK);
    assert_memory_equal(c, b, 4);
}

static void test_alignment_and_bounds(void **state)
{
    (void)state;
    uint8_t a[8] = {0};
    assert_int_equal(akira_flash_write(&f.dev, 2, a, 4), AKIRA_EINVAL);
    assert_int_equal(akira_flash_write(&f.dev, 4, a, 3), AKIRA_EINVAL);
    assert_int_equal(akira_flash_write(&f.dev, 8 * SS - 4, a, 8), AKIRA_EINVAL);
    assert_int_equal(akira_flash_read(&f.dev, 8 * SS - 4, a, 8), AKIRA_EINVAL);
    assert_int_equal(akira_flash_erase(&f.dev, 100, SS), AKIRA_EINVAL);
    assert_int_equal(akira_flash_erase(&f.dev, 0, SS / 2), AKIRA_EINVAL);
    assert_int_equal(akira_flash_erase(&f.dev, 8 * SS, SS), AKIRA_EINVAL);
}

static void test_erase_whole_sector_and_count(void **state)
{
    (void)state;
    uint8_t z[8] = {0}, b[8];
    assert_int_equal(akira_flash_write(&f.dev, SS + 16, z, 8), AKIRA_OK);
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS, z, 8), AKIRA_OK);
    assert_int_equal(akira_flash_erase(&f.dev, SS, SS), AKIRA_OK);
    assert_int_equal(akira_flash_read(&f.dev, SS + 16, b, 8), AKIRA_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(b[i], 0xFF);
    /* The neighbour sector is untouched. */
    assert_int_equal(akira_flash_read(&f.dev, 2 * SS, b, 8), AKIRA_OK);
    assert_memory_equal(b, z, 8);
    assert_int_equal(akira_sim_flash_erase_count(&f, SS + 5), 1);
    assert_int_equal(akira_sim_flash_erase_count(&f, 2 * SS), 0);
    assert_int_equal(akira_flash_erase(&f.dev, 0, 3 * SS), AKIRA_OK);
    assert_int_equal(akira_sim_flash_erase_count(&f, SS), 2);
    assert_int_equal(akira_sim_flash_erase_count(&f, 0), 1);
}

static void test_cut_clean_then_everything_fails_until_reboot(void **state)
{
    (void)state;
    uint8_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8];
    akira_sim_flash_cut_after(&f, 2, AKIRA_SIM_CUT_CLEAN);
    assert_int_equal(akira_flash_write(&f.dev, 0, a, 4), AKIRA_OK);
    assert_int_equal(akira_flash_write(&f.dev, 4, a + 4, 4), AKIRA_EIO);
    assert_true(akira_sim_flash_is_cut(&f));
    assert_int_equal(akira_flash_read(&f.dev, 0, b, 8), AKIRA_EIO);
    assert_int_equal(akira_flash_erase(&f.dev, 0, SS), AKIRA_EIO);
    akira_sim_flash_reboot(&f);
    assert_int_equal(akira_flash_read(&f.dev, 0, b, 8), AKIRA_OK);
    assert_memory_equal(b, a, 4);
    for (int i = 4; i < 8; i++)
        assert_int_equal(b[i], 0xFF);
}

static void test_cut_torn_write_and_erase(void **state)
{
    (void)state;
    uint8_t a[16], b[16];
    memset(a, 0x00, sizeof a);
    akira_sim_flash_cut_after(&f, 1, AKIRA_SIM_CUT_TORN);
    assert_int_equal(akira_flash_write(&f.dev, 64, a, 16), AKIRA_EIO);
    akira_sim_flash_reboot(&f);
    assert_int_equal(akira_flash_read(&f.dev, 64, b, 16), AKIRA_OK);
    assert_memory_equal(b, a, 8); /* first half programmed */
    for (int i = 8; i < 16; i++)
        assert_int_equal(b[i], 0xFF);

    akira_sim_flash_cut_after(&f, 1, AKIRA_SIM_CUT_TORN);
    assert_int_equal(akira_flash_erase(&f.dev, 0, SS), AKIRA_EIO);
    akira_sim_flash_reboot(&f);
    uint8_t sect[SS];
    assert_int_equal(akira_flash_read(&f.dev, 0, sect, SS), AKIRA_OK);
    int not_erased = 0;
    for (size_t i = 0; i < SS; i++)
        not_erased += sect[i] != 0xFF;
    assert_true(not_erased > 0);      /* garbage left behind */
    assert_int_equal(sect[64], 0xFF); /* the front part did erase */
}

/* A weak bit: the armed write leaves the first bit it clears set and says OK; writes
 * that clear nothing are not counted, and later writes are whole again. */
static void test_weak_bit(void **state)
{
    (void)state;
    uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF}, a[4] = {0xFF, 0xF0, 0x00, 0x00}, b[4];
    const uint8_t weak[4] = {0xFF, 0xF1, 0x00, 0x00};
    akira_sim_flash_weak_bit_after(&f, 2);
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS, ones, 4), AKIRA_OK);
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS, a, 4), AKIRA_OK);
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS + 4, a, 4), AKIRA_OK);
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS + 8, a, 4), AKIRA_OK);
    assert_int_equal(akira_flash_read(&f.dev, 2 * SS, b, 4), AKIRA_OK);
    assert_memory_equal(b, a, 4);
    assert_int_equal(akira_flash_read(&f.dev, 2 * SS + 4, b, 4), AKIRA_OK);
    assert_memory_equal(b, weak, 4);
    assert_int_equal(akira_flash_read(&f.dev, 2 * SS + 8, b, 4), AKIRA_OK);
    assert_memory_equal(b, a, 4);
    struct akira_sim_flash_stats s;
    akira_sim_flash_stats_get(&f, &s);
    assert_int_equal(s.weak_bits, 1);
    /* The weak bit can still be cleared by writing it again, as on a chip. */
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS + 4, a, 4), AKIRA_OK);
    assert_int_equal(akira_flash_read(&f.dev, 2 * SS + 4, b, 4), AKIRA_OK);
    assert_memory_equal(b, a, 4);
}

static void test_file_backed_persists(void **state)
{
    (void)state;
    char path[] = "/tmp/akira-flash-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct akira_sim_flash g;
    uint8_t a[4] = {9, 8, 7, 6}, b[4];
    assert_int_equal(akira_sim_flash_open(&g, "g", path, 4 * SS, SS, 4), AKIRA_OK);
    assert_int_equal(akira_flash_read(&g.dev, 0, b, 4), AKIRA_OK);
    assert_int_equal(b[0], 0xFF);
    assert_int_equal(akira_flash_write(&g.dev, SS, a, 4), AKIRA_OK);
    akira_sim_flash_close(&g);
    /* A different size is refused rather than silently reinterpreted. */
    assert_int_equal(akira_sim_flash_open(&g, "g", path, 8 * SS, SS, 4), AKIRA_EINVAL);
    assert_int_equal(akira_sim_flash_open(&g, "g", path, 4 * SS, SS, 4), AKIRA_OK);
    assert_int_equal(akira_flash_read(&g.dev, SS, b, 4), AKIRA_OK);
    assert_memory_equal(a, b, 4);
    akira_sim_flash_close(&g);
    unlink(path);
}

struct writer {
    uint32_t base;
};

static void *write_sector(void *arg)
{
    const struct writer *w = arg;
    uint8_t z[4] = {0, 0, 0, 0};
    for (uint32_t off = 0; off < SS; off += 4)
        if (akira_flash_write(&f.dev, w->base + off, z, 4) != AKIRA_OK) return (void *)1;
    return NULL;
}

/* Several threads on different sectors: every write lands and every one is counted. */
static void test_concurrent_users(void **state)
{
    (void)state;
    pthread_t t[4];
    struct writer w[4];
    akira_sim_flash_stats_reset(&f);
    for (int i = 0; i < 4; i++) {
        w[i].base = (uint32_t)(i + 2) * SS;
        assert_int_equal(pthread_create(&t[i], NULL, write_sector, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *rc;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
    }
    struct akira_sim_flash_stats s;
    akira_sim_flash_stats_get(&f, &s);
    assert_int_equal(s.writes, 4 * SS / 4);
    assert_int_equal(s.bytes_written, 4 * SS);
    uint8_t b[SS];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(akira_flash_read(&f.dev, w[i].base, b, SS), AKIRA_OK);
        for (uint32_t k = 0; k < SS; k++)
            assert_int_equal(b[k], 0);
    }
}

static void test_bad_geometry(void **state)
{
    (void)state;
    struct akira_sim_flash g;
    assert_int_equal(akira_sim_flash_open(&g, "g", NULL, 1000, SS, 4), AKIRA_EINVAL);
    assert_int_equal(akira_sim_flash_open(&g, "g", NULL, SS, SS, 3), AKIRA_EINVAL);
    assert_int_equal(akira_sim_flash_open(&g, NULL, NULL, SS, SS, 4), AKIRA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_is_erased_and_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_clears_bits_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alignment_and_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_whole_sector_and_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_clean_then_everything_fails_until_reboot, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cut_torn_write_and_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_bit, setup, teardown),
        cmocka_unit_test(test_file_backed_persists),
        cmocka_unit_test(test_bad_geometry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

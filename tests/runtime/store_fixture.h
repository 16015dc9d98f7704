/*
 * Test helper: the board's flash simulated in memory with the storage service on it
 * (the app store's ground), and an install in pieces through the store's writer.
 * Include after cmocka.h.
 */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>

/* The board's flash in memory, the storage service mounted on it. */
static inline void store_open(struct akira_sim_flash *fl)
{
    struct akira_storage_report r;
    assert_int_equal(akira_sim_flash_open(fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     AKIRA_OK);
    assert_int_equal(akira_storage_init(&fl->dev, &r), AKIRA_OK);
}

static inline void store_close(struct akira_sim_flash *fl)
{
    akira_appstore_deinit();
    akira_storage_deinit();
    akira_sim_flash_close(fl);
}

/* The app store's partition erased and the store mounted on it: an empty store. */
static inline void store_empty(void)
{
    struct akira_flash_area fa;
    assert_int_equal(akira_flash_area_open(AKIRA_PART_APPSTORE, true, &fa), AKIRA_OK);
    assert_int_equal(akira_flash_area_erase(&fa, 0, fa.size), AKIRA_OK);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
}

/* Install `len` bytes of p in pieces of `piece` bytes. */
static inline int store_install(const uint8_t *p, size_t len, size_t piece,
                                struct akira_app_record *rec, struct akira_manifest_error *e)
{
    struct akira_appstore_writer w;
    int rc = akira_appstore_install_begin(&w, (uint32_t)len);
    if (rc) return rc;
    for (size_t off = 0; off < len; off += piece) {
        size_t k = len - off < piece ? len - off : piece;
        rc = akira_appstore_install_write(&w, p + off, k);
        if (rc) return rc;
    }
    return akira_appstore_install_finish(&w, rec, e);
}

#endif /* TEST_STORE_FIXTURE_H */

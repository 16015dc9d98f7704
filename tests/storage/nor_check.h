/*
 * nor_check: a flash device for the storage tests that sits on the simulated chip and
 * checks NOR semantics on every call, independently of the chip's own driver:
 *
 *  - the layer under test never asks to set a bit (a 0 -> 1 write): such a write is a
 *    bug of the layer, recorded (and still passed down, where the chip must refuse);
 *  - the chip refuses 0 -> 1 writes and keeps its bytes: after every write that cleared
 *    bits, the previous bytes are written back, which must fail with AKIRA_EINVAL and
 *    change nothing. A driver that accepts it is recorded, so every storage test that
 *    writes fails on such a driver, not only the driver's own test;
 *  - a write reads back as written, an erase reads back all 0xFF.
 *
 * The probe writes are refused by a correct chip before they count as operations, so
 * power-cut countdowns, write statistics and erase counts are what the layer did.
 * Calls pass through unchecked while the chip fails (a power cut). Thread-safe: one
 * lock around each checked call. Tests only.
 */
#ifndef AKIRA_TEST_NOR_CHECK_H
#define AKIRA_TEST_NOR_CHECK_H

#include <pthread.h>

#include <akira/device.h>
#include <akira/flash.h>
#include <akira/sim_flash.h>

struct nor_check {
    struct akira_device dev; /* give &c->dev to the layer under test */
    struct akira_device_state dev_state;
    const struct akira_device *lower;
    pthread_mutex_t lock;
    unsigned long violations;
    char first[200]; /* the first violation, "" when none */
};

/* Put a checker named `name` on `lower`. */
void nor_check_init(struct nor_check *c, const char *name, const struct akira_device *lower);

/* Open a RAM-backed simulated chip and put a checker on it: the storage tests' flash.
 * Returns what akira_sim_flash_open returns. */
int nor_check_sim_open(struct nor_check *c, struct akira_sim_flash *f, const char *name,
                       uint32_t size, uint32_t sector_size, uint32_t write_block_size);

void nor_check_fini(struct nor_check *c);

/* NULL when every call so far kept NOR semantics, else the first violation. */
const char *nor_check_violation(struct nor_check *c);

/* Fail the current cmocka test on a violation. */
#define NOR_CHECK_CLEAN(c)                                                                         \
    do {                                                                                           \
        const char *v_ = nor_check_violation(c);                                                   \
        if (v_) fail_msg("flash semantics: %s", v_);                                               \
    } while (0)

#endif

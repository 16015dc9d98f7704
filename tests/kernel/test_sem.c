/* Semaphore: counting with a limit, timeouts that really wait, wake-up across threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/sem.h>
#include <akira/thread.h>

static void test_count_and_limit(void **state)
{
    (void)state;
    akira_sem_t *s;
    assert_int_equal(akira_sem_create(&s, 1, 3), 0);
    assert_int_equal(akira_sem_count(s), 1);
    akira_sem_give(s);
    akira_sem_give(s);
    akira_sem_give(s); /* beyond the limit: lost */
    assert_int_equal(akira_sem_count(s), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(akira_sem_take(s, AKIRA_NO_WAIT), 0);
    assert_int_equal(akira_sem_take(s, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    akira_sem_give(s);
    akira_sem_reset(s);
    assert_int_equal(akira_sem_take(s, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    akira_sem_destroy(s);
}

static void test_invalid(void **state)
{
    (void)state;
    akira_sem_t *s;
    assert_int_equal(akira_sem_create(&s, 0, 0), AKIRA_EINVAL);
    assert_int_equal(akira_sem_create(&s, 2, 1), AKIRA_EINVAL);
    assert_int_equal(akira_sem_create(&s, 0, 1), 0);
    assert_int_equal(akira_sem_take(s, -5), AKIRA_EINVAL);
    akira_sem_destroy(s);
}

static void test_timeout_waits(void **state)
{
    (void)state;
    akira_sem_t *s;
    assert_int_equal(akira_sem_create(&s, 0, 1), 0);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_sem_take(s, 100), AKIRA_ETIMEDOUT);
    uint64_t waited = akira_uptime_ms() - t0;
    assert_true(waited >= 100);
    assert_true(waited < 2000);
    akira_sem_destroy(s);
}

static int give_later(void *arg)
{
    akira_sleep_ms(50);
    akira_sem_give(arg);
    return 0;
}

static void test_give_wakes_taker(void **state)
{
    (void)state;
    akira_sem_t *s;
    assert_int_equal(akira_sem_create(&s, 0, 1), 0);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "giver", give_later, s, 10, 0), 0);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_sem_take(s, 5000), 0);
    assert_true(akira_uptime_ms() - t0 < 4000);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    akira_sem_destroy(s);
}

#define PINGS 2000
struct pingpong {
    akira_sem_t *ping, *pong;
};

static int ponger(void *arg)
{
    struct pingpong *p = arg;
    for (int i = 0; i < PINGS; i++) {
        if (akira_sem_take(p->ping, 5000) != 0) return -1;
        akira_sem_give(p->pong);
    }
    return 0;
}

static void test_ping_pong_loses_nothing(void **state)
{
    (void)state;
    struct pingpong p;
    assert_int_equal(akira_sem_create(&p.ping, 0, 1), 0);
    assert_int_equal(akira_sem_create(&p.pong, 0, 1), 0);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "ponger", ponger, &p, 10, 0), 0);
    for (int i = 0; i < PINGS; i++) {
        akira_sem_give(p.ping);
        assert_int_equal(akira_sem_take(p.pong, 5000), 0);
    }
    int status = -1;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, 0);
    akira_sem_destroy(p.ping);
    akira_sem_destroy(p.pong);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_and_limit),         cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_timeout_waits),           cmocka_unit_test(test_give_wakes_taker),
        cmocka_unit_test(test_ping_pong_loses_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

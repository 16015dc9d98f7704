/* Mutex: recursion, ownership, timeouts, and mutual exclusion under contention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/mutex.h>
#include <akira/thread.h>

static akira_mutex_t *m;

static int setup(void **state)
{
    (void)state;
    return akira_mutex_create(&m);
}

static int teardown(void **state)
{
    (void)state;
    akira_mutex_destroy(m);
    return 0;
}

struct try_result {
    int nowait, timed, unlock;
    uint64_t waited_ms;
};

static int try_from_other(void *arg)
{
    struct try_result *r = arg;
    r->nowait = akira_mutex_lock(m, AKIRA_NO_WAIT);
    uint64_t t0 = akira_uptime_ms();
    r->timed = akira_mutex_lock(m, 80);
    r->waited_ms = akira_uptime_ms() - t0;
    r->unlock = akira_mutex_unlock(m);
    return 0;
}

static void test_recursive_and_owned(void **state)
{
    (void)state;
    assert_int_equal(akira_mutex_lock(m, AKIRA_FOREVER), 0);
    assert_int_equal(akira_mutex_lock(m, AKIRA_NO_WAIT), 0); /* recursive */

    struct try_result r;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "other", try_from_other, &r, 10, 0), 0);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    assert_int_equal(r.nowait, AKIRA_EAGAIN);
    assert_int_equal(r.timed, AKIRA_ETIMEDOUT);
    assert_true(r.waited_ms >= 80);
    assert_int_equal(r.unlock, AKIRA_EPERM); /* not the owner */

    assert_int_equal(akira_mutex_unlock(m), 0);
    /* Still held once: the other thread must still fail. */
    assert_int_equal(akira_thread_create(&t, "other", try_from_other, &r, 10, 0), 0);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    assert_int_equal(r.nowait, AKIRA_EAGAIN);
    assert_int_equal(akira_mutex_unlock(m), 0);
    assert_int_equal(akira_mutex_unlock(m), AKIRA_EPERM); /* no longer held */
}

static int lock_after_release(void *arg)
{
    (void)arg;
    int rc = akira_mutex_lock(m, 5000);
    if (rc == 0) akira_mutex_unlock(m);
    return rc;
}

static void test_waiter_gets_lock_on_release(void **state)
{
    (void)state;
    assert_int_equal(akira_mutex_lock(m, AKIRA_FOREVER), 0);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "waiter", lock_after_release, NULL, 10, 0), 0);
    akira_sleep_ms(30);
    assert_int_equal(akira_mutex_unlock(m), 0);
    int status = -1;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, 0);
}

#define WORKERS 4
#define ROUNDS  20000
static volatile long counter;

static int increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        akira_mutex_lock(m, AKIRA_FOREVER);
        long v = counter; /* a racy read-modify-write without the lock */
        counter = v + 1;
        akira_mutex_unlock(m);
    }
    return 0;
}

static void test_mutual_exclusion(void **state)
{
    (void)state;
    counter = 0;
    akira_thread_t *t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(akira_thread_create(&t[i], "inc", increment, NULL, 10, 0), 0);
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(akira_thread_join(t[i], 10000, NULL), 0);
    assert_int_equal(counter, WORKERS * ROUNDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recursive_and_owned),
        cmocka_unit_test(test_waiter_gets_lock_on_release),
        cmocka_unit_test(test_mutual_exclusion),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Cortex-M scheduler: preemption by a more urgent thread, time slicing among equals,
 * priority inheritance through a mutex, priorities enforced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/mutex.h>
#include <akira/thread.h>

static volatile int ran;

static int set_ran(void *arg)
{
    (void)arg;
    ran = 1;
    return 0;
}

/* A more urgent thread runs before akira_thread_create even returns. */
static void test_preempted_by_more_urgent(void **state)
{
    (void)state;
    akira_thread_t *t;
    ran = 0;
    assert_int_equal(akira_thread_create(&t, "urgent", set_ran, NULL, 5, 0), 0);
    assert_int_equal(ran, 1);
    assert_int_equal(akira_thread_join(t, 1000, NULL), 0);
    /* A less urgent one waits until this thread blocks. */
    ran = 0;
    assert_int_equal(akira_thread_create(&t, "lazy", set_ran, NULL, 25, 0), 0);
    assert_int_equal(ran, 0);
    assert_int_equal(akira_thread_join(t, 1000, NULL), 0);
    assert_int_equal(ran, 1);
}

struct spin {
    volatile int *stop;
    volatile uint32_t count;
};

static int spinner(void *arg)
{
    struct spin *s = arg;
    while (!*s->stop)
        s->count++;
    return 0;
}

/* Two spinning threads of equal priority both make progress: the tick rotates them. */
static void test_time_slicing(void **state)
{
    (void)state;
    volatile int stop = 0;
    struct spin a = {&stop, 0}, b = {&stop, 0};
    akira_thread_t *ta, *tb;
    akira_thread_t *self = akira_thread_current();
    int old = akira_thread_priority(self);
    assert_int_equal(akira_thread_priority_set(self, 10), 0);
    assert_int_equal(akira_thread_create(&ta, "spin-a", spinner, &a, 12, 0), 0);
    assert_int_equal(akira_thread_create(&tb, "spin-b", spinner, &b, 12, 0), 0);
    akira_sleep_ms(300);
    stop = 1;
    assert_int_equal(akira_thread_join(ta, 1000, NULL), 0);
    assert_int_equal(akira_thread_join(tb, 1000, NULL), 0);
    assert_int_equal(akira_thread_priority_set(self, old), 0);
    assert_true(a.count > 0);
    assert_true(b.count > 0);
}

static akira_mutex_t *m;
static volatile int low_locked, med_stop;
static volatile int high_rc = 1;

static int low_fn(void *arg)
{
    (void)arg;
    akira_mutex_lock(m, AKIRA_FOREVER);
    low_locked = 1;
    /* Work for 50 ms of CPU while holding the mutex (busy: a medium thread that
     * spins would keep us off the CPU unless we inherit the waiter's priority). */
    uint64_t until = akira_uptime_ms() + 50;
    while (akira_uptime_ms() < until) {
    }
    akira_mutex_unlock(m);
    return 0;
}

static int med_fn(void *arg)
{
    (void)arg;
    while (!med_stop) {
    }
    return 0;
}

static int high_fn(void *arg)
{
    (void)arg;
    high_rc = akira_mutex_lock(m, 2000);
    if (high_rc == 0) akira_mutex_unlock(m);
    return 0;
}

/* Classic inversion: low holds the mutex, high waits for it, medium spins. Only with
 * inheritance does low get the CPU to release it before high's timeout. */
static void test_priority_inheritance(void **state)
{
    (void)state;
    akira_thread_t *self = akira_thread_current();
    int old = akira_thread_priority(self);
    assert_int_equal(akira_thread_priority_set(self, 1), 0);
    assert_int_equal(akira_mutex_create(&m), 0);
    akira_thread_t *lo, *me, *hi;
    assert_int_equal(akira_thread_create(&lo, "low", low_fn, NULL, 20, 0), 0);
    while (!low_locked)
        akira_sleep_ms(1);
    assert_int_equal(akira_thread_create(&me, "medium", med_fn, NULL, 10, 0), 0);
    assert_int_equal(akira_thread_create(&hi, "high", high_fn, NULL, 5, 0), 0);
    /* high blocks at once; low must now run at high's priority. */
    assert_int_equal(akira_thread_priority(lo), 20); /* its own priority is unchanged */
    assert_int_equal(akira_thread_join(hi, 5000, NULL), 0);
    med_stop = 1;
    assert_int_equal(akira_thread_join(me, 1000, NULL), 0);
    assert_int_equal(akira_thread_join(lo, 1000, NULL), 0);
    akira_mutex_destroy(m);
    assert_int_equal(akira_thread_priority_set(self, old), 0);
    assert_int_equal(high_rc, 0);
}

/* The kernel adopts this thread, so it can change its own priority. */
static int setup(void **state)
{
    (void)state;
    return akira_kernel_init();
}

static int teardown(void **state)
{
    (void)state;
    return akira_kernel_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preempted_by_more_urgent),
        cmocka_unit_test(test_time_slicing),
        cmocka_unit_test(test_priority_inheritance),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

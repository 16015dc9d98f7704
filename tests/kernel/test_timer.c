/* Timers: one-shot fires once, periodic fires at its rate, stop stops, restart
 * replaces the schedule, stop waits for a running callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/kernel.h>

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    return akira_kernel_init();
}

static int teardown(void **state)
{
    (void)state;
    return akira_kernel_shutdown();
}

static atomic_int wrong_thread;

static void count_cb(akira_timer_t *t, void *user)
{
    (void)t;
    /* Callbacks run on the kernel's timer thread, never on the caller's. */
    const char *name = akira_thread_name(akira_thread_current());
    if (akira_thread_current() == NULL || strcmp(name, "timer") != 0)
        atomic_fetch_add(&wrong_thread, 1);
    atomic_fetch_add((atomic_int *)user, 1);
}

struct stamp {
    atomic_int n;
    _Atomic uint64_t at_us;
};

static void stamp_cb(akira_timer_t *t, void *user)
{
    struct stamp *s = user;
    count_cb(t, &s->n);
    atomic_store(&s->at_us, akira_uptime_us());
}

static void test_one_shot_fires_once(void **state)
{
    (void)state;
    struct stamp s = {0, 0};
    akira_timer_t *t;
    assert_int_equal(akira_timer_create(&t, stamp_cb, &s), 0);
    assert_false(akira_timer_is_running(t));
    uint64_t t0 = akira_uptime_us();
    assert_int_equal(akira_timer_start(t, 30, 0), 0);
    assert_true(akira_timer_is_running(t));
    uint32_t rem = akira_timer_remaining_ms(t);
    assert_true(rem > 0 && rem <= 30);
    for (int i = 0; i < 100 && atomic_load(&s.n) == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(atomic_load(&s.n), 1);
    assert_true(atomic_load(&s.at_us) - t0 >= 30000); /* not before its time */
    akira_sleep_ms(100);
    assert_int_equal(atomic_load(&s.n), 1); /* and only once */
    assert_false(akira_timer_is_running(t));
    assert_int_equal(akira_timer_remaining_ms(t), 0);
    assert_int_equal(akira_timer_status_get(t), 1);
    assert_int_equal(akira_timer_status_get(t), 0); /* reading resets */
    assert_int_equal(atomic_load(&wrong_thread), 0);
    akira_timer_destroy(t);
}

static void test_periodic_rate_and_stop(void **state)
{
    (void)state;
    atomic_int n = 0;
    akira_timer_t *t;
    assert_int_equal(akira_timer_create(&t, count_cb, &n), 0);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_timer_start(t, 10, 10), 0);
    akira_sleep_ms(300);
    uint32_t expiries = akira_timer_fired_count(t);
    int fired = atomic_load(&n);
    uint64_t elapsed = akira_uptime_ms() - t0;
    /* ~30 expiries in 300 ms; the schedule does not drift, so a busy host may delay
     * callbacks but the count over the window stays close. */
    assert_true(expiries >= 15); /* slack for a loaded host at the window's end */
    assert_true((uint64_t)expiries <= elapsed / 10 + 1);
    assert_true(fired >= 1 && (uint32_t)fired <= expiries);

    assert_int_equal(akira_timer_stop(t), 0);
    assert_false(akira_timer_is_running(t));
    int after_stop = atomic_load(&n);
    akira_sleep_ms(100);
    assert_int_equal(atomic_load(&n), after_stop);
    assert_int_equal(akira_timer_stop(t), 0); /* stopping twice is fine */
    akira_timer_destroy(t);
}

static void test_restart_replaces_schedule(void **state)
{
    (void)state;
    struct stamp s = {0, 0};
    akira_timer_t *t;
    assert_int_equal(akira_timer_create(&t, stamp_cb, &s), 0);
    assert_int_equal(akira_timer_start(t, 60, 0), 0);
    uint64_t t1 = akira_uptime_us();
    assert_int_equal(akira_timer_start(t, 200, 0), 0); /* pushes the expiry back */
    for (int i = 0; i < 200 && atomic_load(&s.n) == 0; i++)
        akira_sleep_ms(5);
    assert_true(atomic_load(&s.at_us) - t1 >= 200000);
    akira_sleep_ms(100);
    assert_int_equal(atomic_load(&s.n), 1); /* the first schedule is gone */
    akira_timer_destroy(t);
}

struct slow {
    atomic_int started, finished;
};

static void slow_cb(akira_timer_t *t, void *user)
{
    (void)t;
    struct slow *s = user;
    atomic_store(&s->started, 1);
    akira_sleep_ms(100);
    atomic_store(&s->finished, 1);
}

static void test_stop_waits_for_running_callback(void **state)
{
    (void)state;
    struct slow s = {0, 0};
    akira_timer_t *t;
    assert_int_equal(akira_timer_create(&t, slow_cb, &s), 0);
    assert_int_equal(akira_timer_start(t, 0, 0), 0);
    while (!atomic_load(&s.started))
        akira_sleep_ms(1);
    akira_timer_stop(t);
    /* Safe to free what the callback uses: it has returned. */
    assert_int_equal(atomic_load(&s.finished), 1);
    akira_timer_destroy(t);
}

static atomic_int fire_order[5];
static atomic_int fire_idx;

static void record_cb(akira_timer_t *t, void *user)
{
    (void)t;
    int i = atomic_fetch_add(&fire_idx, 1);
    if (i < 5) atomic_store(&fire_order[i], *(int *)user);
}

static void test_many_timers_fire_in_deadline_order(void **state)
{
    (void)state;
    atomic_store(&fire_idx, 0);
    akira_timer_t *t[5];
    int ids[5] = {0, 1, 2, 3, 4};
    for (int i = 0; i < 5; i++)
        assert_int_equal(akira_timer_create(&t[i], record_cb, &ids[i]), 0);
    /* Started in id order, due in reverse order, 40 ms apart. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(akira_timer_start(t[i], (uint32_t)(200 - i * 40), 0), 0);
    for (int i = 0; i < 200 && atomic_load(&fire_idx) < 5; i++)
        akira_sleep_ms(5);
    assert_int_equal(atomic_load(&fire_idx), 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(fire_order[i], 4 - i);
    for (int i = 0; i < 5; i++)
        akira_timer_destroy(t[i]);
}

static void test_start_needs_kernel(void **state)
{
    (void)state;
    atomic_int n = 0;
    akira_timer_t *t;
    assert_int_equal(akira_timer_create(&t, count_cb, &n), 0);
    assert_int_equal(akira_kernel_shutdown(), 0);
    assert_int_equal(akira_timer_start(t, 10, 0), AKIRA_ESTATE);
    assert_int_equal(akira_kernel_init(), 0);
    assert_int_equal(akira_timer_start(t, 10, 0), 0);
    for (int i = 0; i < 200 && atomic_load(&n) == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(atomic_load(&n), 1);
    akira_timer_destroy(t);
    assert_int_equal(akira_timer_create(&t, NULL, NULL), AKIRA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_shot_fires_once),
        cmocka_unit_test(test_periodic_rate_and_stop),
        cmocka_unit_test(test_restart_replaces_schedule),
        cmocka_unit_test(test_stop_waits_for_running_callback),
        cmocka_unit_test(test_many_timers_fire_in_deadline_order),
        cmocka_unit_test(test_start_needs_kernel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

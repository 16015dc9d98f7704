/* Work queues: FIFO order, delayed work, cancel, resubmission, queue lifecycle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/* Per test: everything submitted has finished before the next test reuses the stack
 * memory its items lived in (drain synchronises through the queue's lock). */
static int drain(void **state)
{
    (void)state;
    return akira_workq_drain(NULL);
}

struct item {
    struct akira_work work; /* first: the handler casts back */
    int id;
    atomic_int runs;
    int *log;
    atomic_int *log_len;
    uint32_t sleep_ms;
    int resubmit_left;
};

static void item_fn(struct akira_work *w)
{
    struct item *it = (struct item *)w;
    if (it->sleep_ms) akira_sleep_ms(it->sleep_ms);
    if (it->log) it->log[atomic_fetch_add(it->log_len, 1)] = it->id;
    atomic_fetch_add(&it->runs, 1);
    if (it->resubmit_left > 0) {
        it->resubmit_left--;
        akira_work_submit(NULL, w);
    }
}

static void item_init(struct item *it, int id)
{
    akira_work_init(&it->work, item_fn);
    it->id = id;
    atomic_store(&it->runs, 0);
    it->log = NULL;
    it->log_len = NULL;
    it->sleep_ms = 0;
    it->resubmit_left = 0;
}

static void test_fifo_order(void **state)
{
    (void)state;
    int log[8];
    atomic_int len = 0;
    struct item it[8];
    for (int i = 0; i < 8; i++) {
        item_init(&it[i], i);
        it[i].log = log;
        it[i].log_len = &len;
    }
    it[0].sleep_ms = 30; /* the rest queue up behind it */
    for (int i = 0; i < 8; i++)
        assert_int_equal(akira_work_submit(NULL, &it[i].work), 1);
    assert_int_equal(akira_workq_drain(NULL), 0);
    assert_int_equal(atomic_load(&len), 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(log[i], i);
}

static void test_submit_pending_is_noop(void **state)
{
    (void)state;
    struct item blocker, it;
    item_init(&blocker, 0);
    item_init(&it, 1);
    blocker.sleep_ms = 50;
    akira_work_submit(NULL, &blocker.work);
    assert_int_equal(akira_work_submit(NULL, &it.work), 1);
    assert_true(akira_work_is_pending(&it.work));
    assert_int_equal(akira_work_submit(NULL, &it.work), 0);
    assert_int_equal(akira_workq_drain(NULL), 0);
    assert_int_equal(atomic_load(&it.runs), 1);
    assert_false(akira_work_is_pending(&it.work));
}

static void test_delayed_runs_after_delay(void **state)
{
    (void)state;
    struct item it;
    item_init(&it, 1);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_work_submit_delayed(NULL, &it.work, 100), 1);
    assert_true(akira_work_is_pending(&it.work));
    akira_sleep_ms(50);
    assert_int_equal(atomic_load(&it.runs), 0);
    while (atomic_load(&it.runs) == 0 && akira_uptime_ms() - t0 < 3000)
        akira_sleep_ms(2);
    assert_int_equal(atomic_load(&it.runs), 1);
    assert_true(akira_uptime_ms() - t0 >= 100);
}

static void test_delayed_order_by_due_time(void **state)
{
    (void)state;
    int log[3];
    atomic_int len = 0;
    struct item it[3];
    for (int i = 0; i < 3; i++) {
        item_init(&it[i], i);
        it[i].log = log;
        it[i].log_len = &len;
    }
    akira_work_submit_delayed(NULL, &it[0].work, 90);
    akira_work_submit_delayed(NULL, &it[1].work, 30);
    akira_work_submit_delayed(NULL, &it[2].work, 60);
    akira_sleep_ms(250);
    assert_int_equal(atomic_load(&len), 3);
    assert_int_equal(log[0], 1);
    assert_int_equal(log[1], 2);
    assert_int_equal(log[2], 0);
}

static void test_cancel(void **state)
{
    (void)state;
    struct item delayed, running;
    item_init(&delayed, 1);
    item_init(&running, 2);
    akira_work_submit_delayed(NULL, &delayed.work, 50);
    assert_int_equal(akira_work_cancel(&delayed.work), 0);
    assert_false(akira_work_is_pending(&delayed.work));

    running.sleep_ms = 80;
    akira_work_submit(NULL, &running.work);
    while (!akira_work_is_running(&running.work))
        akira_sleep_ms(1);
    assert_int_equal(akira_work_cancel(&running.work), AKIRA_EBUSY);
    assert_int_equal(akira_work_cancel_sync(&running.work), 0);
    assert_int_equal(atomic_load(&running.runs), 1); /* it returned before cancel_sync did */
    assert_false(akira_work_is_running(&running.work));

    akira_sleep_ms(100);
    assert_int_equal(atomic_load(&delayed.runs), 0);
    assert_int_equal(akira_work_cancel(&delayed.work), 0); /* idle: nothing to do */
}

static void test_reschedule_moves_due_time(void **state)
{
    (void)state;
    struct item it;
    item_init(&it, 1);
    akira_work_submit_delayed(NULL, &it.work, 40);
    assert_int_equal(akira_work_submit_delayed(NULL, &it.work, 500), 0); /* unchanged */
    assert_int_equal(akira_work_reschedule(NULL, &it.work, 250), 1);
    akira_sleep_ms(120);
    assert_int_equal(atomic_load(&it.runs), 0);
    akira_work_cancel(&it.work);
}

static void test_handler_resubmits_itself(void **state)
{
    (void)state;
    struct item it;
    item_init(&it, 1);
    it.resubmit_left = 9;
    akira_work_submit(NULL, &it.work);
    for (int i = 0; i < 1000 && atomic_load(&it.runs) < 10; i++)
        akira_sleep_ms(2);
    assert_int_equal(atomic_load(&it.runs), 10);
}

static void test_own_queue_lifecycle(void **state)
{
    (void)state;
    akira_workq_t *q;
    assert_int_equal(akira_workq_create(&q, "myq", 5, 0), 0);
    struct item now, later;
    item_init(&now, 1);
    item_init(&later, 2);
    now.sleep_ms = 20;
    assert_int_equal(akira_work_submit(q, &now.work), 1);
    assert_int_equal(akira_work_submit_delayed(q, &later.work, 10000), 1);
    /* Pending on q: the system queue may not take it. */
    assert_int_equal(akira_work_submit(NULL, &later.work), AKIRA_EBUSY);
    akira_workq_destroy(q);
    /* Due work ran; work not yet due was dropped. */
    assert_int_equal(atomic_load(&now.runs), 1);
    assert_int_equal(atomic_load(&later.runs), 0);
    assert_false(akira_work_is_pending(&later.work));
    assert_int_equal(akira_work_submit(NULL, &later.work), 1); /* free to use again */
    akira_workq_drain(NULL);
    assert_int_equal(atomic_load(&later.runs), 1);
}

struct self_freeing {
    struct akira_work work;
    atomic_int *done;
};

static void free_self(struct akira_work *w)
{
    struct self_freeing *sf = (struct self_freeing *)w;
    atomic_int *done = sf->done;
    free(sf); /* allowed: the queue does not touch w after this returns */
    atomic_fetch_add(done, 1);
}

static void test_handler_may_free_its_item(void **state)
{
    (void)state;
    atomic_int done = 0;
    for (int i = 0; i < 50; i++) {
        struct self_freeing *sf = malloc(sizeof(*sf));
        assert_non_null(sf);
        akira_work_init(&sf->work, free_self);
        sf->done = &done;
        assert_int_equal(akira_work_submit(NULL, &sf->work), 1);
    }
    assert_int_equal(akira_workq_drain(NULL), 0);
    assert_int_equal(atomic_load(&done), 50); /* ASan checks nothing touched freed items */
}

static atomic_int drain_from_handler;

static void drain_inside(struct akira_work *w)
{
    (void)w;
    atomic_store(&drain_from_handler, akira_workq_drain(NULL));
}

static void test_drain_from_own_handler_refused(void **state)
{
    (void)state;
    struct akira_work w;
    atomic_store(&drain_from_handler, 1);
    akira_work_init(&w, drain_inside);
    akira_work_submit(NULL, &w);
    assert_int_equal(akira_workq_drain(NULL), 0);
    assert_int_equal(atomic_load(&drain_from_handler), AKIRA_EDEADLK);
}

static void test_system_queue_needs_kernel(void **state)
{
    (void)state;
    struct item it;
    item_init(&it, 1);
    assert_non_null(akira_workq_system());
    assert_int_equal(akira_kernel_shutdown(), 0);
    assert_null(akira_workq_system());
    assert_int_equal(akira_work_submit(NULL, &it.work), AKIRA_ESTATE);
    assert_int_equal(akira_kernel_init(), 0);
    assert_int_equal(akira_work_submit(NULL, &it.work), 1);
    akira_workq_drain(NULL);
    assert_int_equal(atomic_load(&it.runs), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_fifo_order, drain),
        cmocka_unit_test_teardown(test_submit_pending_is_noop, drain),
        cmocka_unit_test_teardown(test_delayed_runs_after_delay, drain),
        cmocka_unit_test_teardown(test_delayed_order_by_due_time, drain),
        cmocka_unit_test_teardown(test_cancel, drain),
        cmocka_unit_test_teardown(test_reschedule_moves_due_time, drain),
        cmocka_unit_test_teardown(test_handler_resubmits_itself, drain),
        cmocka_unit_test_teardown(test_own_queue_lifecycle, drain),
        cmocka_unit_test_teardown(test_handler_may_free_its_item, drain),
        cmocka_unit_test_teardown(test_drain_from_own_handler_refused, drain),
        cmocka_unit_test_teardown(test_system_queue_needs_kernel, drain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

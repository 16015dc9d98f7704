/* Message queue: bounded, FIFO, timeouts, and producer/consumer across threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/msgq.h>
#include <akira/thread.h>

struct msg {
    uint32_t producer;
    uint32_t n;
    char text[8];
};

static void test_bounded_fifo(void **state)
{
    (void)state;
    akira_msgq_t *q;
    assert_int_equal(akira_msgq_create(&q, sizeof(struct msg), 3), 0);
    struct msg m = {0};
    for (uint32_t i = 0; i < 3; i++) {
        m.n = i;
        assert_int_equal(akira_msgq_put(q, &m, AKIRA_NO_WAIT), 0);
    }
    assert_int_equal(akira_msgq_num_used(q), 3);
    assert_int_equal(akira_msgq_num_free(q), 0);
    m.n = 99;
    assert_int_equal(akira_msgq_put(q, &m, AKIRA_NO_WAIT), AKIRA_EAGAIN);

    struct msg out;
    assert_int_equal(akira_msgq_peek(q, &out), 0);
    assert_int_equal(out.n, 0);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(akira_msgq_get(q, &out, AKIRA_NO_WAIT), 0);
        assert_int_equal(out.n, i);
    }
    assert_int_equal(akira_msgq_get(q, &out, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    assert_int_equal(akira_msgq_peek(q, &out), AKIRA_ENOENT);

    /* Wrap around the ring several times. */
    for (uint32_t i = 0; i < 10; i++) {
        m.n = 100 + i;
        assert_int_equal(akira_msgq_put(q, &m, AKIRA_NO_WAIT), 0);
        assert_int_equal(akira_msgq_get(q, &out, AKIRA_NO_WAIT), 0);
        assert_int_equal(out.n, 100 + i);
    }

    akira_msgq_put(q, &m, AKIRA_NO_WAIT);
    akira_msgq_purge(q);
    assert_int_equal(akira_msgq_num_used(q), 0);
    akira_msgq_destroy(q);
}

static void test_timeouts(void **state)
{
    (void)state;
    akira_msgq_t *q;
    assert_int_equal(akira_msgq_create(&q, 4, 1), 0);
    uint32_t v = 1;
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_msgq_get(q, &v, 60), AKIRA_ETIMEDOUT);
    assert_true(akira_uptime_ms() - t0 >= 60);
    assert_int_equal(akira_msgq_put(q, &v, 60), 0);
    t0 = akira_uptime_ms();
    assert_int_equal(akira_msgq_put(q, &v, 60), AKIRA_ETIMEDOUT);
    assert_true(akira_uptime_ms() - t0 >= 60);
    akira_msgq_destroy(q);
}

static void test_invalid(void **state)
{
    (void)state;
    akira_msgq_t *q;
    assert_int_equal(akira_msgq_create(&q, 0, 4), AKIRA_EINVAL);
    assert_int_equal(akira_msgq_create(&q, 4, 0), AKIRA_EINVAL);
    assert_int_equal(akira_msgq_create(&q, SIZE_MAX / 2, 4), AKIRA_EINVAL);
}

#define PER_PRODUCER 5000
#define PRODUCERS    3

struct prod {
    akira_msgq_t *q;
    uint32_t id;
};

static int producer(void *arg)
{
    struct prod *p = arg;
    struct msg m = {.producer = p->id};
    for (uint32_t i = 0; i < PER_PRODUCER; i++) {
        m.n = i;
        snprintf(m.text, sizeof(m.text), "%u", (unsigned)(i % 1000));
        if (akira_msgq_put(p->q, &m, 5000) != 0) return -1;
    }
    return 0;
}

static void test_producers_consumer_in_order(void **state)
{
    (void)state;
    akira_msgq_t *q;
    /* A small queue forces producers to block on "full" many times. */
    assert_int_equal(akira_msgq_create(&q, sizeof(struct msg), 4), 0);
    struct prod p[PRODUCERS];
    akira_thread_t *t[PRODUCERS];
    for (uint32_t i = 0; i < PRODUCERS; i++) {
        p[i].q = q;
        p[i].id = i;
        assert_int_equal(akira_thread_create(&t[i], "producer", producer, &p[i], 10, 0), 0);
    }
    uint32_t next[PRODUCERS] = {0};
    for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++) {
        struct msg m;
        assert_int_equal(akira_msgq_get(q, &m, 5000), 0);
        assert_true(m.producer < PRODUCERS);
        assert_int_equal(m.n, next[m.producer]);
        char want[8];
        snprintf(want, sizeof(want), "%u", (unsigned)(m.n % 1000));
        assert_string_equal(m.text, want);
        next[m.producer]++;
    }
    for (uint32_t i = 0; i < PRODUCERS; i++) {
        int status = -1;
        assert_int_equal(akira_thread_join(t[i], 5000, &status), 0);
        assert_int_equal(status, 0);
        assert_int_equal(next[i], PER_PRODUCER);
    }
    assert_int_equal(akira_msgq_num_used(q), 0);
    akira_msgq_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_fifo),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_producers_consumer_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

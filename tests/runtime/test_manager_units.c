/*
 * Units under the app manager: quota accounting (and the engine's charged
 * allocator), the app heap allocator, the event queue, the app log ring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_heap.h>
#include <akira/app_log.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/event.h>
#include <akira/kernel.h>
#include <akira/quota.h>
#include <akira/thread.h>

static void test_quota_charge_release(void **state)
{
    (void)state;
    struct akira_quota q;
    akira_quota_init(&q, 1000, NULL);
    assert_int_equal(akira_quota_charge(&q, 600), 0);
    assert_int_equal(akira_quota_charge(&q, 401), AKIRA_EQUOTA);
    assert_int_equal(akira_quota_used(&q), 600); /* a refusal charges nothing */
    assert_int_equal(akira_quota_charge(&q, 400), 0);
    assert_int_equal(akira_quota_charge(&q, 1), AKIRA_EQUOTA);
    assert_int_equal(akira_quota_charge(&q, SIZE_MAX), AKIRA_EQUOTA); /* no wrap */
    akira_quota_release(&q, 700);
    assert_int_equal(akira_quota_used(&q), 300);
    assert_int_equal(akira_quota_peak(&q), 1000);
    assert_int_equal(atomic_load(&q.refused), 3);
}

static void test_quota_realloc_hook(void **state)
{
    (void)state;
    struct akira_quota q;
    akira_quota_init(&q, 4096, NULL);
    char *p = akira_quota_realloc(&q, NULL, 0, 1000);
    assert_non_null(p);
    memset(p, 7, 1000);
    assert_int_equal(akira_quota_used(&q), 1000);
    /* Growing charges the difference, and keeps the bytes. */
    p = akira_quota_realloc(&q, p, 1000, 3000);
    assert_non_null(p);
    assert_int_equal(p[999], 7);
    assert_int_equal(akira_quota_used(&q), 3000);
    /* Past the quota: NULL and the old block is untouched and still charged. */
    assert_null(akira_quota_realloc(&q, p, 3000, 5000));
    assert_int_equal(akira_quota_used(&q), 3000);
    assert_int_equal(p[0], 7);
    p = akira_quota_realloc(&q, p, 3000, 100);
    assert_int_equal(akira_quota_used(&q), 100);
    assert_null(akira_quota_realloc(&q, p, 100, 0));
    assert_int_equal(akira_quota_used(&q), 0);
    assert_int_equal(akira_quota_peak(&q), 3000);
}

/* The operand stack's part of the quota: set aside at start, counted as used by every
 * other request, drawn on as the stack grows; the stack can always reach stack_size. */
static void test_quota_stack_set_aside(void **state)
{
    (void)state;
    struct akira_quota q;
    akira_quota_init(&q, 10000, NULL);
    akira_quota_set_stack(&q, 4000);
    assert_int_equal(akira_quota_used(&q), 4000);
    char *stack = akira_quota_stack_realloc(&q, NULL, 0, 500);
    assert_non_null(stack);
    assert_int_equal(akira_quota_used(&q), 4000); /* drawn from what was set aside */
    assert_int_equal(atomic_load(&q.stack_held), 500);
    /* other requests get only what is not set aside */
    assert_null(akira_quota_realloc(&q, NULL, 0, 6001));
    char *mem = akira_quota_realloc(&q, NULL, 0, 6000);
    assert_non_null(mem);
    assert_int_equal(akira_quota_used(&q), 10000);
    /* the stack still grows to its 4000 bytes, moving (old and new held at once for a
     * moment: the part past what is set aside is charged as usual, and refused here) */
    assert_null(akira_quota_stack_realloc(&q, NULL, 0, 4000));
    char *big = akira_quota_stack_realloc(&q, NULL, 0, 3500);
    assert_non_null(big);
    akira_quota_stack_realloc(&q, stack, 500, 0);
    assert_int_equal(akira_quota_used(&q), 10000);
    big = akira_quota_stack_realloc(&q, big, 3500, 4000); /* in place: only the growth */
    assert_non_null(big);
    assert_int_equal(akira_quota_used(&q), 10000);
    akira_quota_stack_realloc(&q, big, 4000, 0);
    akira_quota_realloc(&q, mem, 6000, 0);
    akira_quota_set_stack(&q, 0);
    assert_int_equal(akira_quota_used(&q), 0);
    assert_int_equal(akira_quota_peak(&q), 10000);
}

static void test_quota_from_pool(void **state)
{
    (void)state;
    static char region[64 * 1024] __attribute__((aligned(16)));
    akira_heap_t *pool;
    assert_int_equal(akira_heap_create(&pool, region, sizeof(region)), 0);
    struct akira_quota q;
    akira_quota_init(&q, 1u << 20, pool); /* quota larger than the pool */
    void *a = akira_quota_realloc(&q, NULL, 0, 40000);
    assert_non_null(a);
    /* The pool runs dry before the quota: refused, and nothing stays charged. */
    assert_null(akira_quota_realloc(&q, NULL, 0, 40000));
    assert_int_equal(akira_quota_used(&q), 40000);
    akira_quota_realloc(&q, a, 40000, 0);
    assert_int_equal(akira_quota_used(&q), 0);
    akira_heap_destroy(pool);
}

static void test_app_heap(void **state)
{
    (void)state;
    struct akira_quota q;
    akira_quota_init(&q, 1u << 20, NULL);
    struct akira_app_heap h;
    assert_int_equal(akira_app_heap_init(&h, &q, 65536, 4096), 0);
    assert_true(akira_quota_used(&q) > 0); /* the bitmaps are charged */
    uint32_t a = akira_app_heap_alloc(&h, 100), b = akira_app_heap_alloc(&h, 1);
    assert_int_equal(a, 65536);
    assert_int_equal(b, 65536 + 128); /* 100 rounds up to 4 granules */
    assert_int_equal(h.used, 128 + 32);
    assert_int_equal(akira_app_heap_alloc(&h, 0), 0);
    assert_int_equal(akira_app_heap_alloc(&h, 5000), 0);
    /* The block size (realloc's query): whole granules, only at a block's start. */
    assert_int_equal(akira_app_heap_block_size(&h, a), 128);
    assert_int_equal(akira_app_heap_block_size(&h, b), 32);
    assert_int_equal(akira_app_heap_block_size(&h, a + 32), 0);       /* interior */
    assert_int_equal(akira_app_heap_block_size(&h, a + 1), 0);        /* unaligned */
    assert_int_equal(akira_app_heap_block_size(&h, b + 32), 0);       /* free granule */
    assert_int_equal(akira_app_heap_block_size(&h, 65536 + 4096), 0); /* past the heap */
    assert_int_equal(akira_app_heap_block_size(&h, 32), 0);           /* below it */
    assert_int_equal(akira_app_heap_free(&h, a + 32), AKIRA_EINVAL);  /* interior */
    assert_int_equal(akira_app_heap_free(&h, 1), AKIRA_EINVAL);
    assert_int_equal(akira_app_heap_free(&h, a), 0);
    assert_int_equal(akira_app_heap_free(&h, a), AKIRA_EINVAL); /* double */
    assert_int_equal(akira_app_heap_free(&h, b), 0);
    assert_int_equal(h.used, 0);
    /* Free blocks coalesce: the whole heap is one block again. */
    assert_int_equal(akira_app_heap_alloc(&h, 4096), 65536);
    assert_int_equal(akira_app_heap_block_size(&h, 65536), 4096); /* ends at the heap's end */
    assert_int_equal(akira_app_heap_alloc(&h, 1), 0);
    akira_app_heap_deinit(&h, &q);
    assert_int_equal(akira_quota_used(&q), 0);

    /* A heap at address 0 never hands out 0 (the app's NULL). */
    assert_int_equal(akira_app_heap_init(&h, &q, 0, 1024), 0);
    assert_int_not_equal(akira_app_heap_alloc(&h, 32), 0);
    akira_app_heap_deinit(&h, &q);
    /* Bitmaps past the quota. */
    akira_quota_init(&q, 8, NULL);
    assert_int_equal(akira_app_heap_init(&h, &q, 65536, 65536), AKIRA_EQUOTA);
}

static struct akira_evq q;

static int poster(void *arg)
{
    (void)arg;
    akira_sleep_ms(30);
    struct akira_event e = {AKIRA_EVENT_TIMER, 7, 1, 0};
    return akira_evq_post(&q, &e);
}

static void test_event_queue(void **state)
{
    (void)state;
    assert_int_equal(akira_evq_init(&q), 0);
    struct akira_event e = {AKIRA_EVENT_START, 1, 2, 3}, out;
    assert_int_equal(akira_evq_wait(&q, &out, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_evq_wait(&q, &out, 30), AKIRA_ETIMEDOUT);
    assert_true(akira_uptime_ms() - t0 >= 30);
    /* Bounded: the 17th event is dropped and counted; order is kept. */
    for (uint32_t i = 0; i < AKIRA_EVQ_DEPTH; i++) {
        e.a = i;
        assert_int_equal(akira_evq_post(&q, &e), 0);
    }
    assert_int_equal(akira_evq_post(&q, &e), AKIRA_ENOSPC);
    assert_int_equal(akira_evq_drops(&q), 1);
    /* A stop request is never lost to a full queue: the app always learns it must
     * finish (after the events before it, in order). */
    struct akira_event stop = {AKIRA_EVENT_STOP, 0, 0, 0};
    assert_int_equal(akira_evq_post(&q, &stop), 0);
    assert_int_equal(akira_evq_post(&q, &e), AKIRA_ENOSPC);
    assert_int_equal(akira_evq_drops(&q), 2);
    for (uint32_t i = 0; i < AKIRA_EVQ_DEPTH; i++) {
        assert_int_equal(akira_evq_wait(&q, &out, AKIRA_NO_WAIT), 0);
        assert_int_equal(out.a, i);
    }
    assert_int_equal(akira_evq_wait(&q, &out, AKIRA_NO_WAIT), 0);
    assert_int_equal(out.type, AKIRA_EVENT_STOP);
    assert_int_equal(akira_evq_wait(&q, &out, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    /* A waiter gets an event posted by another thread. */
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "poster", poster, NULL, AKIRA_PRIO_DEFAULT, 0), 0);
    assert_int_equal(akira_evq_wait(&q, &out, 2000), 0);
    assert_int_equal(out.type, AKIRA_EVENT_TIMER);
    assert_int_equal(out.a, 7);
    int st;
    assert_int_equal(akira_thread_join(t, AKIRA_FOREVER, &st), 0);
    assert_int_equal(st, 0);
    /* Closing ends waits and sleeps at once; queued events are still taken first. */
    assert_int_equal(akira_evq_post(&q, &e), 0);
    akira_evq_close(&q);
    assert_int_equal(akira_evq_post(&q, &e), AKIRA_ESTATE);
    assert_int_equal(akira_evq_wait(&q, &out, AKIRA_FOREVER), 0);
    assert_int_equal(akira_evq_wait(&q, &out, AKIRA_FOREVER), AKIRA_EINTR);
    t0 = akira_uptime_ms();
    assert_int_equal(akira_evq_sleep(&q, 5000), AKIRA_EINTR);
    assert_true(akira_uptime_ms() - t0 < 100);
    akira_evq_reset(&q);
    assert_int_equal(akira_evq_sleep(&q, 20), 0);
    assert_int_equal(akira_evq_drops(&q), 2); /* reset keeps the drop count */
    akira_evq_deinit(&q);
}

static void test_app_log_ring(void **state)
{
    (void)state;
    struct akira_app_log l;
    assert_int_equal(akira_app_log_init(&l), 0);
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    assert_int_equal(akira_app_log_read(&l, &cur, &ln), AKIRA_ENOENT);
    char text[16];
    /* Enough to debug with (issue 21: 16 lines were not): 40 lines are all kept. */
    for (int i = 0; i < 40; i++) {
        int n = snprintf(text, sizeof(text), "line %d", i);
        akira_app_log_write(&l, AKIRA_LOG_INFO, text, (size_t)n);
    }
    assert_int_equal(akira_app_log_read(&l, &cur, &ln), 0);
    assert_string_equal(ln.text, "line 0");
    cur = 0;
    for (int i = 40; i < (int)AKIRA_APP_LOG_LINES + 4; i++) {
        int n = snprintf(text, sizeof(text), "line %d", i);
        akira_app_log_write(&l, AKIRA_LOG_INFO, text, (size_t)n);
    }
    /* Only the last AKIRA_APP_LOG_LINES remain; the reader skips to the oldest kept. */
    assert_int_equal(akira_app_log_read(&l, &cur, &ln), 0);
    assert_string_equal(ln.text, "line 4");
    assert_int_equal(ln.seq, 5);
    /* Control characters cannot forge console lines; long lines are cut. */
    char evil[300];
    memset(evil, 'x', sizeof(evil));
    memcpy(evil, "a\nb\033[2J", 8);
    akira_app_log_write(&l, AKIRA_LOG_WARN, evil, sizeof(evil));
    while (akira_app_log_read(&l, &cur, &ln) == 0) {
    }
    assert_int_equal(strncmp(ln.text, "a?b?[2J", 7), 0);
    assert_int_equal(strlen(ln.text), AKIRA_APP_LOG_LINE_MAX - 1);
    /* C1 controls too (issue 21): raw (CSI 0x9B) and UTF-8 encoded (C2 9B, NEL C2 85)
     * are one '?' each, as is a byte that is not UTF-8; real UTF-8 text is kept. */
    static const char c1[] = "\x9b"
                             "2J|\xc2\x9b"
                             "2J|\xc2\x85|\xc3\xa9|\xe2\x82\xac|\xff|\xc2";
    akira_app_log_write(&l, AKIRA_LOG_WARN, c1, sizeof(c1) - 1);
    assert_int_equal(akira_app_log_read(&l, &cur, &ln), 0);
    assert_string_equal(ln.text, "?2J|?2J|?|\xc3\xa9|\xe2\x82\xac|?|?");
    akira_app_log_deinit(&l);
}

/* The ring holds lines by their length (AKIRA_APP_LOG_BYTES): 48 short lines, or the
 * last 19 of the longest; lines that wrap around the ring's end read back whole. */
static void test_app_log_ring_bytes(void **state)
{
    (void)state;
    struct akira_app_log l;
    assert_int_equal(akira_app_log_init(&l), 0);
    char text[AKIRA_APP_LOG_LINE_MAX + 8], want[AKIRA_APP_LOG_LINE_MAX];
    enum { LONG = AKIRA_APP_LOG_LINE_MAX - 1, KEPT = AKIRA_APP_LOG_BYTES / (LONG + 8) };
    for (int i = 0; i < 100; i++) {
        memset(text, 'a' + i % 26, sizeof(text));
        snprintf(text, sizeof(text), "long %d:", i);
        text[strlen(text)] = '-';
        akira_app_log_write(&l, AKIRA_LOG_INFO, text, sizeof(text)); /* cut at LONG */
    }
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    int n = 0;
    while (akira_app_log_read(&l, &cur, &ln) == 0) {
        int i = 100 - KEPT + n++;
        assert_int_equal(ln.seq, (uint64_t)i + 1);
        assert_int_equal(ln.level, AKIRA_LOG_INFO);
        memset(want, 'a' + i % 26, LONG);
        want[LONG] = '\0';
        int h = snprintf(text, sizeof(text), "long %d:", i);
        memcpy(want, text, (size_t)h);
        want[h] = '-';
        assert_string_equal(ln.text, want);
    }
    assert_int_equal(n, KEPT);
    assert_int_equal(KEPT, 19);
    /* short lines after them: 48 are kept, the long ones all make room */
    for (int i = 0; i < 60; i++) {
        int h = snprintf(text, sizeof(text), "short %02d", i);
        akira_app_log_write(&l, AKIRA_LOG_WARN, text, (size_t)h);
    }
    cur = 0;
    n = 0;
    while (akira_app_log_read(&l, &cur, &ln) == 0) {
        snprintf(want, sizeof(want), "short %02d", 12 + n);
        assert_string_equal(ln.text, want);
        assert_int_equal(ln.seq, 100 + 12 + n + 1);
        n++;
    }
    assert_int_equal(n, AKIRA_APP_LOG_LINES);
    /* lines of every length: after each write the ring holds exactly the newest lines
     * whose records (length + 8) fit in AKIRA_APP_LOG_BYTES, at most 48 */
    static char model[400][AKIRA_APP_LOG_LINE_MAX];
    akira_app_log_deinit(&l);
    assert_int_equal(akira_app_log_init(&l), 0);
    for (int w = 0; w < 400; w++) {
        size_t len = (size_t)(w * 37) % AKIRA_APP_LOG_LINE_MAX;
        for (size_t k = 0; k < len; k++)
            model[w][k] = (char)('A' + (w + (int)k) % 26);
        model[w][len] = '\0';
        akira_app_log_write(&l, AKIRA_LOG_INFO, model[w], len);
        int first = w + 1;
        size_t bytes = 0;
        while (first > 0 && w + 1 - first < (int)AKIRA_APP_LOG_LINES &&
               bytes + strlen(model[first - 1]) + 8 <= AKIRA_APP_LOG_BYTES)
            bytes += strlen(model[--first]) + 8;
        cur = 0;
        n = 0;
        while (akira_app_log_read(&l, &cur, &ln) == 0) {
            assert_int_equal(ln.seq, first + n + 1);
            assert_string_equal(ln.text, model[first + n]);
            n++;
        }
        assert_int_equal(n, w + 1 - first);
    }
    /* the struct itself: the ring, not a slot per line */
    assert_true(sizeof(l) < AKIRA_APP_LOG_BYTES + 64);
    akira_app_log_deinit(&l);
}

/* Issue 21: the per-app rate limit: a burst, then the rate; drops counted and handed
 * to the next line that passes, once. */
static void test_app_log_rate_limit(void **state)
{
    (void)state;
    struct akira_app_log l;
    assert_int_equal(akira_app_log_init(&l), 0);
    uint64_t unreported = 99;
    int passed = 0;
    for (int i = 0; i < 1000; i++)
        passed += akira_app_log_admit(&l, &unreported);
    /* The burst, plus what the rate gave back while the loop ran (well under 1 s). */
    assert_true(passed >= (int)AKIRA_APP_LOG_BURST);
    assert_true(passed < (int)AKIRA_APP_LOG_BURST + (int)AKIRA_APP_LOG_RATE);
    assert_int_equal(akira_app_log_dropped(&l), 1000 - passed);
    akira_sleep_ms(2 * 1000 / AKIRA_APP_LOG_RATE);
    assert_true(akira_app_log_admit(&l, &unreported));
    assert_true(unreported > 0 && unreported <= (uint64_t)(1000 - passed));
    assert_true(akira_app_log_admit(&l, &unreported)); /* reported once */
    assert_int_equal(unreported, 0);
    akira_app_log_deinit(&l);
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quota_charge_release),  cmocka_unit_test(test_quota_realloc_hook),
        cmocka_unit_test(test_quota_from_pool),       cmocka_unit_test(test_app_heap),
        cmocka_unit_test(test_quota_stack_set_aside), cmocka_unit_test(test_app_log_rate_limit),
        cmocka_unit_test(test_event_queue),           cmocka_unit_test(test_app_log_ring),
        cmocka_unit_test(test_app_log_ring_bytes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

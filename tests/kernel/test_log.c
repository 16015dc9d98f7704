/* Log: ring wrap-around and drop count, per-module level filtering, reader cursors,
 * the sink, waiting readers, and many concurrent writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/log.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_REGISTER(logtest);

/* A second module, written through the function API (one module per file for the
 * macros). */
struct akira_log_module akira_log_module_other
    __attribute__((used, section("akira_log_mod"), aligned(sizeof(void *)))) = {"other", -1};

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false); /* keep test output quiet; the ring still records */
    akira_log_default_level_set(AKIRA_LOG_INFO);
    akira_log_level_reset("logtest");
    akira_log_level_reset("other");
    akira_log_clear();
    return 0;
}

static uint64_t newest_seq(void)
{
    struct akira_log_stats st;
    akira_log_stats_get(&st);
    return st.written;
}

static void test_ring_wraps_and_counts_drops(void **state)
{
    (void)state;
    struct akira_log_stats before, after;
    akira_log_stats_get(&before);
    int extra = 37;
    for (int i = 0; i < AKIRA_LOG_RING_ENTRIES + extra; i++)
        AKIRA_LOG_INF("entry %d", i);
    akira_log_stats_get(&after);
    assert_int_equal(after.written - before.written, AKIRA_LOG_RING_ENTRIES + extra);
    assert_int_equal(after.count, AKIRA_LOG_RING_ENTRIES);
    assert_int_equal(after.capacity, AKIRA_LOG_RING_ENTRIES + AKIRA_LOG_GUEST_RING_ENTRIES);
    /* The ring was emptied by setup, so exactly `extra` entries fell off. */
    assert_int_equal(after.dropped - before.dropped, extra);

    /* Reading from 0 starts at the oldest kept entry: number `extra`. */
    uint64_t cursor = 0;
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_int_equal(e.seq, after.first_seq);
    char want[32];
    snprintf(want, sizeof(want), "entry %d", extra);
    assert_string_equal(e.msg, want);
    assert_string_equal(e.module, "logtest");
    assert_int_equal(e.level, AKIRA_LOG_INFO);

    int n = 1;
    while (akira_log_read(&cursor, &e) == 0)
        n++;
    assert_int_equal(n, AKIRA_LOG_RING_ENTRIES);
    snprintf(want, sizeof(want), "entry %d", AKIRA_LOG_RING_ENTRIES + extra - 1);
    assert_string_equal(e.msg, want);
}

static void test_levels_filter_per_module(void **state)
{
    (void)state;
    uint64_t cursor = newest_seq();
    struct akira_log_entry e;

    assert_int_equal(akira_log_level_set("logtest", AKIRA_LOG_WARN), 0);
    assert_int_equal(akira_log_level_get("logtest"), AKIRA_LOG_WARN);
    AKIRA_LOG_INF("hidden info");
    AKIRA_LOG_DBG("hidden debug");
    AKIRA_LOG_WRN("shown warning");
    AKIRA_LOG_ERR("shown error");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "shown warning");
    assert_int_equal(e.level, AKIRA_LOG_WARN);
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "shown error");
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);

    /* The other module follows the default, which changes at run time. */
    akira_log_write(&akira_log_module_other, AKIRA_LOG_DEBUG, "other debug 1");
    akira_log_default_level_set(AKIRA_LOG_DEBUG);
    akira_log_write(&akira_log_module_other, AKIRA_LOG_DEBUG, "other debug 2");
    AKIRA_LOG_INF("still hidden: own level wins over the default");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "other debug 2");
    assert_string_equal(e.module, "other");
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);

    /* Reset makes the module follow the default again. */
    assert_int_equal(akira_log_level_reset("logtest"), 0);
    AKIRA_LOG_DBG("debug via default");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "debug via default");

    assert_int_equal(akira_log_level_set("logtest", AKIRA_LOG_NONE), 0);
    AKIRA_LOG_ERR("silenced");
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);

    assert_int_equal(akira_log_level_set("no_such_module", AKIRA_LOG_INFO), AKIRA_ENOENT);
    assert_int_equal(akira_log_level_get("no_such_module"), AKIRA_ENOENT);
    assert_int_equal(akira_log_level_set("logtest", (enum akira_log_level)9), AKIRA_EINVAL);
}

static void test_level_names_parse(void **state)
{
    (void)state;
    assert_int_equal(akira_log_level_parse("debug"), AKIRA_LOG_DEBUG);
    assert_int_equal(akira_log_level_parse("wrn"), AKIRA_LOG_WARN);
    assert_int_equal(akira_log_level_parse("0"), AKIRA_LOG_NONE);
    assert_int_equal(akira_log_level_parse("loud"), AKIRA_EINVAL);
    assert_string_equal(akira_log_level_name(AKIRA_LOG_ERROR), "err");
}

static void test_reader_cursor_sees_only_newer(void **state)
{
    (void)state;
    uint64_t cursor = newest_seq();
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);
    AKIRA_LOG_INF("a");
    AKIRA_LOG_INF("b");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "a");
    uint64_t after_a = cursor;
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "b");
    assert_int_equal(e.seq, after_a + 1);
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);
    AKIRA_LOG_INF("c\n"); /* trailing newline is stripped */
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "c");

    /* A second reader is independent of the first. */
    uint64_t other = after_a;
    assert_int_equal(akira_log_read(&other, &e), 0);
    assert_string_equal(e.msg, "b");

    /* A reader that fell behind the ring skips to the oldest and sees the gap. */
    uint64_t slow = newest_seq();
    const uint64_t slow_start = slow;
    for (int i = 0; i < AKIRA_LOG_RING_ENTRIES + 5; i++)
        AKIRA_LOG_INF("flood %d", i);
    assert_int_equal(akira_log_read(&slow, &e), 0);
    assert_true(e.seq > slow_start + 1); /* entries in between were overwritten */
    assert_int_equal(slow, e.seq);
    assert_string_equal(e.msg, "flood 5");
}

static void test_long_message_truncated(void **state)
{
    (void)state;
    char big[AKIRA_LOG_MSG_MAX * 2];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    uint64_t cursor = newest_seq();
    AKIRA_LOG_INF("%s", big);
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_int_equal(strlen(e.msg), AKIRA_LOG_MSG_MAX - 1);
}

struct sink_rec {
    int calls;
    char last[AKIRA_LOG_MSG_MAX];
};

static void test_sink(const struct akira_log_entry *e, void *user)
{
    struct sink_rec *r = user;
    r->calls++;
    snprintf(r->last, sizeof(r->last), "%s", e->msg);
    /* Logging from the sink must not recurse into the sink. */
    AKIRA_LOG_WRN("from inside the sink");
}

static void test_sink_receives_kept_entries(void **state)
{
    (void)state;
    struct sink_rec rec = {0};
    akira_log_sink_set(test_sink, &rec);
    akira_log_sink_enable(true);
    uint64_t cursor = newest_seq();
    AKIRA_LOG_INF("to the sink");
    AKIRA_LOG_DBG("filtered, not to the sink");
    akira_log_sink_enable(false);
    AKIRA_LOG_INF("sink disabled");
    akira_log_sink_set(NULL, NULL);
    assert_int_equal(rec.calls, 1);
    assert_string_equal(rec.last, "to the sink");
    /* The ring has: the message, the one logged inside the sink, the disabled one. */
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "to the sink");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "from inside the sink");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.msg, "sink disabled");
}

static void test_tagged_write(void **state)
{
    (void)state;
    uint64_t cursor = newest_seq();
    akira_log_write_tagged(&akira_log_module_other, "app-clock", AKIRA_LOG_INFO, "tick %d", 1);
    akira_log_write_tagged(&akira_log_module_other, "app-clock", AKIRA_LOG_DEBUG, "filtered");
    akira_log_write_tagged(&akira_log_module_other, "an-app-with-a-very-long-name", AKIRA_LOG_WARN,
                           "cut");
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_string_equal(e.module, "app-clock");
    assert_string_equal(e.msg, "tick 1");
    assert_int_equal(akira_log_read(&cursor, &e), 0);
    assert_int_equal(strlen(e.module), AKIRA_LOG_MODULE_NAME_MAX - 1);
    assert_string_equal(e.msg, "cut");
    assert_int_equal(akira_log_read(&cursor, &e), AKIRA_ENOENT);
}

/* Issue 21: tagged records (apps' lines) have a ring of their own, so a flooding app
 * never pushes the system's records out; readers still get one stream in order. */
static void test_guests_cannot_flood(void **state)
{
    (void)state;
    uint64_t start = newest_seq();
    AKIRA_LOG_WRN("system warning before the flood");
    for (int i = 0; i < 10 * (AKIRA_LOG_RING_ENTRIES + AKIRA_LOG_GUEST_RING_ENTRIES); i++) {
        akira_log_write_tagged(&akira_log_module_other, "flood", AKIRA_LOG_INFO, "spam %d", i);
        if (i == 5) AKIRA_LOG_WRN("system warning in the flood");
    }
    uint64_t cursor = start, last = start;
    struct akira_log_entry e;
    int sys = 0, guest = 0;
    while (akira_log_read(&cursor, &e) == 0) {
        assert_true(e.seq > last); /* one stream, in sequence order */
        last = e.seq;
        if (strcmp(e.module, "logtest") == 0) {
            assert_string_equal(e.msg, sys == 0 ? "system warning before the flood"
                                                : "system warning in the flood");
            sys++;
        } else {
            guest++;
        }
    }
    assert_int_equal(sys, 2);
    assert_int_equal(guest, AKIRA_LOG_GUEST_RING_ENTRIES);
    assert_int_equal(last, newest_seq());
}

static void test_format_line(void **state)
{
    (void)state;
    struct akira_log_entry e = {.seq = 1, .uptime_ms = 1234567, .level = AKIRA_LOG_WARN};
    snprintf(e.module, sizeof(e.module), "http");
    snprintf(e.msg, sizeof(e.msg), "slow client");
    char line[200];
    akira_log_format(&e, line, sizeof(line));
    assert_string_equal(line, "[    1234.567] <wrn> http: slow client");
}

static int late_writer(void *arg)
{
    (void)arg;
    akira_sleep_ms(50);
    AKIRA_LOG_INF("late");
    return 0;
}

static void test_wait_for_new_entries(void **state)
{
    (void)state;
    uint64_t last = newest_seq();
    assert_int_equal(akira_log_wait(last, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    assert_int_equal(akira_log_wait(last, 30), AKIRA_ETIMEDOUT);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "late", late_writer, NULL, 10, 0), 0);
    assert_int_equal(akira_log_wait(last, 5000), 0);
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&last, &e), 0);
    assert_string_equal(e.msg, "late");
    assert_int_equal(akira_thread_join(t, AKIRA_FOREVER, NULL), 0);
}

#define WRITERS 4
/* All of them fit the ring, whatever size the port gives it. */
#define PER_WRITER (AKIRA_LOG_RING_ENTRIES * 3 / 4 / WRITERS)

static int writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < PER_WRITER; i++)
        AKIRA_LOG_INF("w%d %d", id, i);
    return 0;
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    _Static_assert(WRITERS * PER_WRITER <= AKIRA_LOG_RING_ENTRIES, "all must fit the ring");
    akira_log_clear();
    uint64_t cursor = newest_seq();
    akira_thread_t *t[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(akira_thread_create(&t[i], "writer", writer, (void *)(intptr_t)i, 10, 0),
                         0);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(akira_thread_join(t[i], 5000, NULL), 0);

    /* Every message arrives exactly once, seq has no gaps, each writer's in order. */
    int next[WRITERS] = {0};
    uint64_t prev_seq = cursor;
    struct akira_log_entry e;
    int total = 0;
    while (akira_log_read(&cursor, &e) == 0) {
        assert_int_equal(e.seq, prev_seq + 1);
        prev_seq = e.seq;
        int id, n;
        assert_int_equal(sscanf(e.msg, "w%d %d", &id, &n), 2);
        assert_true(id >= 0 && id < WRITERS);
        assert_int_equal(n, next[id]);
        next[id]++;
        total++;
    }
    assert_int_equal(total, WRITERS * PER_WRITER);
}

#define FLOOD_PER_WRITER 2000

static int flood_writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < FLOOD_PER_WRITER; i++)
        AKIRA_LOG_INF("w%d %d", id, i);
    return 0;
}

static atomic_int flood_writers_done;

static void test_reader_during_overflow(void **state)
{
    (void)state;
    struct akira_log_stats before;
    akira_log_stats_get(&before);
    uint64_t cursor = before.written;
    atomic_store(&flood_writers_done, 0);
    akira_thread_t *t[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(
            akira_thread_create(&t[i], "flood", flood_writer, (void *)(intptr_t)i, 10, 0), 0);

    /* Read while the ring is being overwritten: entries are never torn, sequence numbers
     * only grow, and each writer's messages keep their order even across gaps. */
    int last[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        last[i] = -1;
    uint64_t prev = cursor;
    int got = 0;
    for (;;) {
        struct akira_log_entry e;
        int rc = akira_log_read(&cursor, &e);
        if (rc == AKIRA_ENOENT) {
            if (newest_seq() - before.written == WRITERS * FLOOD_PER_WRITER) break;
            akira_yield();
            continue;
        }
        assert_int_equal(rc, 0);
        assert_true(e.seq > prev);
        prev = e.seq;
        int id, n;
        assert_int_equal(sscanf(e.msg, "w%d %d", &id, &n), 2);
        assert_true(id >= 0 && id < WRITERS);
        assert_true(n > last[id]);
        last[id] = n;
        got++;
    }
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(akira_thread_join(t[i], 5000, NULL), 0);
    struct akira_log_stats after;
    akira_log_stats_get(&after);
    assert_int_equal(after.written - before.written, WRITERS * FLOOD_PER_WRITER);
    /* Whatever the reader missed was dropped from the ring before it got there. */
    assert_true(got >= AKIRA_LOG_RING_ENTRIES);
    assert_true((uint64_t)got + (after.dropped - before.dropped) >= WRITERS * FLOOD_PER_WRITER);
    assert_int_equal(prev, after.written); /* the reader caught up with the newest */
}

static void count_module(const char *name, enum akira_log_level level, bool follows, void *user)
{
    int *found = user;
    if (strcmp(name, "logtest") == 0 && level == AKIRA_LOG_ERROR && !follows) found[0]++;
    if (strcmp(name, "other") == 0 && follows) found[1]++;
}

static void test_module_list(void **state)
{
    (void)state;
    akira_log_level_set("logtest", AKIRA_LOG_ERROR);
    int found[2] = {0, 0};
    size_t n = akira_log_module_foreach(count_module, found);
    assert_true(n >= 2);
    assert_int_equal(found[0], 1);
    assert_int_equal(found[1], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ring_wraps_and_counts_drops, setup),
        cmocka_unit_test_setup(test_levels_filter_per_module, setup),
        cmocka_unit_test_setup(test_level_names_parse, setup),
        cmocka_unit_test_setup(test_reader_cursor_sees_only_newer, setup),
        cmocka_unit_test_setup(test_long_message_truncated, setup),
        cmocka_unit_test_setup(test_sink_receives_kept_entries, setup),
        cmocka_unit_test_setup(test_tagged_write, setup),
        cmocka_unit_test_setup(test_guests_cannot_flood, setup),
        cmocka_unit_test_setup(test_format_line, setup),
        cmocka_unit_test_setup(test_wait_for_new_entries, setup),
        cmocka_unit_test_setup(test_concurrent_writers, setup),
        cmocka_unit_test_setup(test_reader_during_overflow, setup),
        cmocka_unit_test_setup(test_module_list, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

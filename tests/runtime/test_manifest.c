/*
 * Manifest parser and formatter: every key, its default, every error naming its
 * field, and text -> struct -> text -> struct giving the same struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/caps.h>
#include <akira/err.h>
#include <akira/manifest.h>

static int parse(const char *text, struct akira_manifest *m, struct akira_manifest_error *e)
{
    return akira_manifest_parse(text, strlen(text), m, e);
}

static void test_caps_names(void **state)
{
    (void)state;
    assert_int_equal(akira_cap_from_name("timer", 5), AKIRA_CAP_TIMER);
    assert_int_equal(akira_cap_from_name("rf", 2), AKIRA_CAP_RF);
    assert_int_equal(akira_cap_from_name("time", 4), 0);
    assert_int_equal(akira_cap_from_name("TIMER", 5), 0);
    assert_int_equal(akira_cap_from_name("timers", 6), 0);
    assert_string_equal(akira_cap_name(AKIRA_CAP_IPC), "ipc");
    assert_null(akira_cap_name(AKIRA_CAP_IPC | AKIRA_CAP_TIMER));
    assert_null(akira_cap_name(0));
    assert_null(akira_cap_name(1u << 20));
    /* Every bit has a name and the name leads back to the bit. */
    for (unsigned i = 0; i < AKIRA_CAP_COUNT_; i++) {
        const char *n = akira_cap_name(1u << i);
        assert_non_null(n);
        assert_int_equal(akira_cap_from_name(n, strlen(n)), 1u << i);
    }
}

static void test_defaults(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: hello\nversion: 1.0\n", &m, &e), AKIRA_OK);
    assert_string_equal(m.name, "hello");
    assert_string_equal(m.version, "1.0");
    assert_string_equal(m.entry, "");
    assert_int_equal(m.caps, 0);
    assert_int_equal(m.memory_quota, 256 * 1024);
    assert_int_equal(m.stack_size, 16 * 1024);
    assert_int_equal(m.heap_size, 0);
    assert_false(m.autostart);
    assert_int_equal(m.restart, AKIRA_RESTART_NEVER);
    assert_int_equal(m.restart_max_retries, 3);
    assert_int_equal(m.restart_delay_ms, 1000);
    assert_string_equal(m.description, "");
    assert_string_equal(m.author, "");
}

static void test_every_key(void **state)
{
    (void)state;
    const char *text = "# a comment\r\n"
                       "  name :  counter-2 \r\n"
                       "\n"
                       "version: 2.1.0-rc1\n"
                       "entry: run\n"
                       "capabilities: timer, storage ,ipc\n"
                       "memory_quota: 1M\n"
                       "stack_size: 32k\n"
                       "heap_size: 65536\n"
                       "autostart: true\n"
                       "restart: on-failure max_retries=5 delay_ms=250\n"
                       "description: Counts \xc3\xa9vents: one per second\n"
                       "author: Ada <ada@example.org>"; /* no final newline */
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse(text, &m, &e), AKIRA_OK);
    assert_string_equal(m.name, "counter-2");
    assert_string_equal(m.version, "2.1.0-rc1");
    assert_string_equal(m.entry, "run");
    assert_int_equal(m.caps, AKIRA_CAP_TIMER | AKIRA_CAP_STORAGE | AKIRA_CAP_IPC);
    assert_int_equal(m.memory_quota, 1024 * 1024);
    assert_int_equal(m.stack_size, 32 * 1024);
    assert_int_equal(m.heap_size, 65536);
    assert_true(m.autostart);
    assert_int_equal(m.restart, AKIRA_RESTART_ON_FAILURE);
    assert_int_equal(m.restart_max_retries, 5);
    assert_int_equal(m.restart_delay_ms, 250);
    assert_string_equal(m.description, "Counts \xc3\xa9vents: one per second");
    assert_string_equal(m.author, "Ada <ada@example.org>");

    assert_int_equal(parse("name: a\nversion: 1\nrestart: on-failure\n", &m, &e), AKIRA_OK);
    assert_int_equal(m.restart_max_retries, 3);
    assert_int_equal(m.restart_delay_ms, 1000);
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities:\nautostart: false\n", &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, 0);
    assert_false(m.autostart);
}

struct bad {
    const char *text;
    int code;
    const char *field;
    const char *reason_has;
};

static void test_errors_name_the_field(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"version: 1\n", AKIRA_EFORMAT, "name", "missing"},
        {"name: a\n", AKIRA_EFORMAT, "version", "missing"},
        {"", AKIRA_EFORMAT, "name", "missing"},
        {"name: Hello\nversion: 1\n", AKIRA_EFORMAT, "name", "letter"},
        {"name: 1abc\nversion: 1\n", AKIRA_EFORMAT, "name", "letter"},
        {"name: a.b\nversion: 1\n", AKIRA_EFORMAT, "name", "'.'"},
        {"name: abcdefghijabcdefghijabcdefghijab\nversion: 1\n", AKIRA_EFORMAT, "name", "longer"},
        {"name:\nversion: 1\n", AKIRA_EFORMAT, "name", "empty"},
        {"name: a\nversion: 1 2\n", AKIRA_EFORMAT, "version", "spaces"},
        {"name: a\nversion: 123456789012345678901234\n", AKIRA_EFORMAT, "version", "longer"},
        {"name: a\nversion: 1\nentry:\n", AKIRA_EFORMAT, "entry", "empty"},
        {"name: a\nversion: 1\ncapabilities: timer, warp\n", AKIRA_EFORMAT, "capabilities",
         "'warp'"},
        {"name: a\nversion: 1\ncapabilities: timer,,ipc\n", AKIRA_EFORMAT, "capabilities", "empty"},
        {"name: a\nversion: 1\nmemory_quota: 32K\n", AKIRA_ERANGE, "memory_quota", "outside"},
        {"name: a\nversion: 1\nmemory_quota: 2M\n", AKIRA_ERANGE, "memory_quota", "outside"},
        {"name: a\nversion: 1\nmemory_quota: lots\n", AKIRA_EFORMAT, "memory_quota", "number"},
        {"name: a\nversion: 1\nmemory_quota: 99999999999\n", AKIRA_ERANGE, "memory_quota", "large"},
        {"name: a\nversion: 1\nstack_size: 1K\n", AKIRA_ERANGE, "stack_size", "outside"},
        {"name: a\nversion: 1\nstack_size: 512K\n", AKIRA_ERANGE, "stack_size", "outside"},
        {"name: a\nversion: 1\nstack_size: K\n", AKIRA_EFORMAT, "stack_size", "number"},
        {"name: a\nversion: 1\nheap_size: -1\n", AKIRA_EFORMAT, "heap_size", "number"},
        {"name: a\nversion: 1\nheap_size: 2M\n", AKIRA_ERANGE, "heap_size", "outside"},
        {"name: a\nversion: 1\nmemory_quota: 128K\nstack_size: 64K\nheap_size: 16K\n", AKIRA_ERANGE,
         "memory_quota", "stack_size + heap_size"},
        {"name: a\nversion: 1\nautostart: yes\n", AKIRA_EFORMAT, "autostart", "true or false"},
        {"name: a\nversion: 1\nrestart: always\n", AKIRA_EFORMAT, "restart", "never or on-failure"},
        {"name: a\nversion: 1\nrestart:\n", AKIRA_EFORMAT, "restart", "empty"},
        {"name: a\nversion: 1\nrestart: never max_retries=1\n", AKIRA_EFORMAT, "restart",
         "no options"},
        {"name: a\nversion: 1\nrestart: on-failure max_retries=101\n", AKIRA_ERANGE, "restart",
         "outside"},
        {"name: a\nversion: 1\nrestart: on-failure delay_ms=3600001\n", AKIRA_ERANGE, "restart",
         "outside"},
        {"name: a\nversion: 1\nrestart: on-failure retries=1\n", AKIRA_EFORMAT, "restart",
         "'retries'"},
        {"name: a\nversion: 1\nrestart: on-failure max_retries=1 max_retries=2\n", AKIRA_EFORMAT,
         "restart", "repeated"},
        {"name: a\nversion: 1\nrestart: on-failure 5\n", AKIRA_EFORMAT, "restart", "'='"},
        {"name: a\nversion: 1\nrestart: on-failure max_retries=1 delay_ms=1 x=1\n", AKIRA_EFORMAT,
         "restart", "too many"},
        {"name: a\nversion: 1\ndescription: "
         "0123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789012345678901234567890123456789\n",
         AKIRA_EFORMAT, "description", "longer"},
        {"name: a\nversion: 1\nauthor: "
         "0123456789012345678901234567890123456789012345678901234567890123456789\n",
         AKIRA_EFORMAT, "author", "longer"},
        {"name: a\nversion: 1\ncolour: blue\n", AKIRA_EFORMAT, "colour", "unknown key"},
        {"name: a\nname: b\nversion: 1\n", AKIRA_EFORMAT, "name", "twice"},
        {"name: a\nversion: 1\nautostart\n", AKIRA_EFORMAT, "line 3", "':'"},
        {"name: a\n: x\nversion: 1\n", AKIRA_EFORMAT, "line 2", "empty key"},
        {"name: a\nversion: 1\ndescription: caf\xe9\n", AKIRA_EFORMAT, "line 3", "UTF-8"},
        {"name: a\nversion: 1\ndescription: \xed\xa0\x80\n", AKIRA_EFORMAT, "line 3", "UTF-8"},
        {"name: a\nversion: 1\ndescription: \xc0\xaf\n", AKIRA_EFORMAT, "line 3", "UTF-8"},
        {"name: a\nversion: 1\ndescription: bell\a\n", AKIRA_EFORMAT, "line 3", "control"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct akira_manifest m;
        struct akira_manifest_error e;
        int rc = parse(cases[i].text, &m, &e);
        if (rc != cases[i].code || strcmp(e.field, cases[i].field) != 0 ||
            !strstr(e.reason, cases[i].reason_has))
            fail_msg("case %zu: got %d field '%s' reason '%s', want %d '%s' '...%s...'", i, rc,
                     e.field, e.reason, cases[i].code, cases[i].field, cases[i].reason_has);
    }
}

static void test_too_big_and_nul(void **state)
{
    (void)state;
    static char big[AKIRA_MANIFEST_MAX + 1];
    memset(big, '#', sizeof big);
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(akira_manifest_parse(big, sizeof big, &m, &e), AKIRA_ETOOBIG);
    assert_string_equal(e.field, "manifest");
    /* The largest accepted size is fine (all comment, but names are missing). */
    big[AKIRA_MANIFEST_MAX - 1] = '\n';
    assert_int_equal(akira_manifest_parse(big, AKIRA_MANIFEST_MAX, &m, &e), AKIRA_EFORMAT);
    assert_string_equal(e.field, "name");
    /* An embedded NUL is a control character, not an end of text. */
    const char nul[] = "name: a\nversion: 1\0\n";
    assert_int_equal(akira_manifest_parse(nul, sizeof nul - 1, &m, &e), AKIRA_EFORMAT);
    assert_string_equal(e.field, "line 2");
    /* A NULL error pointer is allowed. */
    assert_int_equal(parse("name: a\n", &m, NULL), AKIRA_EFORMAT);
}

static void round_trip(const struct akira_manifest *m)
{
    char text[AKIRA_MANIFEST_MAX];
    int n = akira_manifest_format(m, text, sizeof text);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(text));
    struct akira_manifest back;
    struct akira_manifest_error e;
    if (akira_manifest_parse(text, (size_t)n, &back, &e) != AKIRA_OK)
        fail_msg("formatted text does not parse: %s: %s\n%s", e.field, e.reason, text);
    assert_memory_equal(m, &back, sizeof back);
    /* Too small a buffer is refused, at every length short of text + NUL. */
    for (int cap = 0; cap <= n; cap++)
        assert_int_equal(akira_manifest_format(m, text, (size_t)cap), AKIRA_ERANGE);
    assert_int_equal(akira_manifest_format(m, text, (size_t)n + 1), n);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    memset(&m, 0, sizeof m);
    assert_int_equal(parse("name: hello\nversion: 1.0\n", &m, &e), AKIRA_OK);
    round_trip(&m);
    memset(&m, 0, sizeof m);
    assert_int_equal(parse("name: z9_-\nversion: v\nentry: go\ncapabilities: rf, memory, gpio\n"
                           "memory_quota: 100001\nstack_size: 4097\nheap_size: 3M\n"
                           "autostart: true\nrestart: on-failure max_retries=0 delay_ms=0\n"
                           "description: d: e, f\nauthor: me\n",
                           &m, &e),
                     AKIRA_ERANGE); /* 3M heap does not fit a 100001 quota */
    memset(&m, 0, sizeof m);
    assert_int_equal(parse("name: z9_-\nversion: v\nentry: go\ncapabilities: rf, memory, gpio\n"
                           "memory_quota: 1000001\nstack_size: 4097\nheap_size: 2K\n"
                           "autostart: true\nrestart: on-failure max_retries=0 delay_ms=0\n"
                           "description: d: e, f\nauthor: me\n",
                           &m, &e),
                     AKIRA_OK);
    round_trip(&m);
    /* Every capability at once. */
    m.caps = AKIRA_CAP_ALL_;
    round_trip(&m);
}

/* Storage limits (issue 21): within the board's bounds, 0 (the board's default) when
 * absent, named in errors, kept by a round trip. */
static void test_storage_limits(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: a\nversion: 1\n", &m, &e), AKIRA_OK);
    assert_int_equal(m.storage_files, 0);
    assert_int_equal(m.settings_keys, 0);
    assert_int_equal(m.flash_write_rate, 0);
    assert_int_equal(m.flash_write_burst, 0);
    assert_int_equal(parse("name: a\nversion: 1\nstorage_files: 24\nsettings_keys: 1\n"
                           "flash_write_rate: 2K\nflash_write_burst: 1M\n",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.storage_files, AKIRA_BOARD_APP_FILES_MAX);
    assert_int_equal(m.settings_keys, AKIRA_BOARD_APP_SETTINGS_KEYS_MIN);
    assert_int_equal(m.flash_write_rate, 2048);
    assert_int_equal(m.flash_write_burst, AKIRA_BOARD_APP_FLASH_BURST_MAX);
    round_trip(&m);
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"name: a\nversion: 1\nstorage_files: 25\n", "storage_files"},
        {"name: a\nversion: 1\nstorage_files: 0\n", "storage_files"},
        {"name: a\nversion: 1\nsettings_keys: 33\n", "settings_keys"},
        {"name: a\nversion: 1\nflash_write_rate: 9K\n", "flash_write_rate"},
        {"name: a\nversion: 1\nflash_write_rate: 63\n", "flash_write_rate"},
        {"name: a\nversion: 1\nflash_write_burst: 2M\n", "flash_write_burst"},
        {"name: a\nversion: 1\nflash_write_burst: 4K\n", "flash_write_burst"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i].text, &m, &e), AKIRA_ERANGE);
        assert_string_equal(e.field, bad[i].field);
        assert_non_null(strstr(e.reason, "outside"));
    }
}

/* thread_stack: absent is the board's default (0), within the board's bounds, whole
 * KiB, counted in what memory_quota must hold, in the canonical text only when given. */
static void test_thread_stack(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    char buf[AKIRA_MANIFEST_MAX];
    assert_int_equal(parse("name: a\nversion: 1\n", &m, &e), AKIRA_OK);
    assert_int_equal(m.thread_stack_kib, 0);
    assert_true(akira_manifest_format(&m, buf, sizeof buf) > 0);
    assert_null(strstr(buf, "thread_stack"));
    assert_int_equal(parse("name: a\nversion: 1\nthread_stack: 16K\n", &m, &e), AKIRA_OK);
    assert_int_equal(m.thread_stack_kib, 16);
    assert_true(akira_manifest_format(&m, buf, sizeof buf) > 0);
    assert_non_null(strstr(buf, "\nthread_stack: 16K\n"));
    round_trip(&m);
    char text[128];
    snprintf(text, sizeof text, "name: a\nversion: 1\nmemory_quota: 1M\nthread_stack: %u\n",
             (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MIN);
    assert_int_equal(parse(text, &m, &e), AKIRA_OK);
    assert_int_equal(m.thread_stack_kib * 1024u, AKIRA_BOARD_APP_THREAD_STACK_MIN);
    snprintf(text, sizeof text, "name: a\nversion: 1\nmemory_quota: 1M\nthread_stack: %u\n",
             (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MAX);
    int rc = parse(text, &m, &e);
    /* the board's largest may not fit beside the defaults in its largest quota */
    if (rc == AKIRA_OK)
        assert_int_equal(m.thread_stack_kib * 1024u, AKIRA_BOARD_APP_THREAD_STACK_MAX);
    else
        assert_string_equal(e.field, "memory_quota");
    /* too small, too large: refused, the error names the key and its bounds */
    snprintf(text, sizeof text, "name: a\nversion: 1\nthread_stack: %u\n",
             (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MIN - 1024u);
    assert_int_equal(parse(text, &m, &e), AKIRA_ERANGE);
    assert_string_equal(e.field, "thread_stack");
    char want[64];
    snprintf(want, sizeof want, "outside %u..%u", (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MIN,
             (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MAX);
    assert_non_null(strstr(e.reason, want));
    snprintf(text, sizeof text, "name: a\nversion: 1\nmemory_quota: 1M\nthread_stack: %u\n",
             (unsigned)AKIRA_BOARD_APP_THREAD_STACK_MAX + 1024u);
    assert_int_equal(parse(text, &m, &e), AKIRA_ERANGE);
    assert_string_equal(e.field, "thread_stack");
    assert_non_null(strstr(e.reason, want));
    assert_int_equal(parse("name: a\nversion: 1\nthread_stack: 16000\n", &m, &e), AKIRA_ERANGE);
    assert_string_equal(e.field, "thread_stack");
    assert_non_null(strstr(e.reason, "whole number of KiB"));
    assert_int_equal(parse("name: a\nversion: 1\nthread_stack: lots\n", &m, &e), AKIRA_EFORMAT);
    assert_string_equal(e.field, "thread_stack");
    /* given, it counts in what memory_quota must hold: 16K + 64K page + 180K > 256K */
    assert_int_equal(parse("name: a\nversion: 1\nthread_stack: 180K\n", &m, &e), AKIRA_ERANGE);
    assert_string_equal(e.field, "memory_quota");
    assert_non_null(strstr(e.reason, "+ thread_stack"));
    assert_int_equal(parse("name: a\nversion: 1\nthread_stack: 176K\n", &m, &e), AKIRA_OK);
}

/* Issue 21: IPC topic ownership lists. */
static void test_ipc_topics(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities: ipc\n"
                           "ipc_publish: chat/out, chat/*\nipc_subscribe: sys/*, ping, *\n",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.n_ipc_pub, 2);
    assert_int_equal(m.n_ipc_sub, 3);
    round_trip(&m);
#define PUB(t) akira_manifest_topic_allowed(&m, true, t, strlen(t))
#define SUB(t) akira_manifest_topic_allowed(&m, false, t, strlen(t))
    assert_true(PUB("chat/out"));
    assert_true(PUB("chat/a/b"));
    assert_false(PUB("chat"));
    assert_false(PUB("chatter"));
    assert_false(PUB("ping"));
    assert_true(SUB("anything/at/all"));
    /* Nobody's list reaches the system's topics for publishing, not even `*`. */
    assert_int_equal(parse("name: a\nversion: 1\nipc_publish: *\nipc_subscribe: x/*\n", &m, &e),
                     AKIRA_OK);
    assert_true(PUB("anything"));
    assert_false(PUB("sys"));
    assert_false(PUB("sys/boot"));
    assert_true(PUB("system"));
    assert_true(SUB("x/y"));
    assert_false(SUB("x"));
    assert_false(SUB("y"));
    /* Without lists: nothing. */
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities: ipc\n", &m, &e), AKIRA_OK);
    assert_false(PUB("ping"));
    assert_false(SUB("ping"));
    assert_false(akira_manifest_topic_allowed(NULL, false, "ping", 4));
#undef PUB
#undef SUB
    static const struct {
        const char *text;
        int code;
        const char *field;
    } bad[] = {
        {"ipc_publish: sys/boot\n", AKIRA_EINVAL, "ipc_publish"},
        {"ipc_publish: sys\n", AKIRA_EINVAL, "ipc_publish"},
        {"ipc_publish: sys/*\n", AKIRA_EINVAL, "ipc_publish"},
        {"ipc_publish: a, a\n", AKIRA_EFORMAT, "ipc_publish"},
        {"ipc_publish: a, b, c, d, e\n", AKIRA_ERANGE, "ipc_publish"},
        {"ipc_subscribe: Caps\n", AKIRA_EFORMAT, "ipc_subscribe"},
        {"ipc_subscribe: a*\n", AKIRA_EFORMAT, "ipc_subscribe"},
        {"ipc_subscribe: /*\n", AKIRA_EFORMAT, "ipc_subscribe"},
        {"ipc_subscribe: a//b\n", AKIRA_EFORMAT, "ipc_subscribe"},
        {"ipc_subscribe: a, , b\n", AKIRA_EFORMAT, "ipc_subscribe"},
        {"ipc_subscribe: a-topic-name-that-is-32-bytes-xx\n", AKIRA_ERANGE, "ipc_subscribe"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[200];
        snprintf(text, sizeof text, "name: a\nversion: 1\n%s", bad[i].text);
        int rc = parse(text, &m, &e);
        if (rc != bad[i].code || strcmp(e.field, bad[i].field) != 0)
            fail_msg("%s: got %d %s: %s", bad[i].text, rc, e.field, e.reason);
    }
}

/* rf_channels and mesh_topics (issue 17): parsed, kept by a round trip, what they allow. */
static void test_rf_and_mesh(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities: rf, mesh\n"
                           "rf_channels: 3, 10-12, 125, 0\nmesh_topics: chat, sensor/*\n",
                           &m, &e),
                     AKIRA_OK);
    round_trip(&m);
    for (uint32_t c = 0; c <= 126; c++)
        assert_int_equal(akira_manifest_rf_channel_allowed(&m, c),
                         c == 0 || c == 3 || (c >= 10 && c <= 12) || c == 125);
    assert_true(akira_manifest_mesh_topic_allowed(&m, "chat", 4));
    assert_true(akira_manifest_mesh_topic_allowed(&m, "sensor/bme280", 13));
    assert_false(akira_manifest_mesh_topic_allowed(&m, "sensor", 6));
    assert_false(akira_manifest_mesh_topic_allowed(&m, "chat/x", 6));
    assert_false(akira_manifest_rf_channel_allowed(NULL, 3));
    assert_false(akira_manifest_mesh_topic_allowed(NULL, "chat", 4));
    char text[AKIRA_MANIFEST_MAX];
    assert_true(akira_manifest_format(&m, text, sizeof text) > 0);
    assert_non_null(strstr(text, "rf_channels: 0, 3, 10-12, 125\n"));
    assert_non_null(strstr(text, "mesh_topics: chat, sensor/*\n"));
    static const struct {
        const char *text;
        int code;
    } bad[] = {
        {"rf_channels: 126\n", AKIRA_ERANGE},        {"rf_channels: 3, 3\n", AKIRA_EFORMAT},
        {"rf_channels: 10-12, 11\n", AKIRA_EFORMAT}, {"rf_channels: 5-4\n", AKIRA_EFORMAT},
        {"rf_channels: x\n", AKIRA_EFORMAT},         {"mesh_topics: a, a\n", AKIRA_EFORMAT},
        {"mesh_topics: A\n", AKIRA_EFORMAT},         {"mesh_topics: a, b, c, d, e\n", AKIRA_ERANGE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "name: a\nversion: 1\n%s", bad[i].text);
        int rc = parse(text, &m, &e);
        const char *field = bad[i].text[0] == 'r' ? "rf_channels" : "mesh_topics";
        if (rc != bad[i].code || strcmp(e.field, field) != 0)
            fail_msg("%s: got %d %s: %s", bad[i].text, rc, e.field, e.reason);
    }
}

/* Issue 20: the topics an app may use under its MQTT prefix. */
static void test_mqtt_topics(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities: mqtt\n"
                           "mqtt_topics: hello, in/*\n",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.n_mqtt_topics, 2);
    round_trip(&m);
#define OK(t) akira_manifest_mqtt_allowed(&m, t, strlen(t))
    assert_true(OK("hello"));
    assert_false(OK("hello/x"));
    assert_true(OK("in/a"));
    assert_true(OK("in/*"));   /* a subscription to all below in/ */
    assert_true(OK("in/a/*")); /* inside in/ */
    assert_false(OK("in"));
    assert_false(OK("*"));
    assert_false(OK("hello/*"));
    assert_int_equal(parse("name: a\nversion: 1\nmqtt_topics: *\n", &m, &e), AKIRA_OK);
    assert_true(OK("anything/at/*"));
    assert_int_equal(parse("name: a\nversion: 1\n", &m, &e), AKIRA_OK);
    assert_false(OK("hello"));
#undef OK
    assert_int_equal(parse("name: a\nversion: 1\nmqtt_topics: a+b\n", &m, &e), AKIRA_EFORMAT);
    assert_string_equal(e.field, "mqtt_topics");
    assert_int_equal(parse("name: a\nversion: 1\nmqtt_topics: a, b, c, d, e\n", &m, &e),
                     AKIRA_ERANGE);
}

/* ble_services (16- and 128-bit UUIDs, the same item in either form) and ble_scan. */
static void test_ble_keys(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    assert_int_equal(parse("name: a\nversion: 1\ncapabilities: ble\n"
                           "ble_services: 181A, 12345678-9abc-def0-1234-56789ABCDEF0\n"
                           "ble_scan: true\n",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.n_ble_services, 2);
    assert_true(m.ble_scan);
    round_trip(&m);
    static const uint8_t ess[2] = {0x1a, 0x18};
    static const uint8_t own[16] = {0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12,
                                    0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12};
    uint8_t ess128[16];
    assert_true(akira_manifest_uuid128(ess, 2, ess128));
    assert_int_equal(ess128[0], 0xfb);
    assert_int_equal(ess128[12], 0x1a);
    assert_true(akira_manifest_ble_service_allowed(&m, ess, 2));
    assert_true(akira_manifest_ble_service_allowed(&m, ess128, 16));
    assert_true(akira_manifest_ble_service_allowed(&m, own, 16));
    static const uint8_t other[2] = {0x1b, 0x18};
    assert_false(akira_manifest_ble_service_allowed(&m, other, 2));
    assert_false(akira_manifest_ble_service_allowed(&m, ess, 3));
    assert_false(akira_manifest_ble_service_allowed(NULL, ess, 2));
    assert_int_equal(parse("name: a\nversion: 1\n", &m, &e), AKIRA_OK);
    assert_false(m.ble_scan);
    assert_false(akira_manifest_ble_service_allowed(&m, ess, 2));
    static const struct {
        const char *text;
        int code;
    } bad[] = {
        {"ble_services: 181\n", AKIRA_EFORMAT},
        {"ble_services: 181g\n", AKIRA_EFORMAT},
        {"ble_services: 181a, 181A\n", AKIRA_EFORMAT},
        {"ble_services: 181a, 0000181a-0000-1000-8000-00805f9b34fb\n", AKIRA_EFORMAT},
        {"ble_services: 12345678-9abc-def0-1234_56789abcdef0\n", AKIRA_EFORMAT},
        {"ble_services: 1801, 1802, 1803, 1804, 1805\n", AKIRA_ERANGE},
        {"ble_scan: yes\n", AKIRA_EFORMAT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[160];
        snprintf(text, sizeof text, "name: a\nversion: 1\n%s", bad[i].text);
        assert_int_equal(parse(text, &m, &e), bad[i].code);
        assert_string_equal(e.field,
                            strncmp(bad[i].text, "ble_scan", 8) ? "ble_services" : "ble_scan");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_names),      cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),       cmocka_unit_test(test_errors_name_the_field),
        cmocka_unit_test(test_too_big_and_nul), cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_storage_limits),  cmocka_unit_test(test_ipc_topics),
        cmocka_unit_test(test_ble_keys),        cmocka_unit_test(test_mqtt_topics),
        cmocka_unit_test(test_rf_and_mesh),     cmocka_unit_test(test_thread_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

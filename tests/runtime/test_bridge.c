/*
 * The native bridge on its own (no manager): the table, binding (missing import,
 * wrong signature), the capability check at each call (denied calls return EACCES and
 * are counted, a changed mask counts from the next call), pointer translation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/log.h>

#include "mgr_util.h"

struct rig {
    struct test_app app;
    struct akira_quota quota;
    struct akira_evq evq;
    struct akira_app_log log;
    struct akira_app_ctx ctx;
    aw_module *mod;
    aw_store *store;
    aw_instance *inst;
};

static struct rig rig;

/* Load and bind `file`; returns akira_bridge_bind's result (why filled). */
static int rig_bind_loaded(akira_caps_t caps, char *why, size_t why_len);
static int rig_bind(const char *file, akira_caps_t caps, char *why, size_t why_len)
{
    memset(&rig, 0, sizeof(rig));
    if (file) test_app_load(&rig.app, file, "t", NULL);
    return rig_bind_loaded(caps, why, why_len);
}

/* rig_bind for the module already in rig.app. */
static int rig_bind_loaded(akira_caps_t caps, char *why, size_t why_len)
{
    akira_quota_init(&rig.quota, 1u << 20, NULL);
    assert_int_equal(akira_evq_init(&rig.evq), 0);
    assert_int_equal(akira_app_log_init(&rig.log), 0);
    rig.ctx.name = "t";
    atomic_store(&rig.ctx.caps, caps);
    rig.ctx.quota = &rig.quota;
    rig.ctx.evq = &rig.evq;
    rig.ctx.log = &rig.log;
    aw_config cfg = {.realloc = akira_quota_realloc, .alloc_ctx = &rig.quota};
    aw_error err;
    rig.mod = aw_module_load(&cfg, test_app_read, &rig.app, rig.app.size, &err);
    assert_non_null(rig.mod);
    rig.store = aw_store_new(&cfg);
    rig.ctx.store = rig.store;
    aw_import *imp;
    uint32_t n;
    int rc = akira_bridge_bind(&rig.ctx, rig.mod, &imp, &n, why, why_len);
    if (rc == 0) {
        rig.inst = aw_instantiate(rig.store, rig.mod, imp, n, &err);
        akira_bridge_imports_free(&rig.ctx, imp, n);
        assert_non_null(rig.inst);
        rig.ctx.inst = rig.inst;
        rig.ctx.mem = aw_instance_memory(rig.inst, 0);
    }
    return rc;
}

static void rig_free(void)
{
    akira_bridge_unbind(&rig.ctx);
    aw_store_delete(rig.store);
    aw_module_delete(rig.mod);
    akira_evq_deinit(&rig.evq);
    akira_app_log_deinit(&rig.log);
    test_app_free(&rig.app);
    /* Everything the engine and the bridge took is given back. */
    assert_int_equal(akira_quota_used(&rig.quota), 0);
}

static int32_t rig_main(void)
{
    aw_val res[1];
    aw_error err;
    assert_int_equal(aw_call(rig.store, aw_instance_func(rig.inst, "main"), NULL, 0, res, 1, &err),
                     AW_OK);
    return res[0].i32;
}

static bool logged(const char *text)
{
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_read(&rig.log, &cur, &ln) == 0)
        if (strcmp(ln.text, text) == 0) return true;
    return false;
}

static void post(uint32_t type)
{
    struct akira_event e = {type, 0, 0, 0};
    assert_int_equal(akira_evq_post(&rig.evq, &e), 0);
}

static void check_entry(const struct akira_bridge_module *m, const struct akira_bridge_entry *e,
                        void *user)
{
    (void)user;
    assert_non_null(e->fn);
    assert_true(e->cap == 0 || akira_cap_name(e->cap) != NULL); /* none or one defined bit */
    assert_int_equal(e->signature[0], '(');
    assert_non_null(strchr(e->signature, ')'));
    const char *mod = m->import_module ? m->import_module : AKIRA_BRIDGE_IMPORT_MODULE;
    assert_ptr_equal(akira_bridge_find(mod, e->name), e); /* unique in its import module */
    assert_non_null(m->name);
}

static void test_table(void **state)
{
    (void)state;
    assert_true(akira_bridge_foreach(check_entry, NULL) >= 12);
    const struct akira_bridge_entry *e = akira_bridge_find("akira", "timer_start");
    assert_non_null(e);
    assert_int_equal(e->cap, AKIRA_CAP_TIMER);
    assert_string_equal(e->signature, "(ii)i");
    assert_int_equal(akira_bridge_find("akira", "log")->cap, AKIRA_CAP_NONE);
    assert_null(akira_bridge_find("env", "log"));
    assert_null(akira_bridge_find("akira", "fd_write"));
    assert_non_null(akira_bridge_find("wasi_snapshot_preview1", "fd_write"));
    assert_null(akira_bridge_find("akira", "nope"));
}

static void test_missing_import(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(rig_bind("missing", 0, why, sizeof(why)), AKIRA_ENOENT);
    assert_string_equal(why, "missing import akira.format_flash");
    rig_free();
}

static void test_wrong_signature(void **state)
{
    (void)state;
    /* (module (import "akira" "log" (func (param i32)))) */
    static uint8_t mod[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05,
                            0x01, 0x60, 0x01, 0x7f, 0x00, 0x02, 0x0d, 0x01, 0x05, 'a',
                            'k',  'i',  'r',  'a',  0x03, 'l',  'o',  'g',  0x00, 0x00};
    memset(&rig.app, 0, sizeof(rig.app));
    char why[128];
    struct test_app keep = {.bytes = mod, .size = sizeof(mod)};
    memset(&rig, 0, sizeof(rig));
    rig.app = keep;
    /* rig_bind with the bytes already in place. */
    akira_quota_init(&rig.quota, 1u << 20, NULL);
    aw_config cfg = {.realloc = akira_quota_realloc, .alloc_ctx = &rig.quota};
    aw_error err;
    rig.mod = aw_module_load(&cfg, test_app_read, &rig.app, rig.app.size, &err);
    assert_non_null(rig.mod);
    rig.store = aw_store_new(&cfg);
    rig.ctx.store = rig.store;
    rig.ctx.quota = &rig.quota;
    aw_import *imp;
    uint32_t n;
    assert_int_equal(akira_bridge_bind(&rig.ctx, rig.mod, &imp, &n, why, sizeof(why)),
                     AKIRA_EFORMAT);
    assert_string_equal(why, "import akira.log has signature (i), the system provides (iii)i");
    aw_store_delete(rig.store);
    aw_module_delete(rig.mod);
    assert_int_equal(akira_quota_used(&rig.quota), 0);
}

static void test_capability_check(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(rig_bind("nocap", AKIRA_CAP_NONE, why, sizeof(why)), 0);
    post(AKIRA_EVENT_RESUME);
    post(AKIRA_EVENT_STOP);
    assert_int_equal(rig_main(), 0); /* denied calls return, nothing traps */
    assert_true(logged("alloc -9"));
    assert_true(logged("timer -9"));
    assert_true(logged("denied: mem_alloc needs capability 'memory' (1 denied)"));
    assert_int_equal(atomic_load(&rig.ctx.denied_calls), 2);
    uint64_t calls = atomic_load(&rig.ctx.native_calls);
    assert_true(calls >= 6);

    /* Granted: the next calls go through (no heap: alloc gives 0; timer 1). */
    atomic_store(&rig.ctx.caps, AKIRA_CAP_TIMER | AKIRA_CAP_MEMORY);
    post(AKIRA_EVENT_RESUME);
    post(AKIRA_EVENT_STOP);
    assert_int_equal(rig_main(), 0);
    assert_true(logged("alloc 0"));
    assert_true(logged("timer 1"));
    assert_int_equal(atomic_load(&rig.ctx.denied_calls), 2);
    rig_free();
}

/* A module of a layer above the runtime, added at boot (akira_bridge_register). */
static aw_status twice(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i32 = io[0].i32 * 2;
    return AW_OK;
}
static const struct akira_bridge_entry twice_entries[] = {
    {"test_twice", "(i)i", AKIRA_CAP_MESH, twice},
};
static const struct akira_bridge_module twice_module = {
    .name = "twice", .entries = twice_entries, .count = 1};
static const struct akira_bridge_entry log_again_entries[] = {
    {"log", "(i)i", AKIRA_CAP_NONE, twice},
};

static void test_registered_module(void **state)
{
    (void)state;
    assert_null(akira_bridge_find("akira", "test_twice"));
    assert_int_equal(akira_bridge_caps_provided() & AKIRA_CAP_MESH, 0);
    assert_int_equal(akira_bridge_register(&twice_module), 0);
    assert_ptr_equal(akira_bridge_find("akira", "test_twice"), &twice_entries[0]);
    assert_int_equal(akira_bridge_caps_provided() & AKIRA_CAP_MESH, AKIRA_CAP_MESH);
    /* Twice, or a name some module already provides: refused. */
    assert_int_equal(akira_bridge_register(&twice_module), AKIRA_EEXIST);
    static const struct akira_bridge_module log_again = {
        .name = "log_again", .entries = log_again_entries, .count = 1};
    assert_int_equal(akira_bridge_register(&log_again), AKIRA_EEXIST);
    assert_int_equal(akira_bridge_register(NULL), AKIRA_EINVAL);

    /* (module (import "akira" "test_twice" (func (param i32) (result i32)))
     *         (export "twice" (func 0))): the app calls it through the same checked
     * path as a built-in module's import. */
    static uint8_t mod[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01,
                            0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x14, 0x01, 0x05, 'a',  'k',
                            'i',  'r',  'a',  0x0a, 't',  'e',  's',  't',  '_',  't',  'w',
                            'i',  'c',  'e',  0x00, 0x00, 0x07, 0x09, 0x01, 0x05, 't',  'w',
                            'i',  'c',  'e',  0x00, 0x00};
    char why[96];
    memset(&rig, 0, sizeof(rig));
    rig.app.bytes = mod;
    rig.app.size = sizeof(mod);
    assert_int_equal(rig_bind_loaded(AKIRA_CAP_NONE, why, sizeof(why)), 0);
    aw_val v[1] = {{.i32 = 21}};
    aw_error err;
    aw_func *f = aw_instance_func(rig.inst, "twice");
    assert_int_equal(aw_call(rig.store, f, v, 1, v, 1, &err), AW_OK);
    assert_int_equal(v[0].i32, AKIRA_EACCES); /* no `mesh`: denied */
    assert_int_equal(atomic_load(&rig.ctx.denied_calls), 1);
    atomic_store(&rig.ctx.caps, AKIRA_CAP_MESH);
    v[0].i32 = 21;
    assert_int_equal(aw_call(rig.store, f, v, 1, v, 1, &err), AW_OK);
    assert_int_equal(v[0].i32, 42);
    rig.app.bytes = NULL; /* static: not for test_app_free */
    rig_free();

    /* The table is fixed: past AKIRA_BRIDGE_REGISTERED_MAX, ENOSPC. */
    static struct akira_bridge_entry fill_entries[AKIRA_BRIDGE_REGISTERED_MAX];
    static struct akira_bridge_module fill[AKIRA_BRIDGE_REGISTERED_MAX];
    static char names[AKIRA_BRIDGE_REGISTERED_MAX][16];
    int rc = 0;
    size_t added = 1;
    for (size_t i = 0; i < AKIRA_BRIDGE_REGISTERED_MAX && rc == 0; i++) {
        snprintf(names[i], sizeof names[i], "test_fill%zu", i);
        fill_entries[i] = (struct akira_bridge_entry){names[i], "(i)i", AKIRA_CAP_NONE, twice};
        fill[i] = (struct akira_bridge_module){.name = names[i], .entries = &fill_entries[i],
                                               .count = 1};
        rc = akira_bridge_register(&fill[i]);
        if (rc == 0) added++;
    }
    assert_int_equal(rc, AKIRA_ENOSPC);
    assert_int_equal(added, AKIRA_BRIDGE_REGISTERED_MAX);
}

static void test_pointer_translation(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(rig_bind("oob", 0, why, sizeof(why)), 0);
    uint64_t size = aw_memory_size(rig.ctx.mem);
    assert_int_equal(size, 65536);
    assert_non_null(akira_bridge_mem(&rig.ctx, 65535, 1));
    assert_null(akira_bridge_mem(&rig.ctx, 65535, 2));
    assert_null(akira_bridge_mem(&rig.ctx, 0xffffffffu, 1));
    assert_null(akira_bridge_mem(&rig.ctx, 1, 0xffffffffu));
    /* A string must end inside memory and within its limit. */
    char *base = akira_bridge_mem(&rig.ctx, 0, 65536);
    memset(base + 65000, 'a', 536);
    size_t len;
    assert_null(akira_bridge_cstr(&rig.ctx, 65000, 4096, &len));
    base[65010] = '\0';
    assert_ptr_equal(akira_bridge_cstr(&rig.ctx, 65000, 4096, &len), base + 65000);
    assert_int_equal(len, 10);
    assert_null(akira_bridge_cstr(&rig.ctx, 65000, 9, &len));
    /* The app's own wild pointers all came back as EFAULT. */
    assert_int_equal(rig_main(), 0);
    assert_true(logged("oob: 0 calls not refused"));
    rig_free();
}

/* An app's log text reaches the system log as one line: a newline or an escape in it
 * must not let the app forge console lines of other modules (or recolour them). */
static void test_log_line_cannot_forge(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(rig_bind("oob", 0, why, sizeof(why)), 0);
    struct akira_log_stats st;
    akira_log_stats_get(&st);
    uint64_t cur = st.written;
    akira_bridge_log(&rig.ctx, AKIRA_LOG_INFO, "%s",
                     "hi\n[    0.001] <inf> appmgr: app evil installed\r\x1b[2J");
    struct akira_log_entry e;
    assert_int_equal(akira_log_read(&cur, &e), 0);
    assert_string_equal(e.module, "t");
    assert_string_equal(e.msg, "hi?[    0.001] <inf> appmgr: app evil installed??[2J");
    assert_true(logged("hi?[    0.001] <inf> appmgr: app evil installed??[2J"));
    /* A trailing newline just ends the line. */
    akira_bridge_log(&rig.ctx, AKIRA_LOG_INFO, "%s", "done\r\n");
    assert_int_equal(akira_log_read(&cur, &e), 0);
    assert_string_equal(e.msg, "done");
    assert_true(logged("done"));
    rig_free();
}

static void count_akira(const struct akira_bridge_module *m, const struct akira_bridge_entry *e,
                        void *user)
{
    (void)e;
    if (!m->import_module || strcmp(m->import_module, AKIRA_BRIDGE_IMPORT_MODULE) == 0)
        (*(uint32_t *)user)++;
}

/* The SDK headers and the bridge table agree: an app calling every SDK function binds
 * (same names, same signatures), and it imports as many "akira" functions as the table
 * has, so no entry lacks its SDK declaration. */
static void test_sdk_headers_match_table(void **state)
{
    (void)state;
    char why[128] = "";
    int rc = rig_bind("sdk_all", AKIRA_CAP_NONE, why, sizeof(why));
    if (rc != 0) fail_msg("sdk_all does not bind: %s", why);
    uint32_t table = 0;
    akira_bridge_foreach(count_akira, &table);
    uint32_t imported = 0;
    for (uint32_t i = 0; i < aw_module_import_count(rig.mod); i++) {
        aw_extern_desc d;
        aw_module_import(rig.mod, i, &d);
        imported += strcmp(d.module, AKIRA_BRIDGE_IMPORT_MODULE) == 0;
    }
    assert_int_equal(imported, table);
    assert_int_equal(rig_main(), 0);
    rig_free();
}

/* printf formats as C does, length modifiers included (hh and h narrow the value). */
static void test_printf_matches_c(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(rig_bind("fmt", AKIRA_CAP_NONE, why, sizeof(why)), 0);
    char want[3][AKIRA_APP_LOG_LINE_MAX];
    int n = snprintf(want[0], sizeof(want[0]), "%d|%5i|%-4u|%x|%X|%o|%c|%hhd|%hhu|%hd|%hu|%hx|",
                     -42, 7, 3u, 0xbeefu, 0xbeefu, 8u, 'q', (signed char)300, (unsigned char)300,
                     (short)70000, (unsigned short)70000, (unsigned short)0x12345);
    n += snprintf(want[1], sizeof(want[1]), "%ld|%lld|%llu|%zu|%jd|", -5L, -1234567890123LL,
                  18446744073709551615ull, (size_t)77, (intmax_t)-9);
    n += snprintf(want[2], sizeof(want[2]), "%08.3f|%e|%g|%.2s|%%|%+d|% d|%#x|%-6s|", 3.14159,
                  12345.678, 0.0001, "hello", 5, 5, 255u, "ab");
    assert_int_equal(rig_main(), n);
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(akira_app_log_read(&rig.log, &cur, &ln), 0);
        assert_string_equal(ln.text, want[i]);
    }
    rig_free();
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    akira_log_sink_enable(false);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_missing_import),
        cmocka_unit_test(test_wrong_signature),
        cmocka_unit_test(test_capability_check),
        cmocka_unit_test(test_pointer_translation),
        cmocka_unit_test(test_log_line_cannot_forge),
        cmocka_unit_test(test_sdk_headers_match_table),
        cmocka_unit_test(test_printf_matches_c),
        /* last: what it registers stays in the table */
        cmocka_unit_test(test_registered_module),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

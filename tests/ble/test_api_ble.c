/*
 * The app API modules "ble" and "hid" (connectivity/src/api_ble.c, api_hid.c) called
 * the way the bridge calls them, on a BLE host of the fake link (no radio): the table
 * against the SDK headers, pointers, the manifest's service list, one service per
 * UUID among apps, values read and written by the peer, the notify rate, and what an
 * app's end releases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/api_ble.h>
#include <akira/clock.h>
#include <akira/hid_manager.h>
#include <akira/compat.h>
#include <akira/manifest.h>
#include <akira/quota.h>

#include "ble_test_env.h"

#define A      E.link.host[0]
#define B      E.link.host[1]
#define CONN   E.link.conn[0]
#define NAPPS  2
#define DEF_AT 1024u /* where the tests put a service definition in app memory */

static struct app {
    struct akira_app_ctx ctx;
    struct akira_manifest m;
    struct akira_evq q;
    aw_store *store;
} apps[NAPPS];

static int32_t call(struct app *a, const char *name, uint32_t a0, uint32_t a1, uint32_t a2,
                    uint32_t a3)
{
    const struct akira_bridge_entry *e = akira_bridge_find("akira", name);
    assert_non_null(e);
    aw_val io[6] = {{.u32 = a0}, {.u32 = a1}, {.u32 = a2}, {.u32 = a3}};
    assert_int_equal(e->fn(&a->ctx, io), AW_OK);
    return io[0].i32;
}

static uint8_t *mem(struct app *a, uint32_t at)
{
    uint8_t *p = aw_memory_ptr(a->ctx.mem, at, 64);
    assert_non_null(p);
    return p;
}

static void app_init(struct app *a, const char *name, const char *manifest)
{
    struct akira_manifest_error err;
    assert_int_equal(akira_manifest_parse(manifest, strlen(manifest), &a->m, &err), 0);
    aw_config cfg = {0};
    a->store = aw_store_new(&cfg);
    assert_non_null(a->store);
    assert_int_equal(akira_evq_init(&a->q), 0);
    a->ctx =
        (struct akira_app_ctx){.name = name, .manifest = &a->m, .store = a->store, .evq = &a->q};
    a->ctx.mem = aw_memory_new(a->store, 1, 1, true);
    assert_non_null(a->ctx.mem);
    atomic_store(&a->ctx.caps, a->m.caps);
}

static void app_free(struct app *a)
{
    akira_api_ble.app_end(&a->ctx);
    akira_api_hid.app_end(&a->ctx);
    akira_evq_deinit(&a->q);
    aw_store_delete(a->store);
}

/* A service definition (sdk ble.h layout) at DEF_AT: one characteristic. */
static uint32_t def(struct app *a, uint16_t uuid, uint8_t props, uint8_t max)
{
    uint8_t *d = mem(a, DEF_AT);
    memset(d, 0, 40);
    d[0] = (uint8_t)uuid, d[1] = (uint8_t)(uuid >> 8), d[16] = 2, d[17] = 1;
    d[20] = 0x01, d[21] = 0xff, d[36] = 2, d[37] = props, d[38] = max;
    return 40;
}

static akira_ble_host_t *test_host(void)
{
    return B;
}

/* A scanner standing in for the controller's: the report callback the module gave. */
static akira_ble_scan_cb_t scan_cb;
static akira_err_t scan_start(bool active, akira_ble_scan_cb_t cb, void *user)
{
    (void)active;
    (void)user;
    scan_cb = cb;
    return AKIRA_OK;
}
static akira_err_t scan_stop(void)
{
    scan_cb = NULL;
    return AKIRA_OK;
}

/* The fake link's one connection, as side 1's controller would list it. */
static size_t conns(struct akira_ble_conn_info *out, size_t max)
{
    if (max) out[0] = (struct akira_ble_conn_info){.handle = E.link.conn[1], .role = 1};
    return 1;
}

/* Side 1's host, the scanner, the connections; no advertiser, no initiator (ENODEV). */
static const struct akira_api_ble_ops ops = {
    .host = test_host, .scan_start = scan_start, .scan_stop = scan_stop, .conns = conns};

static int setup(void **state)
{
    (void)state;
    fake_init(&E.link);
    env_hosts(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    fake_connect(&E.link);
    fake_pump(&E.link);
    akira_api_ble_register(&ops);
    app_init(&apps[0], "one", "name: one\nversion: 1\ncapabilities: ble\nble_services: 181a\n");
    app_init(&apps[1], "two",
             "name: two\nversion: 1\ncapabilities: ble, hid\n"
             "ble_services: 181a, 181b\nble_scan: true\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NAPPS; i++)
        app_free(&apps[i]);
    akira_api_ble_register(NULL);
    env_teardown();
    return 0;
}

/* How many services with this 16-bit UUID side 0 discovers on side 1. */
static size_t discovered(uint16_t uuid)
{
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_discover_services(A, CONN, NULL, env_item_cb, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    size_t n = 0;
    akira_ble_uuid_t u = AKIRA_BLE_UUID16(uuid);
    for (size_t i = 0; i < r.n_items; i++)
        n += akira_ble_uuid_eq(&r.items[i].uuid, &u);
    return n;
}

/* Scan reports reach the scanning app's ring (one event while it is not empty), 8 at
 * most; the scan stops with the last app. */
static void test_scan(void **state)
{
    (void)state;
    struct app *two = &apps[1];
    assert_int_equal(call(two, "ble_scan_stop", 0, 0, 0, 0), AKIRA_ESTATE);
    assert_int_equal(call(two, "ble_scan_start", 0, 0, 0, 0), 0);
    assert_non_null(scan_cb);
    akira_ble_addr_t a = {.type = 1, .a = {1, 2, 3, 4, 5, 0xc0}};
    static const uint8_t ad[] = {2, 0x01, 0x06, 3, 0x16, 0x1a, 0x18};
    for (int i = 0; i < 10; i++)
        scan_cb(&a, 0, (int8_t)(-40 - i), ad, sizeof ad, NULL);
    struct akira_event ev;
    assert_int_equal(akira_evq_wait(&two->q, &ev, AKIRA_NO_WAIT), 0);
    assert_int_equal(ev.type, AKIRA_EVENT_BLE);
    assert_int_equal(ev.a, 1u << 24);
    assert_int_equal(akira_evq_wait(&two->q, &ev, AKIRA_NO_WAIT), AKIRA_EAGAIN); /* just one */
    int n = 0;
    while (call(two, "ble_next", 0, 80, 0, 0) == 80) {
        const uint8_t *r = mem(two, 0);
        assert_int_equal(r[0], 1);               /* AKIRA_BLE_EV_SCAN */
        assert_int_equal((int8_t)r[2], -40 - n); /* the oldest first */
        assert_int_equal(r[3], 1);               /* random address */
        assert_memory_equal(r + 8, a.a, 6);
        assert_int_equal(r[14], sizeof ad);
        assert_memory_equal(r + 16, ad, sizeof ad);
        n++;
    }
    assert_int_equal(n, AKIRA_API_BLE_RING); /* the 2 beyond were dropped */
    assert_int_equal(call(two, "ble_next", 0, 79, 0, 0), AKIRA_EINVAL);
    assert_int_equal(call(two, "ble_scan_stop", 0, 0, 0, 0), 0);
    assert_null(scan_cb);
    assert_int_equal(call(two, "ble_scan_start", 0, 0, 0, 0), 0);
    akira_api_ble.app_end(&two->ctx); /* the app's end stops its scan */
    assert_null(scan_cb);
}

/* The hid natives drive the HID manager's device on side 1 (no host subscribed: the
 * reports go nowhere, and say so with 0); values out of range are refused. */
static void test_hid(void **state)
{
    (void)state;
    struct app *two = &apps[1];
    static const akira_hogp_cfg_t cfg = {.kinds = AKIRA_HOGP_KEYBOARD | AKIRA_HOGP_MOUSE |
                                                  AKIRA_HOGP_GAMEPAD};
    memcpy(mem(two, 0), "\x04\x05\0\0\0\0", 6);
    assert_int_equal(call(two, "hid_keyboard", 0x02, 0, 0, 0), AKIRA_ESTATE); /* no device */
    assert_int_equal(akira_hid_manager_start(B, &cfg), AKIRA_OK);
    assert_int_equal(call(two, "hid_keyboard", 0x02, 0, 0, 0), 0);
    assert_int_equal(call(two, "hid_keyboard", 0x100, 0, 0, 0), AKIRA_EINVAL);
    assert_int_equal(call(two, "hid_mouse", 1, (uint32_t)-5, 7, 0), 0);
    assert_int_equal(call(two, "hid_mouse", 1, 128, 0, 0), AKIRA_EINVAL);
    const struct akira_bridge_entry *g = akira_bridge_find("akira", "hid_gamepad");
    aw_val io[5] = {{.u32 = 0x8001}, {.i32 = -127}, {.i32 = 127}, {.i32 = 0}, {.i32 = 1}};
    assert_int_equal(g->fn(&two->ctx, io), AW_OK);
    assert_int_equal(io[0].i32, 0);
    aw_val bad[5] = {{.u32 = 0x10000}};
    assert_int_equal(g->fn(&two->ctx, bad), AW_OK);
    assert_int_equal(bad[0].i32, AKIRA_EINVAL);
    akira_api_hid.app_end(&two->ctx); /* sends the empty reports: nothing stays down */
    akira_hid_manager_stop();
}

/* Every import of sdk/include/akira/ble.h and hid.h is in the table, with the module's
 * capability, and the table has nothing the headers lack. */
static void test_table_matches_sdk(void **state)
{
    (void)state;
    assert_int_equal(akira_api_ble_register(NULL), AKIRA_EEXIST); /* main() registered them */
    size_t found = 0;
    for (int h = 0; h < 2; h++) {
        char path[256];
        snprintf(path, sizeof path, "%s/akira/%s", SDK_INCLUDE, h ? "hid.h" : "ble.h");
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char line[256];
        while (fgets(line, sizeof line, f)) {
            const char *p = strstr(line, "AKIRA_IMPORT(\"");
            if (!p) continue;
            char name[48];
            assert_int_equal(sscanf(p + 14, "%47[a-z_0-9]", name), 1);
            const struct akira_bridge_entry *e = akira_bridge_find("akira", name);
            if (!e) fail_msg("%s: %s is not in the table", path, name);
            assert_int_equal(e->cap, h ? AKIRA_CAP_HID : AKIRA_CAP_BLE);
            found++;
        }
        fclose(f);
    }
    assert_int_equal(found, akira_api_ble.count + akira_api_hid.count);

    /* An app calling each of them binds: same names, same signatures. */
    static uint8_t wasm[16384];
    FILE *f = fopen(SDK_ALL, "rb");
    assert_non_null(f);
    size_t n = fread(wasm, 1, sizeof wasm, f);
    fclose(f);
    aw_config cfg = {0};
    aw_error err;
    aw_module *m = aw_module_load_buffer(&cfg, wasm, n, &err);
    assert_non_null(m);
    char why[256];
    if (akira_bridge_check_imports(m, why, sizeof why) != 0) fail_msg("%s", why);
    assert_int_equal(aw_module_import_count(m), found);
    aw_module_delete(m);
}

static void test_pointers_and_manifest(void **state)
{
    (void)state;
    struct app *one = &apps[0], *two = &apps[1];
    /* pointers outside the app's memory (one 64 KiB page) */
    assert_int_equal(call(one, "ble_svc_add", 65530, 40, 0, 0), AKIRA_EFAULT);
    assert_int_equal(call(one, "ble_adv_start", 0, 65530, 20, 0), AKIRA_EFAULT);
    assert_int_equal(call(one, "ble_next", 0xfffffff0u, 80, 0, 0), AKIRA_EFAULT);
    assert_int_equal(call(one, "ble_chr_set", 0, 0, 65535, 2), AKIRA_EFAULT);
    assert_int_equal(call(two, "hid_keyboard", 0, 65533, 0, 0), AKIRA_EFAULT);
    /* lengths and definitions */
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 39, 0, 0), AKIRA_EINVAL);
    def(one, 0x181a, 0x80, 8); /* a property that does not exist */
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_EINVAL);
    def(one, 0x181a, AKIRA_BLE_CHR_READ, 65); /* longer than a value may be */
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_EINVAL);
    assert_int_equal(call(one, "ble_adv_start", 1, 0, 3, 0), AKIRA_EINVAL);
    memcpy(mem(one, 0), "\x02\x01\x06", 3); /* well formed, but no controller here */
    assert_int_equal(call(one, "ble_adv_start", 0, 0, 3, 0), AKIRA_ENODEV);
    memcpy(mem(one, 0), "\x07\x01\x06", 3); /* a length past the end */
    assert_int_equal(call(one, "ble_adv_start", 0, 0, 3, 0), AKIRA_EINVAL);
    assert_int_equal(call(one, "ble_adv_start", 0, 0, 32, 0), AKIRA_ETOOBIG);
    /* the manifest: a UUID it does not list, scanning without ble_scan */
    def(one, 0x181b, AKIRA_BLE_CHR_READ, 8);
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_EACCES);
    assert_int_equal(call(one, "ble_scan_start", 0, 0, 0, 0), AKIRA_EACCES);
    assert_int_equal(call(two, "ble_scan_start", 1, 0, 0, 0), AKIRA_ENOTSUP); /* active */
    assert_int_equal(discovered(0x181b), 0);
    /* nothing of it reached the host; without a host every call is ENODEV */
    akira_api_ble_register(NULL);
    def(one, 0x181a, AKIRA_BLE_CHR_READ, 8);
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_ENODEV);
    assert_int_equal(call(two, "hid_mouse", 0, 1, 1, 0), AKIRA_ENODEV);
    assert_int_equal(call(two, "hid_mouse", 9, 1, 1, 0), AKIRA_EINVAL);
}

static void test_services(void **state)
{
    (void)state;
    struct app *one = &apps[0], *two = &apps[1];
    size_t before = discovered(0x181a);
    def(one, 0x181a, AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_NOTIFY, 8);
    int32_t s1 = call(one, "ble_svc_add", DEF_AT, 40, 0, 0);
    assert_true(s1 >= 0);
    assert_int_equal(discovered(0x181a), before + 1);
    /* one app per UUID: the other app (whose manifest lists it too) gets EBUSY, and so
     * does the owner asking twice */
    def(two, 0x181a, AKIRA_BLE_CHR_READ, 8);
    assert_int_equal(call(two, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_EBUSY);
    def(one, 0x181a, AKIRA_BLE_CHR_READ, 8);
    assert_int_equal(call(one, "ble_svc_add", DEF_AT, 40, 0, 0), AKIRA_EBUSY);
    def(two, 0x181b, AKIRA_BLE_CHR_READ, 8);
    int32_t s2 = call(two, "ble_svc_add", DEF_AT, 40, 0, 0);
    assert_true(s2 >= 0 && s2 != s1);
    /* nobody touches another app's service */
    memcpy(mem(two, 0), "\x01\x02", 2);
    assert_int_equal(call(two, "ble_chr_set", (uint32_t)s1, 0, 0, 2), AKIRA_ENOENT);

    /* the peer reads what the app set, and its write reaches the app */
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_discover_services(A, CONN, NULL, env_item_cb, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    uint16_t start = r.items[r.n_items - 2].handle; /* one's service, then two's */
    uint16_t vh = (uint16_t)(start + 2);
    memcpy(mem(one, 0), "\x2a\x09", 2);
    assert_int_equal(call(one, "ble_chr_set", (uint32_t)s1, 0, 0, 2), 0);
    assert_int_equal(call(one, "ble_chr_set", (uint32_t)s1, 0, 0, 9), AKIRA_ETOOBIG);
    uint8_t buf[16];
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, vh, buf, sizeof buf, env_done_cb, &r), 0);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.len, 2);
    assert_memory_equal(buf, "\x2a\x09", 2);
    memset(&r, 0, sizeof r);
    assert_int_equal(
        akira_ble_gattc_write(A, CONN, vh, (const uint8_t *)"hello", 5, env_done_cb, &r), 0);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    struct akira_event ev;
    assert_int_equal(akira_evq_wait(&one->q, &ev, AKIRA_NO_WAIT), 0);
    assert_int_equal(ev.type, AKIRA_EVENT_BLE);
    assert_int_equal(ev.a, (2u << 24) | ((uint32_t)s1 << 8));
    assert_int_equal(ev.c, 5);
    assert_int_equal(call(one, "ble_next", 100, 80, 0, 0), 80);
    assert_int_equal(mem(one, 100)[0], 2); /* AKIRA_BLE_EV_WRITE */
    assert_int_equal(mem(one, 114)[0], 5);
    assert_memory_equal(mem(one, 116), "hello", 5);
    assert_int_equal(call(one, "ble_next", 100, 80, 0, 0), AKIRA_EAGAIN);
    assert_int_equal(call(one, "ble_chr_get", (uint32_t)s1, 0, 200, 16), 5);
    memset(&r, 0, sizeof r); /* longer than the app's max_len: refused */
    assert_int_equal(
        akira_ble_gattc_write(A, CONN, vh, (const uint8_t *)"123456789", 9, env_done_cb, &r), 0);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN);

    /* nobody subscribed: sent to no one; side 0 subscribes: notified with the value */
    memcpy(mem(one, 0), "\x11\x22", 2);
    assert_int_equal(call(one, "ble_notify", (uint32_t)s1, 0, 0, 2), 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_subscribe(A, CONN, (uint16_t)(vh + 1), 1, env_done_cb, &r), 0);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    unsigned before_n = E.side[0].notifies;
    assert_int_equal(call(one, "ble_notify", (uint32_t)s1, 0, 0, 2), 1);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].notifies, before_n + 1);
    assert_int_equal(E.side[0].notify_handle, vh);
    assert_memory_equal(E.side[0].notify_data, "\x11\x22", 2);
    assert_int_equal(call(one, "ble_chr_get", (uint32_t)s1, 0, 200, 16), 2); /* the value too */
    assert_int_equal(call(two, "ble_notify", (uint32_t)s2, 0, 0, 2), AKIRA_ENOTSUP); /* read only */

    /* a flood of notify calls: the burst, then one per 10 ms */
    uint64_t t0 = akira_uptime_ms();
    int ok = 0, again = 0;
    for (int i = 0; i < 5000; i++) {
        int32_t rc = call(one, "ble_notify", (uint32_t)s1, 0, 0, 2);
        ok += rc >= 0;
        again += rc == AKIRA_EAGAIN;
    }
    uint64_t ms = akira_uptime_ms() - t0;
    assert_int_equal(ok + again, 5000);
    assert_true(ok >= (int)AKIRA_API_BLE_NOTIFY_BURST - 2); /* 2 spent above */
    assert_true((uint64_t)ok <= AKIRA_API_BLE_NOTIFY_BURST + ms / AKIRA_API_BLE_NOTIFY_MS + 1);

    /* the app ends: its service goes, the other app's stays, and its UUID is free */
    akira_api_ble.app_end(&one->ctx);
    assert_int_equal(discovered(0x181a), before);
    assert_int_equal(discovered(0x181b), 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, vh, buf, sizeof buf, env_done_cb, &r), 0);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    def(two, 0x181a, AKIRA_BLE_CHR_READ, 8);
    assert_true(call(two, "ble_svc_add", DEF_AT, 40, 0, 0) >= 0);
    assert_int_equal(discovered(0x181a), before + 1);
    assert_int_equal(call(two, "ble_svc_remove", (uint32_t)s2, 0, 0, 0), 0);
    assert_int_equal(call(two, "ble_svc_remove", (uint32_t)s2, 0, 0, 0), AKIRA_ENOENT);
    assert_int_equal(discovered(0x181b), 0);
}

static int32_t env_call(struct app *a, const char *name, uint32_t a0, uint32_t a1, uint32_t a2)
{
    const struct akira_bridge_entry *e = akira_bridge_find("env", name);
    assert_non_null(e);
    aw_val io[6] = {{.u32 = a0}, {.u32 = a1}, {.u32 = a2}};
    assert_int_equal(e->fn(&a->ctx, io), AW_OK);
    return io[0].i32;
}

/* Upstream's env ble_* (compat_ble.c) on the same service table: the UUID text in the
 * order the air carries it, a peer's write as CHAR_WRITTEN with upstream's layout even
 * after a flood of scan reports (which leave two places of the ring free), scan
 * reports as upstream's 59 bytes, the state charged to the app's quota and given back
 * at its end. */
static void test_env_ring(void **state)
{
    (void)state;
    struct app *three = &apps[0];
    struct akira_quota q;
    akira_quota_init(&q, 64 * 1024, NULL);
    three->ctx.quota = &q;
    three->m.compat = true;
    three->m.compat_caps = AKIRA_UP_BIT(AKIRA_UP_CAP_BLE) | AKIRA_UP_BIT(AKIRA_UP_CAP_BLE_SCAN);
    assert_int_equal(env_call(three, "ble_init", 0, 0, 0), 0);
    assert_true(akira_quota_used(&q) > 0);
    strcpy((char *)mem(three, 0), "0000fee0-1111-2222-3333-4455667788aa");
    strcpy((char *)mem(three, 64), "0000fee1-1111-2222-3333-4455667788aa");
    int32_t svc = env_call(three, "ble_service_create", 0, 0, 0);
    int32_t chr =
        env_call(three, "ble_char_create", 64, AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE, 16);
    assert_int_equal(env_call(three, "ble_service_add_char", (uint32_t)svc, (uint32_t)chr, 0), 0);
    assert_int_equal(env_call(three, "ble_add_service", (uint32_t)svc, 0, 0), 0);
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_discover_services(A, CONN, NULL, env_item_cb, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    const akira_ble_gattc_item_t *it = &r.items[r.n_items - 1];
    static const uint8_t want[16] = {0xaa, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x33,
                                     0x22, 0x22, 0x11, 0x11, 0xe0, 0xfe, 0x00, 0x00};
    assert_int_equal(it->uuid.len, 16);
    assert_memory_equal(it->uuid.b, want, 16);
    uint16_t vh = (uint16_t)(it->handle + 2);

    /* a flood of scan reports, then the peer writes */
    assert_int_equal(env_call(three, "ble_scan_start", 1, 0, 0), 0);
    akira_ble_addr_t a = {.type = 1, .a = {1, 2, 3, 4, 5, 0xc0}};
    static const uint8_t ad[] = {2, 0x01, 0x06, 5, 0x09, 'n', 'o', 'd', 'e'};
    for (int i = 0; i < 10; i++)
        scan_cb(&a, 0, (int8_t)(-40 - i), ad, sizeof ad, NULL);
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_write(A, CONN, vh, (const uint8_t *)"hi!", 3, env_done_cb, &r),
                     0);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(env_call(three, "ble_event_pop", 200, 6, 0), 3); /* CHAR_WRITTEN */
    const uint8_t *ev = mem(three, 200);
    assert_int_equal(ev[1], chr);
    assert_int_equal(ev[2] | ev[3] << 8, 2); /* cut to the buffer */
    assert_memory_equal(ev + 4, "hi", 2);
    assert_int_equal(env_call(three, "ble_event_pop", 200, 64, 0), 0);
    int n = 0;
    while (env_call(three, "ble_scan_pop", 300, 59, 0) == 1) {
        const uint8_t *rep = mem(three, 300);
        assert_memory_equal(rep, a.a, 6);
        assert_int_equal((int8_t)rep[6], -40 - n);
        assert_string_equal((const char *)rep + 7, "node");
        assert_int_equal(rep[27], sizeof ad);
        assert_memory_equal(rep + 28, ad, sizeof ad);
        n++;
    }
    assert_int_equal(n, AKIRA_API_BLE_RING - 2);
    assert_int_equal(env_call(three, "ble_char_read", (uint32_t)chr, 400, 16), 3);
    assert_memory_equal(mem(three, 400), "hi!", 3);

    /* the end: the service goes, the scan stops, the quota is whole again */
    akira_api_ble.app_end(&three->ctx);
    akira_api_compat_ble.app_end(&three->ctx);
    assert_null(scan_cb);
    assert_int_equal(akira_quota_used(&q), 0);
    three->ctx.quota = NULL;
}

int main(void)
{
    assert_int_equal(akira_api_ble_register(NULL), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_sdk),
        cmocka_unit_test_setup_teardown(test_pointers_and_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_ring, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

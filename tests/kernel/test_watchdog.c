/* Watchdog service with a fake hardware watchdog: fed channels stay healthy, starved
 * ones call back once and stop the hardware feed until they recover. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/kernel.h>

struct fake_hw {
    atomic_int feeds;
    atomic_int setups;
    atomic_int disables;
    atomic_uint timeout_ms;
};

static struct fake_hw fake;

static int fake_setup(const struct akira_device *dev, uint32_t timeout_ms)
{
    struct fake_hw *f = dev->data;
    atomic_store(&f->timeout_ms, timeout_ms);
    atomic_fetch_add(&f->setups, 1);
    return 0;
}

static int fake_feed(const struct akira_device *dev)
{
    atomic_fetch_add(&((struct fake_hw *)dev->data)->feeds, 1);
    return 0;
}

static int fake_disable(const struct akira_device *dev)
{
    atomic_fetch_add(&((struct fake_hw *)dev->data)->disables, 1);
    return 0;
}

static const struct akira_hwwdt_api fake_api = {
    .setup = fake_setup, .feed = fake_feed, .disable = fake_disable};
static struct akira_device_state fake_state;
static const struct akira_device fake_dev = {.name = "fakewdt",
                                             .api = &fake_api,
                                             .data = &fake,
                                             .level = AKIRA_INIT_PRE_KERNEL,
                                             .state = &fake_state};

#define PERIOD_MS 10

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    memset(&fake, 0, sizeof(fake));
    if (akira_device_get("fakewdt") == NULL) {
        if (akira_device_register(&fake_dev) != 0) return -1;
        if (akira_device_init(&fake_dev) != 0) return -1;
    }
    return akira_wdt_service_start(&fake_dev, 1000, PERIOD_MS);
}

static int teardown(void **state)
{
    (void)state;
    struct akira_wdt_channel_info ch[AKIRA_WDT_MAX_CHANNELS];
    size_t n = akira_wdt_list(ch, AKIRA_WDT_MAX_CHANNELS);
    for (size_t i = 0; i < n; i++)
        akira_wdt_channel_remove(ch[i].id);
    return akira_wdt_service_stop();
}

static void on_expiry(int channel, void *user)
{
    (void)channel;
    atomic_fetch_add((atomic_int *)user, 1);
}

static void test_fed_channel_never_expires(void **state)
{
    (void)state;
    assert_int_equal(atomic_load(&fake.setups), 1);
    assert_int_equal(atomic_load(&fake.timeout_ms), 1000);
    atomic_int expired = 0;
    int ch = akira_wdt_channel_add("fed", 200, on_expiry, &expired);
    assert_true(ch >= 0);
    for (int i = 0; i < 20; i++) { /* 400 ms, fed every 20 ms: twice its timeout */
        akira_sleep_ms(20);
        assert_int_equal(akira_wdt_feed(ch), 0);
    }
    assert_int_equal(atomic_load(&expired), 0);
    struct akira_wdt_channel_info info;
    assert_int_equal(akira_wdt_list(&info, 1), 1);
    assert_string_equal(info.name, "fed");
    assert_false(info.expired);
    assert_int_equal(info.expiries, 0);
    assert_true(info.margin_ms > 0 && info.margin_ms <= 200);
    /* Healthy: the hardware was fed regularly (about every PERIOD_MS). */
    assert_true(atomic_load(&fake.feeds) >= 10);
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_true(st.running && st.hw_attached && st.hw_feeding);
}

static void test_starved_channel_stops_hw_feed(void **state)
{
    (void)state;
    atomic_int expired = 0;
    int ch = akira_wdt_channel_add("starved", 50, on_expiry, &expired);
    assert_true(ch >= 0);
    for (int i = 0; i < 200 && atomic_load(&expired) == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(atomic_load(&expired), 1);
    akira_sleep_ms(4 * PERIOD_MS); /* let any in-flight round finish */

    /* No more hardware feeds while the channel stays expired. */
    int feeds = atomic_load(&fake.feeds);
    akira_sleep_ms(150);
    assert_int_equal(atomic_load(&fake.feeds), feeds);
    assert_int_equal(atomic_load(&expired), 1); /* the callback ran once, not per round */
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_false(st.hw_feeding);
    struct akira_wdt_channel_info info;
    assert_int_equal(akira_wdt_list(&info, 1), 1);
    assert_true(info.expired);
    assert_int_equal(info.expiries, 1);
    assert_true(info.margin_ms < 0);

    /* Feeding recovers it, and the hardware is fed again. */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(akira_wdt_feed(ch), 0);
        akira_sleep_ms(PERIOD_MS);
    }
    assert_int_equal(akira_wdt_feed(ch), 0);
    assert_true(atomic_load(&fake.feeds) > feeds);
    akira_wdt_list(&info, 1);
    assert_false(info.expired);
}

static void test_removing_expired_channel_resumes_feed(void **state)
{
    (void)state;
    int ch = akira_wdt_channel_add("gone", 20, NULL, NULL);
    akira_sleep_ms(100);
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_false(st.hw_feeding);
    int feeds = atomic_load(&fake.feeds);
    assert_int_equal(akira_wdt_channel_remove(ch), 0);
    akira_sleep_ms(5 * PERIOD_MS);
    assert_true(atomic_load(&fake.feeds) > feeds);
    assert_int_equal(akira_wdt_feed(ch), AKIRA_ENOENT); /* stale id */
}

static void feed_self(int channel, void *user)
{
    atomic_fetch_add((atomic_int *)user, 1);
    akira_wdt_feed(channel); /* the callback fixed the problem */
}

static void test_callback_can_recover(void **state)
{
    (void)state;
    atomic_int calls = 0;
    int ch = akira_wdt_channel_add("selfheal", 30, feed_self, &calls);
    akira_sleep_ms(200);
    assert_true(atomic_load(&calls) >= 2); /* expires again each time it starves */
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_true(st.hw_feeding); /* recovered in the same round: hw kept being fed */
    akira_wdt_channel_remove(ch);
}

static void test_channel_limits(void **state)
{
    (void)state;
    assert_int_equal(akira_wdt_channel_add("zero", 0, NULL, NULL), AKIRA_EINVAL);
    int ids[AKIRA_WDT_MAX_CHANNELS];
    for (int i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++) {
        ids[i] = akira_wdt_channel_add("many", 10000, NULL, NULL);
        assert_true(ids[i] >= 0);
    }
    assert_int_equal(akira_wdt_channel_add("one-too-many", 10000, NULL, NULL), AKIRA_ENOSPC);
    assert_int_equal(akira_wdt_list(NULL, 0), AKIRA_WDT_MAX_CHANNELS);
    assert_int_equal(akira_wdt_channel_remove(ids[3]), 0);
    int again = akira_wdt_channel_add("reuse", 10000, NULL, NULL);
    assert_true(again >= 0);
    assert_true(again != ids[3]); /* slot reused, id not */
    assert_int_equal(akira_wdt_feed(ids[3]), AKIRA_ENOENT);
}

static void test_stop_disables_hw(void **state)
{
    (void)state;
    assert_int_equal(akira_wdt_service_start(&fake_dev, 1000, PERIOD_MS), AKIRA_EBUSY);
    assert_int_equal(akira_wdt_service_stop(), 0);
    assert_int_equal(atomic_load(&fake.disables), 1);
    assert_int_equal(akira_wdt_service_stop(), AKIRA_ESTATE);
    /* Period must leave room for at least two feeds per hardware timeout. */
    assert_int_equal(akira_wdt_service_start(&fake_dev, 100, 60), AKIRA_EINVAL);
    assert_int_equal(akira_wdt_service_start(NULL, 0, 0), AKIRA_EINVAL);
    assert_int_equal(akira_wdt_service_start(&fake_dev, 1000, PERIOD_MS), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fed_channel_never_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_starved_channel_stops_hw_feed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removing_expired_channel_resumes_feed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_callback_can_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_disables_hw, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

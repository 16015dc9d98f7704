/*
 * native_sim hardware watchdog driver, through the device registry as the kernel uses
 * it: registered under AKIRA_HWWDT_DEVICE_NAME, keeps quiet while fed, fires once
 * when starved, stays quiet when disabled. The expiry hook replaces the process exit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>

#include <akira/clock.h>
#include <akira/device.h>
#include <akira/err.h>
#include <akira/native_sim.h>
#include <akira/thread.h>
#include <akira/watchdog.h>

static atomic_int expiries;
static atomic_uint last_timeout;
static atomic_ullong expired_at;

static void hook(uint32_t timeout_ms)
{
    last_timeout = timeout_ms;
    expired_at = akira_uptime_ms();
    expiries++;
}

static const struct akira_device *dev;
static const struct akira_hwwdt_api *api;

static int setup(void **state)
{
    (void)state;
    dev = akira_device_get(AKIRA_HWWDT_DEVICE_NAME);
    if (!dev) return -1;
    akira_device_init_all(AKIRA_INIT_PRE_KERNEL);
    api = dev->api;
    akira_board_hwwdt_hook_set(hook);
    return 0;
}

static void wait_ms(uint32_t ms)
{
    akira_sleep_ms(ms);
}

/* Waits until `count` expiries were seen, at most limit_ms (generous: sanitizers and a
 * loaded machine delay threads, the assertions below check the timing that matters). */
static void wait_expiries(int count, uint32_t limit_ms)
{
    for (uint32_t t = 0; t < limit_ms && expiries < count; t += 5)
        wait_ms(5);
}

static void test_registered_and_ready(void **state)
{
    (void)state;
    assert_non_null(dev);
    assert_int_equal(dev->level, AKIRA_INIT_PRE_KERNEL);
    assert_true(akira_device_is_ready(dev));
    assert_int_equal(api->setup(dev, 0), AKIRA_EINVAL);
}

static void test_fed_does_not_fire(void **state)
{
    (void)state;
    expiries = 0;
    assert_int_equal(api->setup(dev, 250), 0);
    for (int i = 0; i < 40; i++) { /* 800 ms, three timeouts' worth */
        wait_ms(20);
        assert_int_equal(api->feed(dev), 0);
    }
    assert_int_equal(expiries, 0);
    assert_int_equal(api->disable(dev), 0);
}

static void test_starved_fires_once_after_timeout(void **state)
{
    (void)state;
    expiries = 0;
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(api->setup(dev, 80), 0);
    wait_expiries(1, 3000);
    assert_int_equal(expiries, 1);
    assert_int_equal(last_timeout, 80);
    assert_true(expired_at >= t0 + 80); /* never early */
    /* after firing the watchdog is disarmed: a feed is refused, no second expiry */
    assert_int_equal(api->feed(dev), AKIRA_ESTATE);
    wait_ms(150);
    assert_int_equal(expiries, 1);
}

static void test_disabled_does_not_fire(void **state)
{
    (void)state;
    expiries = 0;
    assert_int_equal(api->setup(dev, 50), 0);
    assert_int_equal(api->disable(dev), 0);
    wait_ms(150);
    assert_int_equal(expiries, 0);
    assert_int_equal(api->feed(dev), AKIRA_ESTATE);
}

static void test_kernel_service_stops_feeding_on_expired_channel(void **state)
{
    (void)state;
    expiries = 0;
    /* The service feeds the hardware while channels are healthy... */
    assert_int_equal(akira_wdt_service_start(dev, 600, 20), 0);
    int ch = akira_wdt_channel_add("test", 200, NULL, NULL);
    assert_true(ch >= 0);
    for (int i = 0; i < 60; i++) { /* 1.2 s: two hardware timeouts' worth */
        wait_ms(20);
        akira_wdt_feed(ch);
    }
    assert_int_equal(expiries, 0);
    /* ...and stops when one expires, so the hardware fires. */
    uint64_t t0 = akira_uptime_ms();
    wait_expiries(1, 5000);
    assert_int_equal(expiries, 1);
    assert_true(expired_at >= t0 + 600); /* channel expiry + the full hardware timeout */
    akira_wdt_channel_remove(ch);
    akira_wdt_service_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered_and_ready),
        cmocka_unit_test(test_fed_does_not_fire),
        cmocka_unit_test(test_starved_fires_once_after_timeout),
        cmocka_unit_test(test_disabled_does_not_fire),
        cmocka_unit_test(test_kernel_service_stops_feeding_on_expired_channel),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

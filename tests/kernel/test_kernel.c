/* Kernel start/stop: the service threads appear and disappear, the board's "wdt0"
 * device is picked up and disabled on shutdown, init/shutdown can repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/kernel.h>

static atomic_int feeds, setups, disables;

static int hw_setup(const struct akira_device *dev, uint32_t timeout_ms)
{
    (void)dev;
    (void)timeout_ms;
    atomic_fetch_add(&setups, 1);
    return 0;
}

static int hw_feed(const struct akira_device *dev)
{
    (void)dev;
    atomic_fetch_add(&feeds, 1);
    return 0;
}

static int hw_disable(const struct akira_device *dev)
{
    (void)dev;
    atomic_fetch_add(&disables, 1);
    return 0;
}

static const struct akira_hwwdt_api hw_api = {
    .setup = hw_setup, .feed = hw_feed, .disable = hw_disable};
/* A board would use AKIRA_DEVICE_DEFINE; the test defines it the same way. */
AKIRA_DEVICE_DEFINE(test_wdt0, AKIRA_HWWDT_DEVICE_NAME, NULL, NULL, NULL, AKIRA_INIT_PRE_KERNEL, 0,
                    &hw_api);

static bool has_thread(const char *name)
{
    struct akira_thread_info infos[32];
    size_t n = akira_thread_list(infos, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (strcmp(infos[i].name, name) == 0) return true;
    return false;
}

static void test_without_ready_hw(void **state)
{
    (void)state;
    /* wdt0 exists but its level has not run: the kernel starts without hardware. */
    assert_int_equal(akira_kernel_init(), 0);
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_true(st.running);
    assert_false(st.hw_attached);
    assert_int_equal(atomic_load(&setups), 0);
    assert_int_equal(akira_kernel_shutdown(), 0);
}

static void test_boot_and_shutdown(void **state)
{
    (void)state;
    assert_false(akira_kernel_is_running());
    assert_null(akira_thread_current());
    assert_int_equal(akira_device_init_all(AKIRA_INIT_PRE_KERNEL), 0);
    assert_int_equal(akira_kernel_init(), 0);
    assert_true(akira_kernel_is_running());
    assert_int_equal(akira_kernel_init(), AKIRA_EBUSY);

    assert_string_equal(akira_thread_name(akira_thread_current()), "main");
    assert_true(has_thread("main"));
    assert_true(has_thread("timer"));
    assert_true(has_thread("sysworkq"));
    assert_true(has_thread("wdt"));
    assert_non_null(akira_workq_system());

    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    assert_true(st.hw_attached);
    assert_int_equal(st.hw_timeout_ms, AKIRA_WDT_HW_TIMEOUT_DEFAULT);
    assert_int_equal(atomic_load(&setups), 1);
    akira_sleep_ms(3 * AKIRA_WDT_CHECK_PERIOD_DEFAULT);
    assert_true(atomic_load(&feeds) >= 2);

    assert_int_equal(akira_kernel_shutdown(), 0);
    assert_false(akira_kernel_is_running());
    assert_int_equal(atomic_load(&disables), 1);
    assert_false(has_thread("timer"));
    assert_false(has_thread("sysworkq"));
    assert_false(has_thread("wdt"));
    assert_false(has_thread("main"));
    assert_null(akira_workq_system());
    assert_int_equal(akira_kernel_shutdown(), AKIRA_ESTATE);

    /* And again: a clean restart works. */
    assert_int_equal(akira_kernel_init(), 0);
    assert_true(has_thread("timer"));
    assert_int_equal(akira_kernel_shutdown(), 0);
}

int main(void)
{
    akira_log_sink_enable(false);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_ready_hw),
        cmocka_unit_test(test_boot_and_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Device registry: build-time registration through a whole-linked static library,
 * lookup, init order and results, run-time registration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/device.h>
#include <akira/err.h>
#include <akira/log.h>

#include "test_device_drivers.h"

const char *test_init_order[16];
int test_init_count;

static void test_lookup(void **state)
{
    (void)state;
    const struct akira_device *a = akira_device_get("dev_a");
    assert_non_null(a); /* registered by an unreferenced object: the link rule works */
    assert_string_equal(a->name, "dev_a");
    assert_null(akira_device_get("no_such_device"));
    assert_null(akira_device_get(NULL));
    const struct test_dev_api *api = a->api;
    assert_int_equal(api->value(a), 1);
    assert_false(akira_device_is_ready(a)); /* not initialised yet */
    assert_int_equal(akira_device_init_result(a), AKIRA_ESTATE);
}

static void test_init_order_and_results(void **state)
{
    (void)state;
    test_init_count = 0;
    assert_int_equal(akira_device_init_all(AKIRA_INIT_PRE_KERNEL), 1); /* dev_fail */
    assert_int_equal(test_init_count, 3);
    assert_string_equal(test_init_order[0], "dev_b");
    assert_string_equal(test_init_order[1], "dev_a");
    assert_string_equal(test_init_order[2], "dev_fail");

    assert_true(akira_device_is_ready(akira_device_get("dev_a")));
    assert_true(akira_device_is_ready(akira_device_get("dev_b")));
    const struct akira_device *f = akira_device_get("dev_fail");
    assert_false(akira_device_is_ready(f));
    assert_int_equal(akira_device_init_result(f), AKIRA_EIO);
    /* POST_KERNEL devices wait for their level. */
    assert_false(akira_device_is_ready(akira_device_get("dev_post")));

    /* Each init runs once, even when asked again. */
    assert_int_equal(akira_device_init_all(AKIRA_INIT_PRE_KERNEL), 0);
    assert_int_equal(test_init_count, 3);
    assert_int_equal(akira_device_init(f), AKIRA_EIO);
    assert_int_equal(test_init_count, 3);

    assert_int_equal(akira_device_init_all(AKIRA_INIT_POST_KERNEL), 0);
    assert_int_equal(test_init_count, 4);
    assert_string_equal(test_init_order[3], "dev_post");
    assert_true(akira_device_is_ready(akira_device_get("dev_noinit")));
    assert_int_equal(akira_device_init_all((enum akira_init_level)7), AKIRA_EINVAL);
}

static int rt_init(const struct akira_device *dev)
{
    if (test_init_count < 16) test_init_order[test_init_count++] = dev->name;
    return 0;
}

static struct akira_device_state rt1_state, rt2_state, dup_state;
static const struct akira_device rt1 = {.name = "rt1",
                                        .init = rt_init,
                                        .level = AKIRA_INIT_APPLICATION,
                                        .priority = 50,
                                        .state = &rt1_state};
static const struct akira_device rt2 = {.name = "rt2",
                                        .init = rt_init,
                                        .level = AKIRA_INIT_APPLICATION,
                                        .priority = 10,
                                        .state = &rt2_state};
static const struct akira_device dup = {
    .name = "dev_a", .level = AKIRA_INIT_APPLICATION, .state = &dup_state};

static void count_dev(const struct akira_device *dev, void *user)
{
    (void)dev;
    (*(int *)user)++;
}

static void test_runtime_registration(void **state)
{
    (void)state;
    int before = 0;
    size_t n0 = akira_device_foreach(count_dev, &before);
    assert_int_equal((size_t)before, n0);
    assert_true(n0 >= 5);

    assert_int_equal(akira_device_register(&rt1), 0);
    assert_int_equal(akira_device_register(&rt2), 0);
    assert_int_equal(akira_device_register(&dup), AKIRA_EEXIST);
    assert_int_equal(akira_device_register(&rt1), AKIRA_EEXIST);
    assert_ptr_equal(akira_device_get("rt2"), &rt2);
    assert_int_equal(akira_device_foreach(NULL, NULL), n0 + 2);

    test_init_count = 0;
    assert_int_equal(akira_device_init_all(AKIRA_INIT_APPLICATION), 0);
    assert_int_equal(test_init_count, 2);
    assert_string_equal(test_init_order[0], "rt2"); /* priority 10 before 50 */
    assert_string_equal(test_init_order[1], "rt1");
    assert_true(akira_device_is_ready(&rt1));

    assert_int_equal(akira_device_unregister(&rt1), 0);
    assert_null(akira_device_get("rt1"));
    assert_int_equal(akira_device_unregister(&rt1), AKIRA_ENOENT);
    assert_int_equal(akira_device_unregister(akira_device_get("dev_a")), AKIRA_EPERM);
    assert_int_equal(akira_device_unregister(&rt2), 0);
    assert_int_equal(akira_device_foreach(NULL, NULL), n0);
}

/* The boards' boot step: init a level, one report per device of it, and whether the
 * boot may go on (not after a failed pre-kernel device; after a later one it may). */
struct reports {
    int n;
    char what[8][64];
    int rc[8];
};

static void record(const char *what, int rc, void *user)
{
    struct reports *r = user;
    if (r->n >= 8) return;
    snprintf(r->what[r->n], sizeof(r->what[0]), "%s", what);
    r->rc[r->n++] = rc;
}

static int rc_of(const struct reports *r, const char *what)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->what[i], what) == 0) return r->rc[i];
    return 1; /* not reported */
}

static int bad_init(const struct akira_device *dev)
{
    (void)dev;
    return AKIRA_EIO;
}

static struct akira_device_state bad_state;
static const struct akira_device bad_app = {
    .name = "bad_app", .init = bad_init, .level = AKIRA_INIT_APPLICATION, .state = &bad_state};

static int absent_init(const struct akira_device *dev)
{
    (void)dev;
    return AKIRA_ENODEV;
}

static struct akira_device_state absent_state;
static const struct akira_device absent_app = {.name = "absent_app",
                                               .init = absent_init,
                                               .level = AKIRA_INIT_APPLICATION,
                                               .state = &absent_state};

/* Hardware absent on this run (init answers ENODEV, e.g. a radio without a medium):
 * reported, not ready, and no failure - init_all does not count it. */
static void test_absent_device(void **state)
{
    (void)state;
    assert_int_equal(akira_device_register(&absent_app), 0);
    assert_int_equal(akira_device_init_all(AKIRA_INIT_APPLICATION), 0);
    assert_false(akira_device_is_ready(&absent_app));
    assert_int_equal(akira_device_init_result(&absent_app), AKIRA_ENODEV);
    struct reports r = {0};
    assert_true(akira_device_boot_level(AKIRA_INIT_APPLICATION, record, &r));
    assert_int_equal(rc_of(&r, "device absent_app (application)"), AKIRA_ENODEV);
    assert_int_equal(akira_device_unregister(&absent_app), 0);
}

static void test_boot_level(void **state)
{
    (void)state;
    assert_string_equal(akira_init_level_name(AKIRA_INIT_POST_KERNEL), "post-kernel");
    assert_string_equal(akira_init_level_name((enum akira_init_level)7), "?");

    struct reports r = {0};
    /* dev_fail (pre-kernel) failed: the system cannot run without it. */
    assert_false(akira_device_boot_level(AKIRA_INIT_PRE_KERNEL, record, &r));
    assert_true(r.n >= 3); /* dev_a, dev_b, dev_fail, and nothing of another level */
    for (int i = 0; i < r.n; i++)
        assert_non_null(strstr(r.what[i], " (pre-kernel)"));
    assert_int_equal(rc_of(&r, "device dev_a (pre-kernel)"), 0);
    assert_int_equal(rc_of(&r, "device dev_fail (pre-kernel)"), AKIRA_EIO);

    memset(&r, 0, sizeof(r));
    assert_true(akira_device_boot_level(AKIRA_INIT_POST_KERNEL, record, &r));
    assert_int_equal(rc_of(&r, "device dev_post (post-kernel)"), 0);

    /* A later device that fails is reported and the boot goes on without it. */
    assert_int_equal(akira_device_register(&bad_app), 0);
    memset(&r, 0, sizeof(r));
    assert_true(akira_device_boot_level(AKIRA_INIT_APPLICATION, record, &r));
    assert_int_equal(rc_of(&r, "device bad_app (application)"), AKIRA_EIO);
    assert_false(akira_device_is_ready(&bad_app));
    assert_int_equal(akira_device_unregister(&bad_app), 0);

    assert_false(akira_device_boot_level((enum akira_init_level)7, record, &r));
    assert_true(akira_device_boot_level(AKIRA_INIT_POST_KERNEL, NULL, NULL));
}

int main(void)
{
    akira_log_sink_enable(false); /* the failing init logs an error on purpose */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_init_order_and_results),
        cmocka_unit_test(test_runtime_registration),
        cmocka_unit_test(test_boot_level),
        cmocka_unit_test(test_absent_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

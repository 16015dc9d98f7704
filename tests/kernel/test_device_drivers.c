/*
 * Drivers for test_device.c, built into a static library that the test never
 * references. They exist in the test binary only because the library is linked whole.
 */
#include <akira/device.h>
#include <akira/err.h>

#include "test_device_drivers.h"

/* Defined by the test; records the order inits ran in. */
extern const char *test_init_order[16];
extern int test_init_count;

static int record_init(const struct akira_device *dev)
{
    if (test_init_count < 16) test_init_order[test_init_count++] = dev->name;
    const struct test_dev_config *cfg = dev->config;
    struct test_dev_data *data = dev->data;
    data->inits++;
    return cfg->init_result;
}

static int api_value(const struct akira_device *dev)
{
    return ((const struct test_dev_config *)dev->config)->value;
}

static const struct test_dev_api api = {.value = api_value};

static struct test_dev_data a_data, b_data, fail_data, post_data;
static const struct test_dev_config a_cfg = {.init_result = 0, .value = 1};
static const struct test_dev_config b_cfg = {.init_result = 0, .value = 2};
static const struct test_dev_config fail_cfg = {.init_result = AKIRA_EIO, .value = 3};
static const struct test_dev_config post_cfg = {.init_result = 0, .value = 4};

/* Defined out of priority order on purpose: init must sort them. */
AKIRA_DEVICE_DEFINE(dev_a, "dev_a", record_init, &a_data, &a_cfg, AKIRA_INIT_PRE_KERNEL, 20, &api);
AKIRA_DEVICE_DEFINE(dev_fail, "dev_fail", record_init, &fail_data, &fail_cfg, AKIRA_INIT_PRE_KERNEL,
                    30, &api);
AKIRA_DEVICE_DEFINE(dev_b, "dev_b", record_init, &b_data, &b_cfg, AKIRA_INIT_PRE_KERNEL, 5, &api);
AKIRA_DEVICE_DEFINE(dev_post, "dev_post", record_init, &post_data, &post_cfg,
                    AKIRA_INIT_POST_KERNEL, 0, &api);
AKIRA_DEVICE_DEFINE(dev_noinit, "dev_noinit", NULL, NULL, &post_cfg, AKIRA_INIT_POST_KERNEL, 9,
                    &api);

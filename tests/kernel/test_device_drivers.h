/* The little device class shared by test_device.c and test_device_drivers.c. */
#ifndef TEST_DEVICE_DRIVERS_H
#define TEST_DEVICE_DRIVERS_H

#include <akira/device.h>

struct test_dev_api {
    int (*value)(const struct akira_device *dev);
};

struct test_dev_config {
    int init_result;
    int value;
};

struct test_dev_data {
    int inits;
};

#endif

/*
 * The sensor driver instances of native_sim: the portable bme280 and lsm6ds3 drivers
 * (kernel/src/drivers) on i2c0, at the addresses the chip models answer. This is the
 * part a real board writes for its own wiring.
 */
#include <akira/drivers/bme280.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/lsm6ds3.h>

#include "sim.h"

static const struct akira_bme280_config bme280_cfg = {.bus = "i2c0", .addr = AKIRA_SIM_BME280_ADDR};
static struct akira_bme280_data bme280_data;
AKIRA_DRIVER_DEFINE(native_sim_bme280, AKIRA_DRIVER_SENSOR, "bme280", akira_bme280_init,
                    &bme280_data, &bme280_cfg, AKIRA_INIT_APPLICATION, 50, &akira_bme280_api);

static const struct akira_lsm6ds3_config lsm6ds3_cfg = {
    .bus = "i2c0", .addr = AKIRA_SIM_LSM6DS3_ADDR, .accel_fs_g = 4, .gyro_fs_dps = 500};
static struct akira_lsm6ds3_data lsm6ds3_data;
AKIRA_DRIVER_DEFINE(native_sim_lsm6ds3, AKIRA_DRIVER_SENSOR, "lsm6ds3", akira_lsm6ds3_init,
                    &lsm6ds3_data, &lsm6ds3_cfg, AKIRA_INIT_APPLICATION, 50, &akira_lsm6ds3_api);

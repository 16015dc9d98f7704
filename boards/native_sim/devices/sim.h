/*
 * Shared by the simulated devices (not public): the I2C target model interface and the
 * signal sampler the chip models call.
 */
#ifndef BOARD_NATIVE_SIM_DEVICES_SIM_H
#define BOARD_NATIVE_SIM_DEVICES_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/sim_devices.h>

/* A register-level model of a chip on the simulated I2C bus. Calls come with the bus
 * locked, one transaction at a time. */
struct sim_i2c_target {
    uint16_t addr;
    const char *name;
    /* A transaction with this target begins (START + address acknowledged). */
    void (*start)(struct sim_i2c_target *t);
    /* A write message's bytes; first: the message began right after a (re)START. */
    void (*write)(struct sim_i2c_target *t, const uint8_t *buf, uint32_t len, bool first);
    void (*read)(struct sim_i2c_target *t, uint8_t *buf, uint32_t len);
};

/* The chip models on i2c0 (bme280_sim.c, lsm6ds3_sim.c). */
extern struct sim_i2c_target sim_bme280_target;
extern struct sim_i2c_target sim_lsm6ds3_target;

/* Takes the next sample of sig (advances walks and scripts). */
double sim_signal_sample(enum akira_sim_signal sig);

#endif /* BOARD_NATIVE_SIM_DEVICES_SIM_H */

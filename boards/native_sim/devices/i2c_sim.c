/*
 * native_sim "i2c0": a bus with register-level chip models on it. A transaction
 * locks the bus, finds the target by address (none: the address is not acknowledged,
 * AKIRA_EIO, nothing transferred), and hands each message to the model; a change of
 * direction or AKIRA_I2C_MSG_RESTART is a repeated START, which the model sees as
 * `first` on the next write (a register pointer byte follows a START).
 */
#include <pthread.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>
#include <akira/err.h>

#include "sim.h"

static struct sim_i2c_target *const targets[] = {&sim_bme280_target, &sim_lsm6ds3_target};
static pthread_mutex_t bus_lock = PTHREAD_MUTEX_INITIALIZER;

static struct sim_i2c_target *target_at(uint16_t addr)
{
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        if (targets[i]->addr == addr) return targets[i];
    return NULL;
}

static int i2c_transfer(const struct akira_device *dev, struct akira_i2c_msg *msgs, uint8_t num,
                        uint16_t addr)
{
    (void)dev;
    if (addr > AKIRA_I2C_ADDR_MAX || num == 0 || !msgs) return AKIRA_EINVAL;
    for (uint8_t i = 0; i < num; i++)
        if (msgs[i].len > 0 && !msgs[i].buf) return AKIRA_EINVAL;
    struct sim_i2c_target *t = target_at(addr);
    if (!t) return AKIRA_EIO; /* NACK on the address byte */
    pthread_mutex_lock(&bus_lock);
    t->start(t);
    for (uint8_t i = 0; i < num; i++) {
        bool read = msgs[i].flags & AKIRA_I2C_MSG_READ;
        bool restart = i == 0 || (msgs[i].flags & AKIRA_I2C_MSG_RESTART) ||
                       read != (bool)(msgs[i - 1].flags & AKIRA_I2C_MSG_READ);
        if (read)
            t->read(t, msgs[i].buf, msgs[i].len);
        else
            t->write(t, msgs[i].buf, msgs[i].len, restart);
    }
    pthread_mutex_unlock(&bus_lock);
    return 0;
}

static const struct akira_i2c_api i2c_api = {.transfer = i2c_transfer};

AKIRA_DRIVER_DEFINE(native_sim_i2c0, AKIRA_DRIVER_I2C, "i2c0", NULL, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &i2c_api);

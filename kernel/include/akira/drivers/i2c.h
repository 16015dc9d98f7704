/*
 * I2C driver class: a bus controller that runs transactions of messages (Zephyr-like).
 *
 * A transaction addresses one 7-bit target: START, address, then each message's bytes
 * in its direction. A message whose direction differs from the previous one, or that
 * has AKIRA_I2C_MSG_RESTART, begins with a repeated START and the address again; the
 * transaction ends with STOP. So write-then-read (the usual register read) is two
 * messages: a WRITE of the register number and a READ of the data.
 *
 * Threads: any thread; transfer blocks the caller for the bus time and serialises
 * with other transfers on the same bus (a transaction is never interleaved).
 * Errors: AKIRA_EINVAL (address > 0x7F, no messages, NULL buffer with a length),
 * AKIRA_EIO (the target did not acknowledge its address - nobody there - or a data
 * byte), AKIRA_ENODEV (bus not ready). On an address NACK nothing was transferred.
 */
#ifndef AKIRA_DRIVERS_I2C_H
#define AKIRA_DRIVERS_I2C_H

#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_I2C_ADDR_MAX 0x7F

#define AKIRA_I2C_MSG_WRITE   0u
#define AKIRA_I2C_MSG_READ    (1u << 0)
#define AKIRA_I2C_MSG_RESTART (1u << 2) /* force a repeated START before this message */

struct akira_i2c_msg {
    uint8_t *buf;
    uint32_t len; /* 0 allowed for a write (an address probe) */
    uint8_t flags;
};

struct akira_i2c_api {
    int (*transfer)(const struct akira_device *bus, struct akira_i2c_msg *msgs, uint8_t num,
                    uint16_t addr);
};

static inline int akira_i2c_transfer(const struct akira_device *bus, struct akira_i2c_msg *msgs,
                                     uint8_t num, uint16_t addr)
{
    if (!bus || !akira_device_is_ready(bus)) return AKIRA_ENODEV;
    if (addr > AKIRA_I2C_ADDR_MAX || num == 0 || msgs == NULL) return AKIRA_EINVAL;
    for (uint8_t i = 0; i < num; i++)
        if (msgs[i].len > 0 && msgs[i].buf == NULL) return AKIRA_EINVAL;
    return ((const struct akira_i2c_api *)bus->api)->transfer(bus, msgs, num, addr);
}

static inline int akira_i2c_write(const struct akira_device *bus, const uint8_t *buf, uint32_t len,
                                  uint16_t addr)
{
    struct akira_i2c_msg m = {(uint8_t *)buf, len, AKIRA_I2C_MSG_WRITE};
    return akira_i2c_transfer(bus, &m, 1, addr);
}

static inline int akira_i2c_read(const struct akira_device *bus, uint8_t *buf, uint32_t len,
                                 uint16_t addr)
{
    struct akira_i2c_msg m = {buf, len, AKIRA_I2C_MSG_READ};
    return akira_i2c_transfer(bus, &m, 1, addr);
}

/* Write wbuf, then a repeated START and read rlen bytes into rbuf. */
static inline int akira_i2c_write_read(const struct akira_device *bus, uint16_t addr,
                                       const uint8_t *wbuf, uint32_t wlen, uint8_t *rbuf,
                                       uint32_t rlen)
{
    struct akira_i2c_msg m[2] = {{(uint8_t *)wbuf, wlen, AKIRA_I2C_MSG_WRITE},
                                 {rbuf, rlen, AKIRA_I2C_MSG_READ | AKIRA_I2C_MSG_RESTART}};
    return akira_i2c_transfer(bus, m, 2, addr);
}

/* Read len registers from reg on (register-pointer targets that auto-increment). */
static inline int akira_i2c_burst_read(const struct akira_device *bus, uint16_t addr, uint8_t reg,
                                       uint8_t *buf, uint32_t len)
{
    return akira_i2c_write_read(bus, addr, &reg, 1, buf, len);
}

static inline int akira_i2c_reg_read_byte(const struct akira_device *bus, uint16_t addr,
                                          uint8_t reg, uint8_t *value)
{
    return akira_i2c_write_read(bus, addr, &reg, 1, value, 1);
}

static inline int akira_i2c_reg_write_byte(const struct akira_device *bus, uint16_t addr,
                                           uint8_t reg, uint8_t value)
{
    uint8_t b[2] = {reg, value};
    return akira_i2c_write(bus, b, 2, addr);
}

#endif /* AKIRA_DRIVERS_I2C_H */

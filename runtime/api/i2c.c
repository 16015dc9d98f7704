/*
 * API module "i2c": transactions on the board's I2C buses, capability "i2c", narrowed
 * to the manifest's `i2c` BUS:ADDR items.
 *
 *   i2c_transfer(bus i32, bus_len i32, addr i32, wbuf i32, wlen i32, rbuf i32, rlen i32)
 *        -> i32  0 | EFAULT | EINVAL | ETOOBIG | EACCES | ENODEV | EIO (no ACK)
 *
 * One transaction to the 7-bit target addr on the bus named by bus[0..bus_len): when
 * wlen > 0 the wlen bytes at wbuf are written; when rlen > 0, after a repeated START,
 * rlen bytes are read into rbuf. Both 0 is an address probe (a write of no bytes).
 * Each length is at most AKIRA_API_I2C_MAX (256) bytes. Checks in order: pointers and
 * lengths (EFAULT, ETOOBIG; both buffers are checked before anything is sent), the
 * name and the address (EINVAL for an empty or over-long name or an address above
 * 0x7f), the manifest (EACCES), the bus (ENODEV: no such I2C bus). Nothing is held
 * between calls, so there is nothing to release when the app ends.
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>

#include "hw_util.h"

#define AKIRA_API_I2C_MAX 256u

int hw_i2c_transfer(struct akira_app_ctx *app, const char *bus, int32_t addr, uint8_t *w,
                    uint32_t wlen, uint8_t *r, uint32_t rlen, aw_status *st)
{
    *st = AW_OK;
    if (wlen > AKIRA_API_I2C_MAX + 1u || rlen > AKIRA_API_I2C_MAX) return AKIRA_ETOOBIG;
    if (addr < 0 || addr > AKIRA_I2C_ADDR_MAX) return AKIRA_EINVAL;
    if (!akira_manifest_i2c_allowed(app->manifest, bus, (uint32_t)addr))
        return hw_deny(app, "i2c %s:0x%02x is not in the manifest's i2c list", bus, (unsigned)addr);
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_I2C, bus);
    if (!dev) return AKIRA_ENODEV;
    /* The transfer blocks for the bus time: not charged to the app's watchdog. The
     * buffers stay valid: nothing can grow the app's memory while it waits here. */
    struct akira_i2c_msg m[2];
    uint8_t n = 0;
    if (wlen > 0 || rlen == 0) m[n++] = (struct akira_i2c_msg){w, wlen, AKIRA_I2C_MSG_WRITE};
    if (rlen > 0) m[n++] = (struct akira_i2c_msg){r, rlen, AKIRA_I2C_MSG_READ};
    akira_bridge_wait_begin(app);
    int rc = akira_i2c_transfer(dev, m, n, (uint16_t)addr);
    *st = akira_bridge_wait_end(app);
    return rc;
}

static aw_status api_transfer(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t wlen = io[4].u32, rlen = io[6].u32;
    int32_t addr = io[2].i32;
    char bus[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    uint8_t *w = akira_bridge_mem(app, io[3].u32, wlen);
    uint8_t *r = akira_bridge_mem(app, io[5].u32, rlen);
    if (!w || !r) return hw_ret(io, AKIRA_EFAULT);
    if (wlen > AKIRA_API_I2C_MAX || rlen > AKIRA_API_I2C_MAX) return hw_ret(io, AKIRA_ETOOBIG);
    int rc = hw_dev_name(app, io[0].u32, io[1].u32, bus);
    if (rc) return hw_ret(io, rc);
    aw_status st;
    io[0].i32 = hw_i2c_transfer(app, bus, addr, w, wlen, r, rlen, &st);
    return st;
}

static const struct akira_bridge_entry entries[] = {
    {"i2c_transfer", "(iiiiiii)i", AKIRA_CAP_I2C, api_transfer},
};

const struct akira_bridge_module akira_api_i2c = {
    .name = "i2c",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

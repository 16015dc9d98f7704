/*
 * API module "compat_i2c": upstream AkiraOS's i2c_write_reg and i2c_read_reg ("env"
 * import module, akira/compat.h, docs/compat.md) over our i2c module (runtime/api/i2c.c,
 * whose hw_i2c_transfer does the work with its manifest check). Upstream's bus 0 is our
 * "i2c0", bus 1 "i2c1"; its `i2c` capability covers every address of a bus, which the
 * mapped manifest says as `i2c: i2c0:*, i2c1:*`. As upstream, nothing is held between
 * calls: the bus is shared with the other apps and the system's sensor drivers, each
 * transaction whole (the driver serialises them).
 *
 * i2c_write_reg: one write of the register byte then len (0..256) data bytes.
 * i2c_read_reg: the register byte written, a repeated START, len (1..256) bytes read;
 * returns len. Errors: -EINVAL (bus, address above 0x7f, register above 0xff, length),
 * -EIO (no ACK), -ENODEV (no such bus here), -EPERM (capability). The buffer traps
 * outside memory, as upstream's `*~`.
 */
#include "compat_priv.h"

#define UP_I2C_BUSES 2
#define UP_I2C_MAX   256u

static aw_status reg_io(struct akira_app_ctx *app, aw_val *io, bool write)
{
    int32_t bus_id = io[0].i32, addr = io[1].i32, reg = io[2].i32;
    uint32_t len = io[4].u32;
    uint8_t *buf = len ? akira_bridge_mem(app, io[3].u32, len) : NULL;
    if (len && !buf) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(I2C), write ? "i2c_write_reg" : "i2c_read_reg");
    if (bus_id < 0 || bus_id >= UP_I2C_BUSES || addr < 0 || addr > 0x7F || reg < 0 || reg > 0xFF ||
        len > UP_I2C_MAX || (!write && len == 0))
        return hw_ret(io, -AKIRA_UP_EINVAL);
    char bus[8];
    snprintf(bus, sizeof bus, "i2c%d", (int)bus_id);
    uint8_t w[1 + UP_I2C_MAX];
    w[0] = (uint8_t)reg;
    if (write && len) memcpy(w + 1, buf, len);
    aw_status st;
    int rc = hw_i2c_transfer(app, bus, addr, w, write ? 1u + len : 1u, write ? NULL : buf,
                             write ? 0u : len, &st);
    if (st != AW_OK) return st;
    if (rc) return compat_ret(io, rc);
    return hw_ret(io, write ? 0 : (int32_t)len);
}

COMPAT_WRAP(up_write_reg, reg_io, true)
COMPAT_WRAP(up_read_reg, reg_io, false)

static const struct akira_bridge_entry entries[] = {
    {"i2c_write_reg", "(iiiii)i", AKIRA_CAP_I2C, up_write_reg},
    {"i2c_read_reg", "(iiiii)i", AKIRA_CAP_I2C, up_read_reg},
};

const struct akira_bridge_module akira_api_compat_i2c = {
    .name = "compat_i2c",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

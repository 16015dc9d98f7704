/*
 * Shell commands for the board's peripherals: `gpio`, `i2c`, `sensor`, `pwm`, `power`
 * through the driver class APIs, and `sim` for the bench side (the signals the sensor
 * models measure). They live with the board because driving an input pin or plugging
 * the charger in is something done to the simulated hardware, not through a driver.
 * Every handler checks all its words before it changes anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/drivers/i2c.h>
#include <akira/drivers/power.h>
#include <akira/drivers/pwm.h>
#include <akira/drivers/sensor.h>
#include <akira/log.h>
#include <akira/shell.h>
#include <akira/sim_devices.h>

AKIRA_LOG_MODULE_REGISTER(hw);

/* A number in decimal or 0x-hex, in [0, max]. */
static int parse_num(const char *s, uint32_t max, uint32_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+') return AKIRA_EINVAL;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v > max) return AKIRA_EINVAL;
    *out = (uint32_t)v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    if (!s || !*s) return AKIRA_EINVAL;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return AKIRA_EINVAL;
    *out = v;
    return 0;
}

static int bad(struct akira_shell *sh, const char *what, const char *word)
{
    akira_shell_print(sh, "%s: '%s'\n", what, word);
    return AKIRA_EINVAL;
}

static int fail(struct akira_shell *sh, const char *what, int rc)
{
    akira_shell_print(sh, "%s: %s\n", what, akira_err_str(rc));
    return rc;
}

/* --- gpio ------------------------------------------------------------------------- */

static const struct akira_device *gpio_port(struct akira_shell *sh)
{
    const struct akira_device *d = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    if (!d || !akira_device_is_ready(d)) akira_shell_puts(sh, "gpio0: not ready\n");
    return d && akira_device_is_ready(d) ? d : NULL;
}

static int parse_pins(struct akira_shell *sh, int argc, char **argv, uint8_t *pins)
{
    for (int i = 0; i < argc; i++) {
        uint32_t p;
        if (parse_num(argv[i], AKIRA_SIM_GPIO_PINS - 1, &p) != 0)
            return bad(sh, "not a pin number (0..31)", argv[i]);
        pins[i] = (uint8_t)p;
    }
    return 0;
}

static int cmd_gpio_list(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct akira_device *port = gpio_port(sh);
    if (!port) return AKIRA_ENODEV;
    struct akira_gpio_port_info in;
    int rc = akira_gpio_port_info(port, &in);
    if (rc) return fail(sh, "gpio0", rc);
    akira_shell_print(sh, "%3s %-6s %5s %s\n", "PIN", "DIR", "LEVEL", "IRQ");
    for (unsigned i = 0; i < in.pin_count; i++) {
        uint32_t bit = 1u << i;
        akira_shell_print(sh, "%3u %-6s %5u %s\n", i,
                          (in.outputs & bit)  ? "out"
                          : (in.inputs & bit) ? "in"
                                              : "off",
                          (in.levels >> i) & 1u, (in.int_mask & bit) ? "edge" : "-");
    }
    return 0;
}

static int cmd_gpio_get(struct akira_shell *sh, int argc, char **argv)
{
    uint8_t pins[AKIRA_SHELL_ARGV_MAX];
    int rc = parse_pins(sh, argc - 1, argv + 1, pins);
    if (rc) return rc;
    const struct akira_device *port = gpio_port(sh);
    if (!port) return AKIRA_ENODEV;
    for (int i = 0; i < argc - 1; i++) {
        int v = akira_gpio_get(port, pins[i]);
        if (v < 0) return fail(sh, "gpio get", v);
        akira_shell_print(sh, "pin %u: %d\n", pins[i], v);
    }
    return 0;
}

static int cmd_gpio_set(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint8_t pin;
    int rc = parse_pins(sh, 1, argv + 1, &pin);
    if (rc) return rc;
    int level;
    if (strcmp(argv[2], "0") == 0)
        level = 0;
    else if (strcmp(argv[2], "1") == 0)
        level = 1;
    else if (strcmp(argv[2], "z") == 0)
        level = AKIRA_SIM_GPIO_FLOAT;
    else
        return bad(sh, "not a level (0, 1, or z to let an input float)", argv[2]);
    const struct akira_device *port = gpio_port(sh);
    if (!port) return AKIRA_ENODEV;
    struct akira_gpio_port_info in;
    rc = akira_gpio_port_info(port, &in);
    if (rc) return fail(sh, "gpio0", rc);
    bool output = in.outputs & (1u << pin);
    if (output && level == AKIRA_SIM_GPIO_FLOAT) {
        akira_shell_print(sh, "pin %u is an output: it drives 0 or 1\n", pin);
        return AKIRA_EINVAL;
    }
    /* An output is set through the driver; an input is driven from outside. */
    rc = output ? akira_gpio_set(port, pin, level) : akira_sim_gpio_drive(pin, level);
    if (rc) return fail(sh, "gpio set", rc);
    akira_shell_print(sh, "pin %u (%s): %d\n", pin, output ? "output" : "input, driven",
                      akira_gpio_get(port, pin));
    return 0;
}

static struct akira_gpio_callback watch_cb;
static uint32_t watched;
/* The watched pins whose interrupt the shell turned on. A pin whose interrupt was on
 * already (an app's gpio_irq) keeps its mode, and `watch off` leaves it on: watching
 * must not change what the pin's user receives. */
static uint32_t watch_enabled;

static void watch_handler(const struct akira_device *port, struct akira_gpio_callback *cb,
                          uint32_t pins)
{
    (void)cb;
    uint32_t levels = 0;
    struct akira_gpio_port_info in;
    if (akira_gpio_port_info(port, &in) == 0) levels = in.levels;
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
        if (pins & (1u << i)) AKIRA_LOG_INF("gpio0 pin %u: edge, now %u", i, (levels >> i) & 1u);
}

static int cmd_gpio_watch(struct akira_shell *sh, int argc, char **argv)
{
    const struct akira_device *port;
    if (argc == 2 && strcmp(argv[1], "off") == 0) {
        if (!(port = gpio_port(sh))) return AKIRA_ENODEV;
        for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
            if (watch_enabled & (1u << i))
                akira_gpio_interrupt_configure(port, (uint8_t)i, AKIRA_GPIO_INT_DISABLE);
        akira_gpio_remove_callback(port, &watch_cb);
        watched = 0;
        watch_enabled = 0;
        akira_shell_puts(sh, "watch off\n");
        return 0;
    }
    uint8_t pins[AKIRA_SHELL_ARGV_MAX];
    int rc = parse_pins(sh, argc - 1, argv + 1, pins);
    if (rc) return rc;
    if (!(port = gpio_port(sh))) return AKIRA_ENODEV;
    struct akira_gpio_port_info in;
    rc = akira_gpio_port_info(port, &in);
    if (rc) return fail(sh, "gpio0", rc);
    uint32_t add = 0;
    for (int i = 0; i < argc - 1; i++)
        add |= 1u << pins[i];
    akira_gpio_remove_callback(port, &watch_cb); /* re-added with the wider mask */
    akira_gpio_init_callback(&watch_cb, watch_handler, watched | add);
    rc = akira_gpio_add_callback(port, &watch_cb);
    for (int i = 0; rc == 0 && i < argc - 1; i++) {
        uint32_t bit = 1u << pins[i];
        if ((in.int_mask & bit) && !(watch_enabled & bit)) {
            akira_shell_print(sh, "pin %u: interrupt already on (its edges as configured)\n",
                              pins[i]);
            continue;
        }
        rc = akira_gpio_interrupt_configure(port, pins[i], AKIRA_GPIO_INT_EDGE_BOTH);
        if (rc == 0) watch_enabled |= bit;
    }
    if (rc) return fail(sh, "gpio watch", rc);
    watched |= add;
    akira_shell_puts(sh, "watching edges on pin");
    if (watched & (watched - 1u)) akira_shell_puts(sh, "s");
    for (unsigned i = 0; i < 32; i++)
        if (watched & (1u << i)) akira_shell_print(sh, " %u", i);
    akira_shell_puts(sh, " (logged; 'gpio watch off' stops)\n");
    return 0;
}

AKIRA_SHELL_SUBCMDS(gpio_sub,
                    AKIRA_SHELL_CMD("get", "read pin levels", "PIN...", cmd_gpio_get, NULL, 1,
                                    AKIRA_SHELL_ARGS_ANY),
                    AKIRA_SHELL_CMD("set", "set an output, or drive an input from outside",
                                    "PIN 0|1|z", cmd_gpio_set, NULL, 2, 2),
                    AKIRA_SHELL_CMD("watch", "log edges on pins", "PIN...|off", cmd_gpio_watch,
                                    NULL, 1, AKIRA_SHELL_ARGS_ANY));
AKIRA_SHELL_CMD_REGISTER(gpio, "gpio", "list gpio0 pins; get, set, watch them",
                         "[get|set|watch ...]", cmd_gpio_list, gpio_sub, 0, 0);

/* --- i2c -------------------------------------------------------------------------- */

static int parse_bus(struct akira_shell *sh, const char *word, const struct akira_device **out)
{
    char name[AKIRA_DEVICE_NAME_MAX];
    uint32_t n;
    const char *lookup = word;
    if (parse_num(word, 99, &n) == 0) { /* "0" means i2c0 */
        snprintf(name, sizeof(name), "i2c%u", (unsigned)n);
        lookup = name;
    }
    const struct akira_device *d = akira_driver_get(AKIRA_DRIVER_I2C, lookup);
    if (!d) return bad(sh, "no such I2C bus", word);
    *out = d;
    return 0;
}

static int cmd_i2c_scan(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const struct akira_device *bus;
    int rc = parse_bus(sh, argv[1], &bus);
    if (rc) return rc;
    int found = 0;
    /* 0x08..0x77: the addresses not reserved by the I2C specification. */
    for (uint16_t a = 0x08; a <= 0x77; a++) {
        rc = akira_i2c_write(bus, NULL, 0, a);
        if (rc == AKIRA_EIO) continue;
        if (rc) return fail(sh, "i2c scan", rc);
        akira_shell_print(sh, "0x%02x\n", a);
        found++;
    }
    akira_shell_print(sh, "%d device%s on %s\n", found, found == 1 ? "" : "s", bus->name);
    return 0;
}

static int parse_addr_reg(struct akira_shell *sh, char **argv, uint32_t *addr, uint32_t *reg)
{
    if (parse_num(argv[0], AKIRA_I2C_ADDR_MAX, addr) != 0)
        return bad(sh, "not a 7-bit address (0..0x7f)", argv[0]);
    if (parse_num(argv[1], 0xFF, reg) != 0) return bad(sh, "not a register (0..0xff)", argv[1]);
    return 0;
}

#define I2C_SHELL_MAX 64

static int cmd_i2c_read(struct akira_shell *sh, int argc, char **argv)
{
    const struct akira_device *bus;
    uint32_t addr, reg, n = 1;
    int rc = parse_bus(sh, argv[1], &bus);
    if (!rc) rc = parse_addr_reg(sh, argv + 2, &addr, &reg);
    if (!rc && argc == 5 && (parse_num(argv[4], I2C_SHELL_MAX, &n) != 0 || n == 0))
        rc = bad(sh, "not a byte count (1..64)", argv[4]);
    if (rc) return rc;
    uint8_t buf[I2C_SHELL_MAX];
    rc = akira_i2c_burst_read(bus, (uint16_t)addr, (uint8_t)reg, buf, n);
    if (rc == AKIRA_EIO) {
        akira_shell_print(sh, "no acknowledge from 0x%02x on %s\n", (unsigned)addr, bus->name);
        return rc;
    }
    if (rc) return fail(sh, "i2c read", rc);
    char line[3 * 16 + 16];
    for (uint32_t i = 0; i < n; i += 16) {
        int len = snprintf(line, sizeof(line), "%02x:", (unsigned)((reg + i) & 0xFF));
        for (uint32_t k = i; k < n && k < i + 16; k++)
            len += snprintf(line + len, sizeof(line) - (size_t)len, " %02x", buf[k]);
        akira_shell_print(sh, "%s\n", line);
    }
    return 0;
}

static int cmd_i2c_write(struct akira_shell *sh, int argc, char **argv)
{
    const struct akira_device *bus;
    uint32_t addr, reg;
    int rc = parse_bus(sh, argv[1], &bus);
    if (!rc) rc = parse_addr_reg(sh, argv + 2, &addr, &reg);
    if (rc) return rc;
    uint8_t buf[AKIRA_SHELL_ARGV_MAX];
    buf[0] = (uint8_t)reg;
    for (int i = 4; i < argc; i++) {
        uint32_t b;
        if (parse_num(argv[i], 0xFF, &b) != 0) return bad(sh, "not a byte (0..0xff)", argv[i]);
        buf[i - 3] = (uint8_t)b;
    }
    rc = akira_i2c_write(bus, buf, (uint32_t)(argc - 3), (uint16_t)addr);
    if (rc == AKIRA_EIO) {
        akira_shell_print(sh, "no acknowledge from 0x%02x on %s\n", (unsigned)addr, bus->name);
        return rc;
    }
    if (rc) return fail(sh, "i2c write", rc);
    akira_shell_print(sh, "wrote %d byte%s at 0x%02x\n", argc - 4, argc == 5 ? "" : "s",
                      (unsigned)reg);
    return 0;
}

AKIRA_SHELL_SUBCMDS(i2c_sub,
                    AKIRA_SHELL_CMD("scan", "list the addresses that acknowledge", "BUS",
                                    cmd_i2c_scan, NULL, 1, 1),
                    AKIRA_SHELL_CMD("read", "read N registers (default 1) from REG on",
                                    "BUS ADDR REG [N]", cmd_i2c_read, NULL, 3, 4),
                    AKIRA_SHELL_CMD("write", "write bytes from REG on (one message)",
                                    "BUS ADDR REG BYTES...", cmd_i2c_write, NULL, 4,
                                    AKIRA_SHELL_ARGS_ANY));
AKIRA_SHELL_CMD_REGISTER(i2c, "i2c", "scan, read and write I2C targets", "scan|read|write ...",
                         NULL, i2c_sub, 0, 0);

/* --- sensor ----------------------------------------------------------------------- */

static void sensor_row(const struct akira_device *dev, void *user)
{
    struct akira_shell *sh = user;
    char chans[160] = "";
    size_t len = 0;
    uint32_t m = akira_sensor_channels(dev);
    for (int c = 0; c < AKIRA_SENSOR_CHAN_COUNT_; c++)
        if (m & (1u << c))
            len += (size_t)snprintf(chans + len, sizeof(chans) - len, "%s%s", len ? " " : "",
                                    akira_sensor_channel_name((enum akira_sensor_channel)c));
    akira_shell_print(sh, "%-10s %-6s %s\n", dev->name,
                      akira_device_is_ready(dev) ? "ready" : "FAILED", chans);
}

static int cmd_sensor_list(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_print(sh, "%-10s %-6s %s\n", "SENSOR", "STATE", "CHANNELS");
    size_t n = akira_driver_foreach(AKIRA_DRIVER_SENSOR, sensor_row, sh);
    akira_shell_print(sh, "%zu sensors\n", n);
    return 0;
}

static int cmd_sensor_read(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_SENSOR, argv[1]);
    if (!dev) return bad(sh, "no such sensor (see 'sensor list')", argv[1]);
    struct akira_sensor_reading r[AKIRA_SENSOR_CHAN_COUNT_];
    int n = akira_sensor_read_all(dev, r, AKIRA_SENSOR_CHAN_COUNT_);
    if (n < 0) return fail(sh, argv[1], n);
    for (int i = 0; i < n; i++) {
        char v[32];
        akira_shell_print(sh, "%-13s %14s %s\n", akira_sensor_channel_name(r[i].chan),
                          akira_sensor_value_format(&r[i].value, v, sizeof(v)),
                          akira_sensor_channel_unit(r[i].chan));
    }
    return 0;
}

AKIRA_SHELL_SUBCMDS(sensor_sub,
                    AKIRA_SHELL_CMD("list", "the sensors and their channels", NULL, cmd_sensor_list,
                                    NULL, 0, 0),
                    AKIRA_SHELL_CMD("read", "fetch a sample and print every channel", "NAME",
                                    cmd_sensor_read, NULL, 1, 1));
AKIRA_SHELL_CMD_REGISTER(sensor, "sensor", "list and read sensors", "list|read NAME", NULL,
                         sensor_sub, 0, 0);

/* --- pwm -------------------------------------------------------------------------- */

static int cmd_pwm(struct akira_shell *sh, int argc, char **argv)
{
    const struct akira_device *pwm = akira_driver_get(AKIRA_DRIVER_PWM, "pwm0");
    if (argc != 1 && argc != 4) return AKIRA_EINVAL;
    if (!pwm || !akira_device_is_ready(pwm)) return fail(sh, "pwm0", AKIRA_ENODEV);
    uint32_t count = akira_pwm_channel_count(pwm);
    if (argc == 4) {
        uint32_t c, per, pul;
        if (parse_num(argv[1], count - 1, &c) != 0) return bad(sh, "not a channel", argv[1]);
        if (parse_num(argv[2], AKIRA_PWM_PERIOD_MAX_NS, &per) != 0 || per < AKIRA_PWM_PERIOD_MIN_NS)
            return bad(sh, "not a period in ns (1000..1000000000)", argv[2]);
        if (parse_num(argv[3], per, &pul) != 0)
            return bad(sh, "not a pulse in ns (0..PERIOD)", argv[3]);
        int rc = akira_pwm_set(pwm, c, per, pul);
        if (rc) return fail(sh, "pwm", rc);
    }
    akira_shell_print(sh, "%2s %12s %12s %8s\n", "CH", "PERIOD_NS", "PULSE_NS", "DUTY");
    for (uint32_t c = 0; c < count; c++) {
        uint32_t per, pul;
        if (akira_pwm_get(pwm, c, &per, &pul) != 0) continue;
        int32_t ppm = akira_sim_pwm_duty_ppm(c);
        akira_shell_print(sh, "%2u %12u %12u %7.2f%%\n", (unsigned)c, (unsigned)per, (unsigned)pul,
                          ppm / 10000.0);
    }
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(pwm, "pwm", "show pwm0 channels, or set one",
                         "[CHANNEL PERIOD_NS PULSE_NS]", cmd_pwm, NULL, 0, 3);

/* --- power ------------------------------------------------------------------------ */

static int cmd_power(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct akira_device *p = akira_driver_get(AKIRA_DRIVER_POWER, "power0");
    struct akira_power_battery bat;
    int rc = akira_power_battery_get(p, &bat);
    if (rc) return fail(sh, "power0", rc);
    struct akira_sim_battery_info in;
    akira_sim_power_info(&in);
    akira_shell_print(sh, "battery: %u mV, %u%%, %s, %d mA\n", (unsigned)bat.voltage_mv,
                      bat.percent, akira_power_charge_state_name(bat.state), (int)bat.current_ma);
    akira_shell_print(sh, "loads: base %.1f mA, cpu %.1f mA%s, radio %.1f mA, extra %.1f mA\n",
                      in.load_ma[AKIRA_SIM_LOAD_BASE], in.load_ma[AKIRA_SIM_LOAD_CPU],
                      in.cpu_measured ? " (measured)" : "", in.load_ma[AKIRA_SIM_LOAD_RADIO],
                      in.load_ma[AKIRA_SIM_LOAD_EXTRA]);
    akira_shell_print(sh, "cell: %u mAh, open-circuit %.0f mV; charger %s\n",
                      (unsigned)in.capacity_mah, in.ocv_mv, in.charger ? "plugged in" : "none");
    return 0;
}

static int cmd_power_charge(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    bool on;
    if (strcmp(argv[1], "on") == 0)
        on = true;
    else if (strcmp(argv[1], "off") == 0)
        on = false;
    else
        return bad(sh, "not on or off", argv[1]);
    akira_sim_power_charger_set(on);
    return cmd_power(sh, 1, argv);
}

static int cmd_power_load(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint32_t ma;
    if (parse_num(argv[1], 5000, &ma) != 0) return bad(sh, "not a load in mA (0..5000)", argv[1]);
    akira_sim_power_load_set(AKIRA_SIM_LOAD_EXTRA, ma);
    return cmd_power(sh, 1, argv);
}

AKIRA_SHELL_SUBCMDS(power_sub,
                    AKIRA_SHELL_CMD("charge", "plug the charger in or out", "on|off",
                                    cmd_power_charge, NULL, 1, 1),
                    AKIRA_SHELL_CMD("load", "set an extra load on the battery", "MA",
                                    cmd_power_load, NULL, 1, 1));
AKIRA_SHELL_CMD_REGISTER(power, "power", "battery state; charger and load",
                         "[charge on|off|load MA]", cmd_power, power_sub, 0, 0);

/* --- sim -------------------------------------------------------------------------- */

static const char *const mode_names[] = {"const", "walk", "script"};

static int cmd_sim_signal(struct akira_shell *sh, int argc, char **argv)
{
    if (argc == 1) {
        akira_shell_print(sh, "%-9s %-6s %-6s %12s %10s\n", "SIGNAL", "UNIT", "MODE", "VALUE",
                          "SAMPLES");
        for (int i = 0; i < AKIRA_SIM_SIG_COUNT_; i++) {
            struct akira_sim_signal_info in;
            akira_sim_signal_info((enum akira_sim_signal)i, &in);
            akira_shell_print(sh, "%-9s %-6s %-6s %12.4f %10u\n", in.name, in.unit,
                              mode_names[in.mode], in.value, (unsigned)in.samples);
        }
        return 0;
    }
    int sig = akira_sim_signal_find(argv[1]);
    if (sig < 0) return bad(sh, "no such signal (see 'sim signal')", argv[1]);
    if (argc < 4) return AKIRA_EINVAL;
    double v[AKIRA_SIM_SCRIPT_MAX];
    int nv = argc - 3;
    if (nv > AKIRA_SIM_SCRIPT_MAX) return AKIRA_EINVAL;
    const char *mode = argv[2];
    bool walk = strcmp(mode, "walk") == 0;
    for (int i = 0; i < nv; i++)
        if ((!walk || i > 0) && parse_double(argv[3 + i], &v[i]) != 0)
            return bad(sh, "not a number", argv[3 + i]);
    int rc;
    if (strcmp(mode, "const") == 0 && nv == 1) {
        rc = akira_sim_signal_const((enum akira_sim_signal)sig, v[0]);
    } else if (walk && nv == 3) {
        uint32_t seed;
        if (parse_num(argv[3], UINT32_MAX, &seed) != 0) return bad(sh, "not a seed", argv[3]);
        rc = akira_sim_signal_walk((enum akira_sim_signal)sig, seed, v[1], v[2]);
    } else if (strcmp(mode, "script") == 0) {
        rc = akira_sim_signal_script((enum akira_sim_signal)sig, v, (size_t)nv);
    } else {
        return AKIRA_EINVAL;
    }
    if (rc) {
        struct akira_sim_signal_info in;
        akira_sim_signal_info((enum akira_sim_signal)sig, &in);
        akira_shell_print(sh, "%s: values must be in %g..%g %s (walk step > 0)\n", in.name, in.lo,
                          in.hi, in.unit);
        return rc;
    }
    akira_shell_print(sh, "%s: %s\n", argv[1], mode);
    return 0;
}

static int cmd_sim_advance(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint32_t ms;
    if (parse_num(argv[1], 7u * 24 * 3600 * 1000, &ms) != 0)
        return bad(sh, "not a time in ms (up to a week)", argv[1]);
    akira_sim_power_advance(ms);
    akira_shell_print(sh, "battery model ran %u ms ahead\n", (unsigned)ms);
    return 0;
}

AKIRA_SHELL_SUBCMDS(sim_sub,
                    AKIRA_SHELL_CMD("signal", "list the measured signals, or set one",
                                    "[NAME const V | NAME walk SEED START STEP | NAME script V...]",
                                    cmd_sim_signal, NULL, 0, AKIRA_SHELL_ARGS_ANY),
                    AKIRA_SHELL_CMD("advance", "run the battery model ahead in time", "MS",
                                    cmd_sim_advance, NULL, 1, 1));
AKIRA_SHELL_CMD_REGISTER(sim, "sim", "native_sim bench: sensor signals, battery time",
                         "signal|advance ...", NULL, sim_sub, 0, 0);

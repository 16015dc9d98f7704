/*
 * native_sim simulated peripherals: the bench side of the board's devices.
 *
 * The devices themselves are used through the driver class APIs
 * (akira/drivers/<class>.h): "gpio0", "i2c0" (a BME280 at 0x76, an LSM6DS3 at 0x6A),
 * "uart0" (looped back), "uart1" (a host pty), "mgmt" (a host pty: the management link), "pwm0",
 * "power0", "display0" (a 320x240 RGB565 panel), "input0" (buttons and touch), and the sensor
 * drivers "bme280" and "lsm6ds3" on i2c0. This header is what the outside world does to them: drive
 * input pins, set the physical quantities the sensors measure, plug the charger in, add load; and
 * what it can observe (PWM duty, the pty path). The shell (devices/cmd_hw.c), the tests, and later
 * the HTTP API use it. Any thread may call.
 */
#ifndef AKIRA_SIM_DEVICES_H
#define AKIRA_SIM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/drivers/display.h>

#define AKIRA_SIM_GPIO_PINS    32
#define AKIRA_SIM_PWM_CHANNELS 8
#define AKIRA_SIM_BME280_ADDR  0x76
#define AKIRA_SIM_LSM6DS3_ADDR 0x6A

/* --- gpio0 ---------------------------------------------------------------------- */

#define AKIRA_SIM_GPIO_FLOAT (-1)
/* Drive pin from outside: level 0 or 1, or AKIRA_SIM_GPIO_FLOAT to let go (the pin's
 * pull decides then). Only input pins take their level from outside; an output pin
 * keeps driving its own level. A level change raises the pin's edge interrupt if one
 * is enabled. 0, or AKIRA_EINVAL (pin >= 32, level not 0/1/FLOAT). */
int akira_sim_gpio_drive(unsigned pin, int level);

/* --- physical signals the sensor models measure ---------------------------------- */

enum akira_sim_signal {
    AKIRA_SIM_SIG_TEMP = 0, /* BME280 air temperature, C */
    AKIRA_SIM_SIG_PRESS,    /* BME280 air pressure, Pa */
    AKIRA_SIM_SIG_HUM,      /* BME280 relative humidity, % */
    AKIRA_SIM_SIG_ACCEL_X,  /* LSM6DS3 acceleration, m/s^2 */
    AKIRA_SIM_SIG_ACCEL_Y,
    AKIRA_SIM_SIG_ACCEL_Z,
    AKIRA_SIM_SIG_GYRO_X, /* LSM6DS3 angular rate, dps */
    AKIRA_SIM_SIG_GYRO_Y,
    AKIRA_SIM_SIG_GYRO_Z,
    AKIRA_SIM_SIG_IMU_TEMP, /* LSM6DS3 die temperature, C */
    AKIRA_SIM_SIG_COUNT_
};

enum akira_sim_signal_mode {
    AKIRA_SIM_SIGNAL_CONST = 0, /* always the same value */
    AKIRA_SIM_SIGNAL_WALK,      /* random walk: each sample moves by up to +-step */
    AKIRA_SIM_SIGNAL_SCRIPT,    /* each sample takes the next scripted value; the last repeats */
};

#define AKIRA_SIM_SCRIPT_MAX 16

struct akira_sim_signal_info {
    const char *name; /* "temp", "press", ... */
    const char *unit;
    enum akira_sim_signal_mode mode;
    double value;     /* the latest sample (the start value before any) */
    double lo, hi;    /* physical range (walks and values are kept inside it) */
    double step;      /* walk step */
    uint64_t seed;    /* walk seed */
    uint32_t samples; /* samples taken so far */
};

/* The signal called name, or AKIRA_EINVAL. */
int akira_sim_signal_find(const char *name);
int akira_sim_signal_info(enum akira_sim_signal sig, struct akira_sim_signal_info *out);
/* Each: 0, or AKIRA_EINVAL (bad signal, value outside [lo, hi], step <= 0, n 0 or more
 * than AKIRA_SIM_SCRIPT_MAX). Nothing changes on error. */
int akira_sim_signal_const(enum akira_sim_signal sig, double value);
int akira_sim_signal_walk(enum akira_sim_signal sig, uint64_t seed, double start, double step);
int akira_sim_signal_script(enum akira_sim_signal sig, const double *values, size_t n);

/* --- uart1 ------------------------------------------------------------------------ */

/* The slave side of uart1's pty ("/dev/pts/N"), or NULL when uart1 is not up. */
const char *akira_sim_uart1_pty_path(void);
/* The slave side of the "mgmt" UART's pty (the serial management link), or NULL. */
const char *akira_sim_mgmt_pty_path(void);

/* --- pwm0 ------------------------------------------------------------------------- */

/* The channel's duty cycle in parts per million (0 when off); -1 for a bad channel. */
int32_t akira_sim_pwm_duty_ppm(unsigned channel);

/* --- power0 (battery) --------------------------------------------------------------- */

enum akira_sim_load {
    AKIRA_SIM_LOAD_BASE = 0, /* always-on parts (regulator, RAM): set at boot */
    AKIRA_SIM_LOAD_CPU,      /* the CPU, from the process's CPU use (or set by tests) */
    AKIRA_SIM_LOAD_RADIO,    /* the radio, reported by the radio driver */
    AKIRA_SIM_LOAD_EXTRA,    /* an extra load set from the shell (`power load MA`) */
    AKIRA_SIM_LOAD_COUNT_
};

struct akira_sim_battery_info {
    double soc;    /* state of charge 0..1 */
    double ocv_mv; /* open-circuit voltage from the Li-ion curve */
    double load_ma[AKIRA_SIM_LOAD_COUNT_];
    bool charger;      /* charger plugged in */
    bool cpu_measured; /* CPU load follows the process's CPU time */
    uint32_t capacity_mah;
};

/* Set one load in mA (0..5000): AKIRA_EINVAL otherwise. Setting CPU stops measuring it. */
int akira_sim_power_load_set(enum akira_sim_load which, uint32_t ma);
/* CPU load from the process's CPU time again (the default). */
void akira_sim_power_cpu_measure(bool on);
void akira_sim_power_charger_set(bool plugged);
/* Runs the battery model for sim_ms of simulated time at the present loads (tests,
 * and a shell knob to fast-forward); real time also runs it. */
void akira_sim_power_advance(uint32_t sim_ms);
/* State of charge 0..100 % to start from (tests); AKIRA_EINVAL outside. */
int akira_sim_power_soc_set(double percent);
void akira_sim_power_info(struct akira_sim_battery_info *out);

/* --- display0 ----------------------------------------------------------------------- */

struct akira_sim_display_info {
    uint16_t width, height;
    bool blanked;
    uint8_t brightness;
    uint64_t seq; /* change number: grows by one per write, blanking or brightness change */
};

void akira_sim_display_info(struct akira_sim_display_info *out);

/* Where to send encoded bytes: 0, or an akira_err_t that ends the encoding. */
typedef int (*akira_sim_write_fn)(void *ctx, const void *data, size_t len);

/* The visible picture of area (x, y, w, h) (w or h 0: to the panel's edge) as a PNG (8-bit RGB;
 * black while blanked, scaled by the brightness), in pieces to write. 0, AKIRA_EINVAL (area not on
 * the panel), AKIRA_ENOMEM, or the writer's error. */
int akira_sim_display_png(uint16_t x, uint16_t y, uint16_t w, uint16_t h, akira_sim_write_fn write,
                          void *ctx);
/* The whole picture into a PNG file at host path (removed again on failure). */
int akira_sim_display_snapshot(const char *path);

/* The areas changed after change number since, waiting up to timeout_ms (-1: forever,
 * 0: not at all) for one when there is none yet. Writes up to max areas to out (one
 * whole-panel area when more changed than max or than the panel remembers, or since is
 * not a number it gave out) and the current change number to *now. Returns the count
 * (0: nothing changed in time) or AKIRA_EINVAL. */
int akira_sim_display_changes(uint64_t since, int32_t timeout_ms, struct akira_display_area *out,
                              size_t max, uint64_t *now);

/* --- input0 ------------------------------------------------------------------------- */

/* Press or release one button (enum akira_input_button), as a finger would. 0, or
 * AKIRA_EINVAL (no such button). A press of a held button or a release of a free one
 * changes nothing and queues nothing. */
int akira_sim_input_button(unsigned code, bool pressed);
/* Touch at (x, y) (pressed), or lift the finger (pressed false: x, y ignored, the last
 * point is reported). AKIRA_EINVAL when (x, y) is off the panel. */
int akira_sim_input_touch(int x, int y, bool pressed);

/* One input action in the words the shell, POST /api/input and script files share:
 *   press NAME | release NAME | tap NAME | touch X Y | release | tap X Y
 * (tap: press then release; release alone lifts the touch). 0, or AKIRA_EINVAL with a
 * reason in why. */
int akira_sim_input_apply(const char *line, char *why, size_t why_len);

/* Plays a script file: one action per line, each after a time in ms from the start
 * ("120 press select"); blank lines and # comments skipped. Every line is checked
 * before the first action is played; a bad line gives AKIRA_EINVAL and its number in
 * why. Blocks for the script's duration (until *stop turns true, when given). Returns
 * the number of actions played. */
int akira_sim_input_play(const char *path, const volatile bool *stop, char *why, size_t why_len);

#endif /* AKIRA_SIM_DEVICES_H */

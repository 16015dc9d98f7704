/*
 * native_sim simulated peripherals: the bench side of the board's devices.
 *
 * The devices themselves are used through the driver class APIs
 * (akira/drivers/<class>.h): "gpio0", "i2c0" (a BME280 at 0x76, an LSM6DS3 at 0x6A),
 * "uart0" (looped back), "uart1" (a host pty), "mgmt" (a host pty: the management link), "pwm0",
 * "power0", and the sensor drivers "bme280" and "lsm6ds3" on i2c0. This header is what the outside
 * world does to them: drive input pins, set the physical quantities the sensors measure, plug the
 * charger in, add load; and what it can observe (PWM duty, the pty path). The shell
 * (devices/cmd_hw.c), the tests, and later the HTTP API use it. Any thread may call.
 */
#ifndef AKIRA_SIM_DEVICES_H
#define AKIRA_SIM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif /* AKIRA_SIM_DEVICES_H */

/*
 * native_sim "power0": a single Li-ion cell and its charger.
 *
 * The cell: capacity AKIRA_SIM_BATTERY_MAH, open-circuit voltage from the state of
 * charge by a typical Li-ion curve (3.0 V empty .. 4.2 V full, the flat plateau around
 * 3.7-3.9 V), internal resistance R. Discharging, the terminal voltage is
 * OCV - I*R with I the sum of the loads (always-on base, CPU, radio, shell extra), so
 * it drops at once when a load starts and keeps falling as the charge drains.
 * Charging (charger plugged in): constant current until the terminal voltage reaches
 * 4.2 V, then constant voltage with the current tapering; below the termination
 * current the charger stops and the state is FULL. While the charger is plugged in it
 * also feeds the loads.
 *
 * Time: the model integrates over real uptime each time it is read (the CPU load
 * comes from the process's CPU time over that interval), and tests fast-forward it
 * with akira_sim_power_advance. Light sleep blocks the caller and counts as idle CPU.
 */
#include <math.h>
#include <pthread.h>
#include <time.h>

#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/power.h>
#include <akira/err.h>
#include <akira/thread.h>

#include "sim.h"

#define CAPACITY_MAH   1200.0
#define R_INTERNAL_OHM 0.15
#define V_CHARGE_MV    4200.0
#define I_CHARGE_MA    500.0 /* constant-current phase (about C/2) */
#define I_TERM_MA      30.0  /* charge termination (C/40) */
#define BASE_MA        12.0  /* regulator, RAM, always-on peripherals */
#define CPU_IDLE_MA    2.0
#define CPU_ACTIVE_MA  60.0 /* one core fully busy */
#define MAX_LOAD_MA    5000u

/* Open-circuit voltage (mV) at 0, 5, ..., 100 % state of charge. */
static const double ocv_curve[21] = {3000, 3300, 3450, 3550, 3620, 3670, 3710,
                                     3740, 3765, 3785, 3805, 3825, 3850, 3880,
                                     3915, 3955, 3995, 4040, 4085, 4140, 4200};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    double soc; /* 0..1 */
    double load_ma[AKIRA_SIM_LOAD_COUNT_];
    bool charger, full, cpu_measured;
    uint64_t last_us;
    double last_cpu_s;
    unsigned sleepers;
} b = {.soc = 0.85, .load_ma = {BASE_MA, CPU_IDLE_MA, 0, 0}, .cpu_measured = true};

static double ocv_mv(double soc)
{
    if (soc <= 0) return ocv_curve[0];
    if (soc >= 1) return ocv_curve[20];
    double x = soc * 20;
    int i = (int)x;
    return ocv_curve[i] + (ocv_curve[i + 1] - ocv_curve[i]) * (x - i);
}

static double total_load_locked(void)
{
    double s = 0;
    for (int i = 0; i < AKIRA_SIM_LOAD_COUNT_; i++)
        s += b.load_ma[i];
    return s;
}

/* Current into the cell (mA, > 0 charging) at the present state. */
static double cell_current_locked(void)
{
    if (!b.charger) return -total_load_locked();
    if (b.full) return 0;
    double cv = (V_CHARGE_MV - ocv_mv(b.soc)) / R_INTERNAL_OHM; /* mV / ohm = mA */
    return cv < I_CHARGE_MA ? (cv > 0 ? cv : 0) : I_CHARGE_MA;
}

/* Runs the model for dt_s seconds in steps short enough to follow the curve. */
static void step_locked(double dt_s)
{
    while (dt_s > 0) {
        double h = dt_s > 10 ? 10 : dt_s;
        double i = cell_current_locked();
        b.soc += i * h / 3600.0 / CAPACITY_MAH;
        if (b.soc > 1) b.soc = 1;
        if (b.soc < 0) b.soc = 0;
        if (b.charger && !b.full && cell_current_locked() < I_TERM_MA) b.full = true;
        dt_s -= h;
    }
}

static double process_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Catches the model up with real time; lock held. */
static void sync_locked(void)
{
    uint64_t now = akira_uptime_us();
    double cpu = process_cpu_s();
    if (b.last_us == 0) {
        b.last_us = now;
        b.last_cpu_s = cpu;
        return;
    }
    double dt = (double)(now - b.last_us) / 1e6;
    if (b.cpu_measured && dt > 0.05) {
        double busy = (cpu - b.last_cpu_s) / dt; /* cores busy on average */
        if (busy < 0) busy = 0;
        if (busy > 2) busy = 2;
        b.load_ma[AKIRA_SIM_LOAD_CPU] =
            b.sleepers ? CPU_IDLE_MA : CPU_IDLE_MA + (CPU_ACTIVE_MA - CPU_IDLE_MA) * busy;
    }
    if (dt > 0.05 || !b.cpu_measured) {
        step_locked(dt);
        b.last_us = now;
        b.last_cpu_s = cpu;
    }
}

static int power_battery_get(const struct akira_device *dev, struct akira_power_battery *out)
{
    (void)dev;
    if (!out) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    sync_locked();
    double i = cell_current_locked();
    double v = ocv_mv(b.soc) + i * R_INTERNAL_OHM;
    out->voltage_mv = (uint32_t)lround(v < 0 ? 0 : v);
    out->percent = (uint8_t)lround(b.soc * 100);
    out->current_ma = (int32_t)lround(i);
    out->state = !b.charger ? AKIRA_POWER_DISCHARGING
                 : b.full   ? AKIRA_POWER_FULL
                            : AKIRA_POWER_CHARGING;
    pthread_mutex_unlock(&lock);
    return 0;
}

static int power_sleep(const struct akira_device *dev, enum akira_power_sleep_mode mode,
                       uint32_t ms)
{
    (void)dev;
    if (ms == 0 || (unsigned)mode > AKIRA_POWER_SLEEP_DEEP) return AKIRA_EINVAL;
    /* Deep sleep ends in a reset; native_sim has no RTC domain to survive it. */
    if (mode != AKIRA_POWER_SLEEP_LIGHT) return AKIRA_ENOTSUP;
    pthread_mutex_lock(&lock);
    sync_locked();
    b.sleepers++;
    pthread_mutex_unlock(&lock);
    akira_sleep_ms(ms);
    pthread_mutex_lock(&lock);
    sync_locked();
    b.sleepers--;
    pthread_mutex_unlock(&lock);
    return 0;
}

int akira_sim_power_load_set(enum akira_sim_load which, uint32_t ma)
{
    if ((unsigned)which >= AKIRA_SIM_LOAD_COUNT_ || ma > MAX_LOAD_MA) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    sync_locked();
    b.load_ma[which] = ma;
    if (which == AKIRA_SIM_LOAD_CPU) b.cpu_measured = false;
    pthread_mutex_unlock(&lock);
    return 0;
}

void akira_sim_power_cpu_measure(bool on)
{
    pthread_mutex_lock(&lock);
    sync_locked();
    b.cpu_measured = on;
    pthread_mutex_unlock(&lock);
}

void akira_sim_power_charger_set(bool plugged)
{
    pthread_mutex_lock(&lock);
    sync_locked();
    b.charger = plugged;
    b.full = false; /* a charger (re)plugged starts a new charge cycle */
    pthread_mutex_unlock(&lock);
}

void akira_sim_power_advance(uint32_t sim_ms)
{
    pthread_mutex_lock(&lock);
    sync_locked();
    step_locked(sim_ms / 1000.0);
    pthread_mutex_unlock(&lock);
}

int akira_sim_power_soc_set(double percent)
{
    if (!(percent >= 0 && percent <= 100)) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    sync_locked();
    b.soc = percent / 100.0;
    b.full = false;
    pthread_mutex_unlock(&lock);
    return 0;
}

void akira_sim_power_info(struct akira_sim_battery_info *out)
{
    pthread_mutex_lock(&lock);
    sync_locked();
    out->soc = b.soc;
    out->ocv_mv = ocv_mv(b.soc);
    for (int i = 0; i < AKIRA_SIM_LOAD_COUNT_; i++)
        out->load_ma[i] = b.load_ma[i];
    out->charger = b.charger;
    out->cpu_measured = b.cpu_measured;
    out->capacity_mah = (uint32_t)CAPACITY_MAH;
    pthread_mutex_unlock(&lock);
}

static const struct akira_power_api power_api = {
    .battery_get = power_battery_get,
    .sleep_request = power_sleep,
};

AKIRA_DRIVER_DEFINE(native_sim_power0, AKIRA_DRIVER_POWER, "power0", NULL, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &power_api);

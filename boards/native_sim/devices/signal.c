/*
 * The physical world the sensor models measure: one signal per quantity, constant,
 * a seeded random walk, or a script of values. Walks step once per sample, not per
 * unit of time, so a test that knows the seed and the number of samples knows every
 * value.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include <akira/err.h>

#include "sim.h"

struct signal {
    const char *name, *unit;
    double lo, hi;
    enum akira_sim_signal_mode mode;
    double value, step;
    uint64_t seed, rng;
    double script[AKIRA_SIM_SCRIPT_MAX];
    size_t script_n, script_i;
    uint32_t samples;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Boot defaults: gentle walks around indoor conditions, the board lying flat (1 g on
 * Z), still. */
#define WALK(n, u, lo_, hi_, v, st, sd)                                                            \
    {                                                                                              \
        .name = n, .unit = u, .lo = lo_, .hi = hi_, .mode = AKIRA_SIM_SIGNAL_WALK, .value = v,     \
        .step = st, .seed = sd, .rng = sd                                                          \
    }
static struct signal sigs[AKIRA_SIM_SIG_COUNT_] = {
    [AKIRA_SIM_SIG_TEMP] = WALK("temp", "C", -40, 85, 22.0, 0.05, 1),
    [AKIRA_SIM_SIG_PRESS] = WALK("press", "Pa", 30000, 110000, 101325, 5, 2),
    [AKIRA_SIM_SIG_HUM] = WALK("hum", "%", 0, 100, 45.0, 0.2, 3),
    [AKIRA_SIM_SIG_ACCEL_X] = WALK("accel_x", "m/s2", -156.9, 156.9, 0.0, 0.01, 4),
    [AKIRA_SIM_SIG_ACCEL_Y] = WALK("accel_y", "m/s2", -156.9, 156.9, 0.0, 0.01, 5),
    [AKIRA_SIM_SIG_ACCEL_Z] = WALK("accel_z", "m/s2", -156.9, 156.9, 9.80665, 0.01, 6),
    [AKIRA_SIM_SIG_GYRO_X] = WALK("gyro_x", "dps", -2000, 2000, 0.0, 0.1, 7),
    [AKIRA_SIM_SIG_GYRO_Y] = WALK("gyro_y", "dps", -2000, 2000, 0.0, 0.1, 8),
    [AKIRA_SIM_SIG_GYRO_Z] = WALK("gyro_z", "dps", -2000, 2000, 0.0, 0.1, 9),
    [AKIRA_SIM_SIG_IMU_TEMP] = WALK("imu_temp", "C", -40, 85, 27.0, 0.02, 10),
};

/* splitmix64: small, seedable with any value (0 included), good enough for noise. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double sim_signal_sample(enum akira_sim_signal sig)
{
    if ((unsigned)sig >= AKIRA_SIM_SIG_COUNT_) return 0.0;
    pthread_mutex_lock(&lock);
    struct signal *s = &sigs[sig];
    if (s->mode == AKIRA_SIM_SIGNAL_WALK) {
        double u = (double)(next_rand(&s->rng) >> 11) / 9007199254740992.0; /* [0, 1) */
        double v = s->value + (2.0 * u - 1.0) * s->step;
        /* reflect at the range ends so the walk stays inside */
        if (v > s->hi) v = 2 * s->hi - v;
        if (v < s->lo) v = 2 * s->lo - v;
        s->value = v;
    } else if (s->mode == AKIRA_SIM_SIGNAL_SCRIPT) {
        s->value = s->script[s->script_i];
        if (s->script_i + 1 < s->script_n) s->script_i++;
    }
    s->samples++;
    double v = s->value;
    pthread_mutex_unlock(&lock);
    return v;
}

int akira_sim_signal_find(const char *name)
{
    if (!name) return AKIRA_EINVAL;
    for (int i = 0; i < AKIRA_SIM_SIG_COUNT_; i++)
        if (strcmp(sigs[i].name, name) == 0) return i;
    return AKIRA_EINVAL;
}

int akira_sim_signal_info(enum akira_sim_signal sig, struct akira_sim_signal_info *out)
{
    if ((unsigned)sig >= AKIRA_SIM_SIG_COUNT_ || !out) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    const struct signal *s = &sigs[sig];
    *out = (struct akira_sim_signal_info){.name = s->name,
                                          .unit = s->unit,
                                          .mode = s->mode,
                                          .value = s->value,
                                          .lo = s->lo,
                                          .hi = s->hi,
                                          .step = s->step,
                                          .seed = s->seed,
                                          .samples = s->samples};
    pthread_mutex_unlock(&lock);
    return 0;
}

static bool in_range(const struct signal *s, double v)
{
    return isfinite(v) && v >= s->lo && v <= s->hi;
}

int akira_sim_signal_const(enum akira_sim_signal sig, double value)
{
    if ((unsigned)sig >= AKIRA_SIM_SIG_COUNT_ || !in_range(&sigs[sig], value)) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    sigs[sig].mode = AKIRA_SIM_SIGNAL_CONST;
    sigs[sig].value = value;
    pthread_mutex_unlock(&lock);
    return 0;
}

int akira_sim_signal_walk(enum akira_sim_signal sig, uint64_t seed, double start, double step)
{
    if ((unsigned)sig >= AKIRA_SIM_SIG_COUNT_ || !in_range(&sigs[sig], start) || !isfinite(step) ||
        step <= 0 || step > sigs[sig].hi - sigs[sig].lo)
        return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    struct signal *s = &sigs[sig];
    s->mode = AKIRA_SIM_SIGNAL_WALK;
    s->value = start;
    s->step = step;
    s->seed = s->rng = seed;
    pthread_mutex_unlock(&lock);
    return 0;
}

int akira_sim_signal_script(enum akira_sim_signal sig, const double *values, size_t n)
{
    if ((unsigned)sig >= AKIRA_SIM_SIG_COUNT_ || !values || n == 0 || n > AKIRA_SIM_SCRIPT_MAX)
        return AKIRA_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!in_range(&sigs[sig], values[i])) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    struct signal *s = &sigs[sig];
    s->mode = AKIRA_SIM_SIGNAL_SCRIPT;
    memcpy(s->script, values, n * sizeof(*values));
    s->script_n = n;
    s->script_i = 0;
    pthread_mutex_unlock(&lock);
    return 0;
}

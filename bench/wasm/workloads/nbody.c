/* nbody: double-precision float math - a five-body gravity simulation (sqrt, mul, add,
 * division), with its total energy as the checksum. */
#include "bench.h"

#define PI          3.141592653589793
#define SOLAR_MASS  (4 * PI * PI)
#define DAYS_PER_YR 365.24
#define NBODIES     5

typedef struct body {
    double x, y, z, vx, vy, vz, mass;
} body;

static const body initial[NBODIES] = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YR, 7.69901118419740425e-03 * DAYS_PER_YR,
     -6.90460016972063023e-05 * DAYS_PER_YR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YR, 4.99852801234917238e-03 * DAYS_PER_YR,
     2.30417297573763929e-05 * DAYS_PER_YR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YR, 2.37847173959480950e-03 * DAYS_PER_YR,
     -2.96589568540237556e-05 * DAYS_PER_YR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YR, 1.62824170038242295e-03 * DAYS_PER_YR,
     -9.51592254519715870e-05 * DAYS_PER_YR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static body bodies[NBODIES];

static void advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        body *bi = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            body *bj = &bodies[j];
            double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * __builtin_sqrt(d2));
            bi->vx -= dx * bj->mass * mag;
            bi->vy -= dy * bj->mass * mag;
            bi->vz -= dz * bj->mass * mag;
            bj->vx += dx * bi->mass * mag;
            bj->vy += dy * bi->mass * mag;
            bj->vz += dz * bi->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NBODIES; i++) {
        const body *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
            e -= b->mass * bodies[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

uint32_t bench(void)
{
    for (int i = 0; i < NBODIES; i++)
        bodies[i] = initial[i];
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++) {
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    bodies[0].vx = -px / SOLAR_MASS;
    bodies[0].vy = -py / SOLAR_MASS;
    bodies[0].vz = -pz / SOLAR_MASS;
    for (int s = 0; s < 250000; s++)
        advance(0.01);
    /* 9 significant digits survive any reassociation the compilers do not do anyway */
    return (uint32_t)(int64_t)(-energy() * 1e9);
}

/*
 * Benchmark helper: one app instance bound to the native bridge without the app
 * manager (its quota, event queue, log and context), so a benchmark can call its
 * exports directly and time native calls. Used by bench_bridge.c (host) and by the
 * mps2_an386 on-target image (bench/mcu/bench_main.c).
 */
#ifndef BENCH_BRIDGE_RIG_H
#define BENCH_BRIDGE_RIG_H

#include <stdint.h>

#include <akira/app_log.h>
#include <akira/bridge.h>
#include <akira/event.h>
#include <akira/quota.h>

struct bench_rig {
    struct akira_quota quota;
    struct akira_evq evq;
    struct akira_app_log log;
    struct akira_app_ctx ctx;
    aw_module *mod;
    aw_store *store;
    aw_instance *inst;
    const uint8_t *bytes; /* the module, read from memory */
    uint32_t size;
};

/* Load the module (capability "memory" granted, 1 MiB quota, 2048 operand slots),
 * bind its imports through the bridge and instantiate it. 0 or -1. */
int bench_rig_up(struct bench_rig *r, const uint8_t *module, uint32_t size);
void bench_rig_down(struct bench_rig *r);

#endif

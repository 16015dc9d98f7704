/* Benchmark helper: an app instance on the bridge without the manager (bridge_rig.h). */
#include <string.h>

#include "bridge_rig.h"

static int rig_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct bench_rig *r = ctx;
    if (off > r->size || len > r->size - off) return -1;
    memcpy(buf, r->bytes + off, len);
    return 0;
}

int bench_rig_up(struct bench_rig *r, const uint8_t *module, uint32_t size)
{
    memset(r, 0, sizeof(*r));
    r->bytes = module;
    r->size = size;
    akira_quota_init(&r->quota, 1u << 20, NULL);
    if (akira_evq_init(&r->evq) || akira_app_log_init(&r->log)) return -1;
    r->ctx.name = "bench";
    atomic_store(&r->ctx.caps, AKIRA_CAP_MEMORY);
    r->ctx.quota = &r->quota;
    r->ctx.evq = &r->evq;
    r->ctx.log = &r->log;
    aw_config cfg = {.realloc = akira_quota_realloc, .alloc_ctx = &r->quota, .stack_slots = 2048};
    aw_error err;
    r->mod = aw_module_load(&cfg, rig_read, r, size, &err);
    r->store = r->mod ? aw_store_new(&cfg) : NULL;
    if (!r->store) return -1;
    r->ctx.store = r->store;
    aw_import *imp;
    uint32_t n;
    char why[96];
    if (akira_bridge_bind(&r->ctx, r->mod, &imp, &n, why, sizeof(why)) != 0) return -1;
    r->inst = aw_instantiate(r->store, r->mod, imp, n, &err);
    akira_bridge_imports_free(&r->ctx, imp, n);
    if (!r->inst) return -1;
    r->ctx.inst = r->inst;
    r->ctx.mem = aw_instance_memory(r->inst, 0);
    return 0;
}

void bench_rig_down(struct bench_rig *r)
{
    akira_bridge_unbind(&r->ctx);
    aw_store_delete(r->store);
    aw_module_delete(r->mod);
    akira_evq_deinit(&r->evq);
    akira_app_log_deinit(&r->log);
}

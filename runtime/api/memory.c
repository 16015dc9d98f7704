/*
 * API module "memory": the app heap (akira/app_heap.h), capability "memory".
 *
 *   mem_alloc(size i32) -> i32    app address of a block (32-byte aligned) | 0 when the
 *                                 heap (heap_size, charged to memory_quota) has no room
 *   mem_free(ptr i32) -> i32      0 | EINVAL (not a live block: nothing changes)
 *   mem_used() -> i32             bytes in blocks now
 *
 * Without the capability each call returns EACCES (-9), which is not a valid address.
 */
#include <akira/bridge.h>
#include <akira/err.h>

static aw_status api_mem_alloc(struct akira_app_ctx *app, aw_val *io)
{
    io[0].u32 = akira_app_heap_alloc(&app->heap, io[0].u32);
    return AW_OK;
}

static aw_status api_mem_free(struct akira_app_ctx *app, aw_val *io)
{
    io[0].i32 = akira_app_heap_free(&app->heap, io[0].u32);
    return AW_OK;
}

static aw_status api_mem_used(struct akira_app_ctx *app, aw_val *io)
{
    io[0].u32 = app->heap.used;
    return AW_OK;
}

static const struct akira_bridge_entry entries[] = {
    {"mem_alloc", "(i)i", AKIRA_CAP_MEMORY, api_mem_alloc},
    {"mem_free", "(i)i", AKIRA_CAP_MEMORY, api_mem_free},
    {"mem_used", "()i", AKIRA_CAP_MEMORY, api_mem_used},
};

const struct akira_bridge_module akira_api_memory = {
    .name = "memory",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

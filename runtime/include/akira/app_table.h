/*
 * Per-app state tables of the API modules (runtime/api/ and connectivity/src/): a
 * fixed array of slots owned by the module (static: one pointer per slot, typically
 * AKIRA_BOARD_APPS_RUNNING_MAX of them), each NULL or the state of one running app. A
 * state comes from the app's memory_quota at the app's first call that needs it and is
 * given back when the app ends, so an app that never calls the module costs nothing but
 * its slot.
 *
 * Contract for the caller:
 * - every state in a table is a block of `size` bytes whose first member is
 *   `struct akira_app_ctx *app` (its owner; set here, zero-filled otherwise);
 * - a table holds at most one state per app (akira_app_table_get never makes a second);
 * - the caller serialises every call on one table (its module's lock) and keeps the
 *   state alive while it uses it;
 * - the codes below are the runtime's; a module whose ABI has others maps them.
 */
#ifndef AKIRA_APP_TABLE_H
#define AKIRA_APP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <akira/bridge.h>

/* Checks at build time that `type` may be a table's state (its first member is app). */
#define AKIRA_APP_TABLE_STATE(type)                                                                \
    _Static_assert(offsetof(type, app) == 0, #type " begins with its app")

/* app's state in table[0..n), or, when make and it has none, a new one (size bytes from
 * its quota, zeroed, app set) in the first free slot. NULL with *rc = AKIRA_ENOENT (none
 * and !make), AKIRA_ENOSPC (no free slot) or AKIRA_EQUOTA (the quota or the pool said
 * no); *rc = 0 with a state. */
void *akira_app_table_get(void **table, size_t n, struct akira_app_ctx *app, size_t size, bool make,
                          int *rc);

/* Take app's state out of the table (its slot is free again): the state, which the caller
 * gives back to app->quota (akira_quota_realloc(app->quota, s, size, 0)) once done with
 * it, or NULL when the app has none. */
void *akira_app_table_take(void **table, size_t n, struct akira_app_ctx *app);

/* Take app's state out and give its size bytes back to app->quota (at the app's end). */
void akira_app_table_release(void **table, size_t n, struct akira_app_ctx *app, size_t size);

#endif /* AKIRA_APP_TABLE_H */

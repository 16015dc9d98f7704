/* Per-app state tables of the API modules (akira/app_table.h). */
#include <string.h>

#include <akira/app_table.h>
#include <akira/err.h>
#include <akira/quota.h>

/* The owner of a state: its first member (the contract). */
static struct akira_app_ctx *owner(const void *state)
{
    struct akira_app_ctx *app;
    memcpy(&app, state, sizeof(app));
    return app;
}

void *akira_app_table_get(void **table, size_t n, struct akira_app_ctx *app, size_t size, bool make,
                          int *rc)
{
    void **free_slot = NULL;
    for (size_t i = 0; i < n; i++) {
        if (table[i] && owner(table[i]) == app) {
            *rc = 0;
            return table[i];
        }
        if (!table[i] && !free_slot) free_slot = &table[i];
    }
    *rc = AKIRA_ENOENT;
    if (!make) return NULL;
    *rc = AKIRA_ENOSPC;
    if (!free_slot) return NULL;
    void *s = akira_quota_realloc(app->quota, NULL, 0, size);
    *rc = AKIRA_EQUOTA;
    if (!s) return NULL;
    memset(s, 0, size);
    memcpy(s, &app, sizeof(app));
    *free_slot = s;
    *rc = 0;
    return s;
}

void *akira_app_table_take(void **table, size_t n, struct akira_app_ctx *app)
{
    for (size_t i = 0; i < n; i++) {
        if (table[i] && owner(table[i]) == app) {
            void *s = table[i];
            table[i] = NULL;
            return s;
        }
    }
    return NULL;
}

void akira_app_table_release(void **table, size_t n, struct akira_app_ctx *app, size_t size)
{
    void *s = akira_app_table_take(table, n, app);
    if (s) akira_quota_realloc(app->quota, s, size, 0);
}

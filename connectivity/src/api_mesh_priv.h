/*
 * Private to the mesh API modules (connectivity/src/api_mesh.c, and compat_mesh.c:
 * upstream AkiraOS's `mesh_*` of import module "env"): the mesh module's per-app
 * session on host pointers (the caller checked them), with the same manifest check of
 * the topic, queue and end as the mesh natives. Not a public header.
 */
#ifndef AKIRA_API_MESH_PRIV_H
#define AKIRA_API_MESH_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <akira/bridge.h>

#define AKIRA_MESH_API_INFO_LEN 40u /* mesh_recv's info: origin u16 at 0, hops u8 at 2 */

/* Subscribes the app to topic t (mesh_subscribe): its id 1..4, or AKIRA_EACCES (not in
 * mesh_topics), AKIRA_EEXIST, AKIRA_ENOSPC, AKIRA_EQUOTA, AKIRA_EINVAL. */
int akira_mesh_api_join(struct akira_app_ctx *app, const char *t, size_t len);
/* Sends data on topic t to dst (0xFFFF: everyone) as mesh_send: its sequence number
 * (unicast), 0 (broadcast) or mesh_send's errors. */
int akira_mesh_api_post(struct akira_app_ctx *app, uint32_t dst, const char *t, size_t tlen,
                        const uint8_t *data, size_t len);
/* The oldest queued message into buf (mesh_recv): its length, AKIRA_EAGAIN (none) or
 * AKIRA_ERANGE (cap too small: it stays); info gets AKIRA_MESH_API_INFO_LEN bytes. */
int akira_mesh_api_take(struct akira_app_ctx *app, uint8_t *buf, size_t cap, uint8_t *info);
/* Ends the app's session: its subscriptions and queue go (as at its end). */
void akira_mesh_api_leave(struct akira_app_ctx *app);

/* The env module (compat_mesh.c), registered with the mesh module. */
extern const struct akira_bridge_module akira_compat_mesh_module;

#endif /* AKIRA_API_MESH_PRIV_H */

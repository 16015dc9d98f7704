/*
 * API module "compat_ipc": upstream AkiraOS's msg_* ("env" import module,
 * akira/compat.h, docs/compat.md) over our IPC module (runtime/api/ipc.c, whose natives
 * do the work: the same rings, limits and manifest lists), addressed by topic name as
 * upstream does, and the "akira.lifecycle" topic: every state change of an app is
 * published there as upstream's {char name[32]; int32 state} (36 bytes).
 */
#include <akira/app_ipc.h>

#include "compat_priv.h"

#define LIFECYCLE "akira.lifecycle"
#define POLL_MS   10u

/* The topic argument (`$`): trap outside memory, -EINVAL when not a topic. */
static const char *topic_arg(struct akira_app_ctx *app, uint32_t ptr, size_t *len)
{
    return akira_bridge_cstr(app, ptr, AKIRA_IPC_TOPIC_MAX + 1u, len);
}

/* The app's subscription for topic: its slot index, or -1. */
static int find_sub(struct akira_compat_app *s, const char *topic)
{
    for (int i = 0; i < (int)AKIRA_IPC_SUBS_PER_APP; i++)
        if (s->sub_id[i] && strcmp(s->sub_topic[i], topic) == 0) return i;
    return -1;
}

static void lifecycle(const char *name, enum akira_app_state st);

static aw_status up_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *e;
    uint32_t ptr = io[0].u32;
    size_t len;
    const char *t = topic_arg(app, ptr, &len);
    if (!t) {
        if (!akira_bridge_cstr(app, ptr, UINT32_MAX - 1u, &len)) return compat_oob(app);
        return hw_ret(io, -AKIRA_UP_EINVAL); /* longer than a topic */
    }
    COMPAT_REQUIRE(app, io, UPBIT(IPC), "msg_subscribe");
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    if (find_sub(s, t) >= 0) return hw_ret(io, 0); /* already: as upstream, not an error */
    akira_appmgr_state_hook_set(lifecycle);
    aw_val a[2] = {{.u32 = ptr}, {.u32 = (uint32_t)len}};
    int32_t rc;
    aw_status st = compat_call(app, "ipc_subscribe", &e, a, &rc);
    if (st != AW_OK) return st;
    if (rc < 0) return compat_ret(io, rc);
    for (int i = 0; i < (int)AKIRA_IPC_SUBS_PER_APP; i++)
        if (!s->sub_id[i]) {
            s->sub_id[i] = (uint32_t)rc;
            memcpy(s->sub_topic[i], t, len + 1);
            break;
        }
    return hw_ret(io, 0);
}

static aw_status up_unsubscribe(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *e;
    size_t len;
    const char *t = topic_arg(app, io[0].u32, &len);
    if (!t)
        return akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)
                   ? hw_ret(io, -AKIRA_UP_ENOENT)
                   : compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(IPC), "msg_unsubscribe");
    struct akira_compat_app *s = compat_state(app);
    int i = s ? find_sub(s, t) : -1;
    if (i < 0) return hw_ret(io, -AKIRA_UP_ENOENT);
    aw_val a[1] = {{.u32 = s->sub_id[i]}};
    int32_t rc;
    aw_status st = compat_call(app, "ipc_unsubscribe", &e, a, &rc);
    s->sub_id[i] = 0;
    if (st != AW_OK) return st;
    return compat_ret(io, rc);
}

static aw_status up_publish(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *e;
    uint32_t tp = io[0].u32, dp = io[1].u32, dl = io[2].u32;
    size_t len;
    const char *t = topic_arg(app, tp, &len);
    if (!t && !akira_bridge_cstr(app, tp, UINT32_MAX - 1u, &len)) return compat_oob(app);
    if (dl && !akira_bridge_mem(app, dp, dl)) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(IPC), "msg_publish");
    if (!t) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (dl == 0 || dl > AKIRA_IPC_COMPAT_MSG_MAX) return hw_ret(io, -AKIRA_UP_EMSGSIZE);
    aw_val a[4] = {{.u32 = tp}, {.u32 = (uint32_t)len}, {.u32 = dp}, {.u32 = dl}};
    int32_t rc;
    aw_status st = compat_call(app, "ipc_publish", &e, a, &rc);
    if (st != AW_OK) return st;
    return compat_ret(io, rc);
}

/* msg_recv and msg_try_recv: bytes copied, -EAGAIN when nothing came in time. */
static aw_status recv_common(struct akira_app_ctx *app, aw_val *io, int32_t timeout_ms)
{
    static const struct akira_bridge_entry *e;
    uint32_t bp = io[1].u32, bl = io[2].u32;
    size_t len;
    const char *t = topic_arg(app, io[0].u32, &len);
    if (!t && !akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) return compat_oob(app);
    if (bl && !akira_bridge_mem(app, bp, bl)) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(IPC), "msg_recv");
    struct akira_compat_app *s = compat_state(app);
    int i = s && t ? find_sub(s, t) : -1;
    if (i < 0) return hw_ret(io, -AKIRA_UP_ENOENT);
    uint64_t end = akira_uptime_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        aw_val a[3] = {{.u32 = s->sub_id[i]}, {.u32 = bp}, {.u32 = bl}};
        int32_t rc;
        aw_status st = compat_call(app, "ipc_recv", &e, a, &rc);
        if (st != AW_OK) return st;
        if (rc != AKIRA_EAGAIN)
            return rc == AKIRA_ERANGE ? hw_ret(io, -AKIRA_UP_EMSGSIZE) : compat_ret(io, rc);
        if (timeout_ms == 0 || (timeout_ms > 0 && akira_uptime_ms() >= end))
            return hw_ret(io, -AKIRA_UP_EAGAIN);
        akira_bridge_wait_begin(app);
        akira_evq_sleep(app->evq, POLL_MS);
        st = akira_bridge_wait_end(app);
        if (st != AW_OK) return st;
        if (atomic_load(&app->stopping)) return hw_ret(io, -AKIRA_UP_EAGAIN);
    }
}

COMPAT_WRAP(up_recv, recv_common, io[3].i32)
COMPAT_WRAP(up_try_recv, recv_common, 0)

static aw_status up_pending(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    const char *t = topic_arg(app, io[0].u32, &len);
    if (!t && !akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(IPC), "msg_pending");
    struct akira_compat_app *s = compat_state(app);
    int i = s && t ? find_sub(s, t) : -1;
    if (i < 0) return hw_ret(io, -AKIRA_UP_ENOENT);
    struct akira_ipc_sub_info subs[AKIRA_IPC_SUBS_MAX];
    size_t n = akira_ipc_list(subs, AKIRA_IPC_SUBS_MAX);
    for (size_t k = 0; k < n && k < AKIRA_IPC_SUBS_MAX; k++)
        if (subs[k].id == s->sub_id[i] && strcmp(subs[k].app, app->name) == 0)
            return hw_ret(io, (int32_t)subs[k].queued);
    return hw_ret(io, 0);
}

/* Upstream's lifecycle message for a state change of any app (published by the app
 * manager's state hook; nobody listening costs one lookup). */
static void lifecycle(const char *name, enum akira_app_state st)
{
    static const int32_t up[] = {
        [AKIRA_APP_INSTALLED] = 1, [AKIRA_APP_LOADED] = 2, [AKIRA_APP_RUNNING] = 2,
        [AKIRA_APP_STOPPED] = 3,   [AKIRA_APP_FAILED] = 5,
    };
    uint8_t msg[36] = {0};
    size_t n = strnlen(name, 31);
    memcpy(msg, name, n);
    hw_put_u32(msg + 32, (uint32_t)up[st]);
    (void)akira_ipc_publish(LIFECYCLE, msg, sizeof msg);
}

static const struct akira_bridge_entry entries[] = {
    {"msg_subscribe", "(i)i", AKIRA_CAP_IPC, up_subscribe},
    {"msg_unsubscribe", "(i)i", AKIRA_CAP_IPC, up_unsubscribe},
    {"msg_publish", "(iii)i", AKIRA_CAP_IPC, up_publish},
    {"msg_recv", "(iiii)i", AKIRA_CAP_IPC, up_recv},
    {"msg_try_recv", "(iii)i", AKIRA_CAP_IPC, up_try_recv},
    {"msg_pending", "(i)i", AKIRA_CAP_IPC, up_pending},
};

const struct akira_bridge_module akira_api_compat_ipc = {
    .name = "compat_ipc",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

/*
 * AkiraOS app SDK - module "ipc": publish/subscribe topics between apps, capability
 * "ipc". Without it every call returns AKIRA_EACCES.
 *
 * Topics are names of 1..31 bytes of [a-z0-9_-.] in segments joined by '/', e.g.
 * "sensor/temp" (no leading, trailing or double '/'). Messages are 0..128 bytes,
 * copied: the sender's buffer is free again when publish returns.
 *
 * Receiving: subscribe gives a subscription id; each message queued for it posts an
 * AKIRA_EVENT_IPC {a = subscription id, b = length} event (akira/lifecycle.h). The
 * message itself waits in the subscription's own queue of 8; take it with
 * akira_ipc_recv. An event may be dropped when the event queue is full while its
 * message is still waiting, so on any IPC event read until AKIRA_EAGAIN. When the
 * subscription's queue is full a new message is dropped for this app alone and
 * counted (akira_ipc_dropped, shell `ipc`): a publisher never waits for a slow app.
 *
 * At most 4 subscriptions per app (16 in the system); each costs about 1.1 KiB of the
 * app's memory_quota. Subscriptions end when the app stops.
 */
#ifndef AKIRA_SDK_IPC_H
#define AKIRA_SDK_IPC_H

#include <akira/common.h>

#define AKIRA_IPC_TOPIC_MAX 31
#define AKIRA_IPC_MSG_MAX   128

/* Subscribe to topic[0..len): the subscription id (1..4), AKIRA_EINVAL /
 * AKIRA_ENAMETOOLONG (topic), AKIRA_EEXIST (already subscribed), AKIRA_ENOSPC (4 held,
 * or the system's 16), AKIRA_EQUOTA, AKIRA_EFAULT, AKIRA_EACCES (no `ipc` capability, or
 * the topic is not in the manifest's `ipc_subscribe` list). */
AKIRA_IMPORT("ipc_subscribe") int32_t akira_ipc_subscribe(const char *topic, uint32_t len);

/* End a subscription (its waiting messages go): 0, AKIRA_ENOENT, AKIRA_EACCES. */
AKIRA_IMPORT("ipc_unsubscribe") int32_t akira_ipc_unsubscribe(int32_t id);

/* Publish data[0..len) on topic[0..tlen): the number of subscriptions it was queued
 * for (0 when nobody listens, not counting those whose queue was full),
 * AKIRA_EINVAL / AKIRA_ENAMETOOLONG (topic), AKIRA_ETOOBIG (len > 128), AKIRA_EFAULT,
 * AKIRA_EACCES (no `ipc` capability, or the topic is not in the manifest's
 * `ipc_publish` list; topics under "sys/" are the system's). Never blocks. */
AKIRA_IMPORT("ipc_publish")
int32_t akira_ipc_publish(const char *topic, uint32_t tlen, const void *data, uint32_t len);

/* Take the oldest message of subscription id into buf (cap bytes): its length,
 * AKIRA_EAGAIN (none waiting), AKIRA_ERANGE (cap is smaller than the message, which
 * stays queued), AKIRA_ENOENT (no such subscription), AKIRA_EFAULT, AKIRA_EACCES. */
AKIRA_IMPORT("ipc_recv") int32_t akira_ipc_recv(int32_t id, void *buf, uint32_t cap);

/* Messages dropped for subscription id because its queue was full. */
AKIRA_IMPORT("ipc_dropped") int32_t akira_ipc_dropped(int32_t id);

#ifndef AKIRA_SDK_STRLEN_
#define AKIRA_SDK_STRLEN_
/* Length of a NUL-terminated string (freestanding apps have no libc). */
static inline uint32_t akira_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}
#endif

/* The same calls with NUL-terminated topic names. */
static inline int32_t akira_ipc_sub(const char *topic)
{
    return akira_ipc_subscribe(topic, akira_strlen(topic));
}

static inline int32_t akira_ipc_pub(const char *topic, const void *data, uint32_t len)
{
    return akira_ipc_publish(topic, akira_strlen(topic), data, len);
}

#endif /* AKIRA_SDK_IPC_H */

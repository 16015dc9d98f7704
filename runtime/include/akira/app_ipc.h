/*
 * IPC between apps: publish/subscribe on named topics (API module "ipc",
 * runtime/api/ipc.c; the WASM side is sdk/include/akira/ipc.h).
 *
 * A topic is a name of 1..AKIRA_IPC_TOPIC_MAX bytes of [a-z0-9_-.] in segments joined
 * by '/' (no empty segment, no leading or trailing '/'), e.g. "sensor/temp". Topics
 * exist while someone subscribes to them; publishing to a topic nobody listens to
 * reaches nobody and is not an error.
 *
 * Each subscription owns a bounded ring of AKIRA_IPC_QUEUE_DEPTH messages of at most
 * AKIRA_IPC_MSG_MAX bytes, charged to the subscribing app's memory_quota. A publish
 * copies the message into every subscriber's ring and posts one AKIRA_EVENT_IPC
 * {a = subscription id, b = message length} to that app's event queue. It never
 * waits: when a ring is full the message is dropped for that subscriber alone and
 * counted in its `dropped`, so a slow subscriber cannot block a publisher or the
 * others. Subscriptions end with the instance (stop, trap, exit). An app built for
 * upstream AkiraOS publishes and queues messages of up to AKIRA_IPC_COMPAT_MSG_MAX.
 *
 * Publishers are apps (through the bridge, capability "ipc") and native code (the
 * runtime's own system events, connectivity): akira_ipc_publish() below.
 *
 * Threads: every function here may be called from any thread but not from a signal
 * handler or a kernel timer callback that must not block (they take the IPC lock
 * briefly, never while waiting for anything).
 */
#ifndef AKIRA_APP_IPC_H
#define AKIRA_APP_IPC_H

#include <stddef.h>
#include <stdint.h>

#include <akira/app_manager.h>

#define AKIRA_IPC_TOPIC_MAX 31u  /* bytes in a topic name */
#define AKIRA_IPC_MSG_MAX   128u /* bytes in one message */
/* Bytes in one message published by, or queued for, an app built for upstream AkiraOS
 * (its manifest is a ".akira.manifest": upstream's CONFIG_AKIRA_IPC_MSG_MAX). Its
 * subscriptions' rings hold messages of this size; a message longer than a
 * subscriber's size (such an app's 256 bytes to one of ours) is dropped for that
 * subscriber alone and counted in its `dropped`. */
#define AKIRA_IPC_COMPAT_MSG_MAX  256u
#define AKIRA_IPC_QUEUE_DEPTH     8u  /* messages waiting per subscription */
#define AKIRA_IPC_SUBS_PER_APP    4u  /* subscriptions one app holds at once */
#define AKIRA_IPC_SUBS_MAX        16u /* subscriptions in the whole system */
#define AKIRA_IPC_NATIVE_SUBS_MAX 2u  /* of them held by native code */

/* Check a topic name (len bytes, need not be NUL-terminated): 0, AKIRA_EINVAL (empty,
 * a character outside [a-z0-9_-/], an empty segment), AKIRA_ENAMETOOLONG. */
int akira_ipc_topic_check(const char *topic, size_t len);

/*
 * Publish len bytes on topic from native code (sender shown as "system"). Returns the
 * number of subscribers it was queued for (0 when nobody listens), or AKIRA_EINVAL /
 * AKIRA_ENAMETOOLONG (topic), AKIRA_ETOOBIG (len > AKIRA_IPC_MSG_MAX). Never blocks
 * on a subscriber.
 */
int akira_ipc_publish(const char *topic, const void *data, size_t len);

/*
 * Native subscribers (a UI showing what apps publish, tests): the same bounded ring
 * and drop counting as an app's, statically allocated, read by polling (no event).
 * subscribe: the id (> 0; shown as app "system"), AKIRA_EINVAL / AKIRA_ENAMETOOLONG
 * (topic), AKIRA_ENOSPC (AKIRA_IPC_NATIVE_SUBS_MAX held, or the system's table full).
 * recv: the oldest message's length copied into buf, AKIRA_EAGAIN (none), AKIRA_ERANGE
 * (cap too small: it stays queued), AKIRA_ENOENT (no such id).
 */
int akira_ipc_native_subscribe(const char *topic);
int akira_ipc_native_recv(int id, void *buf, size_t cap);
int akira_ipc_native_unsubscribe(int id); /* 0, AKIRA_ENOENT */

/* One subscription, as the shell shows it. */
struct akira_ipc_sub_info {
    char app[AKIRA_APP_NAME_MAX + 1];
    char topic[AKIRA_IPC_TOPIC_MAX + 1];
    uint32_t id;        /* the app's subscription id */
    uint32_t queued;    /* messages waiting in its ring */
    uint64_t delivered; /* messages queued for it so far */
    uint64_t dropped;   /* messages lost because its ring was full */
};

/* Snapshot of every live subscription into out[0..max); returns how many exist. */
size_t akira_ipc_list(struct akira_ipc_sub_info *out, size_t max);

/* Messages dropped for app `name`, over its live subscriptions and every one that has
 * ended since the system booted (the per-app figure shown by `ipc` and `app info`). */
uint64_t akira_ipc_app_dropped(const char *name);

#endif /* AKIRA_APP_IPC_H */

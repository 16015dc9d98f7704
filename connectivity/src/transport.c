/* Transport and stream-handler registries (see akira/transport.h). */
#include <akira/transport.h>

#include <stdatomic.h>
#include <string.h>

#include <akira/err.h>

static struct akira_transport_handler handlers[AKIRA_TRANSPORT_KIND_COUNT_];
static bool handler_set[AKIRA_TRANSPORT_KIND_COUNT_];
static const struct akira_transport *transports[AKIRA_TRANSPORT_MAX];
static bool started[AKIRA_TRANSPORT_MAX];
/* The registries change at boot and shutdown only; a spinlock keeps them consistent
 * without needing a kernel mutex before the kernel is up. */
static atomic_flag lock = ATOMIC_FLAG_INIT;

static void lock_take(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire)) {
    }
}

static void lock_give(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

const char *akira_transport_kind_name(enum akira_transport_kind kind)
{
    switch (kind) {
    case AKIRA_TRANSPORT_KIND_API: return "api";
    case AKIRA_TRANSPORT_KIND_APP_UPLOAD: return "app-upload";
    case AKIRA_TRANSPORT_KIND_OTA: return "ota";
    case AKIRA_TRANSPORT_KIND_SHELL: return "shell";
    default: return "?";
    }
}

int akira_transport_handler_set(enum akira_transport_kind kind,
                                const struct akira_transport_handler *h)
{
    if ((unsigned)kind >= AKIRA_TRANSPORT_KIND_COUNT_ || !h || !h->open || !h->write || !h->close)
        return AKIRA_EINVAL;
    lock_take();
    int rc = 0;
    if (handler_set[kind]) {
        rc = AKIRA_EBUSY;
    } else {
        handlers[kind] = *h;
        handler_set[kind] = true;
    }
    lock_give();
    return rc;
}

void akira_transport_handler_clear(enum akira_transport_kind kind)
{
    if ((unsigned)kind >= AKIRA_TRANSPORT_KIND_COUNT_) return;
    lock_take();
    handler_set[kind] = false;
    lock_give();
}

int akira_transport_stream_open(struct akira_transport_stream *s,
                                const struct akira_transport_stream_info *info)
{
    if (!s || !info || (unsigned)info->kind >= AKIRA_TRANSPORT_KIND_COUNT_) return AKIRA_EINVAL;
    memset(s, 0, sizeof(*s));
    lock_take();
    const struct akira_transport_handler *h =
        handler_set[info->kind] ? &handlers[info->kind] : NULL;
    lock_give();
    if (!h) return AKIRA_ENOENT;
    void *st = NULL;
    int rc = h->open(h->ctx, info, &st);
    if (rc < 0) return rc;
    s->handler = h;
    s->stream = st;
    s->length = info->length;
    s->open = true;
    return 0;
}

int akira_transport_stream_write(struct akira_transport_stream *s, const void *data, size_t len)
{
    if (!s || !s->open || (!data && len)) return AKIRA_EINVAL;
    if (s->length != AKIRA_TRANSPORT_LENGTH_UNKNOWN && len > s->length - s->received)
        return AKIRA_ETOOBIG;
    const char *p = data;
    while (len > 0) {
        size_t n = len < AKIRA_TRANSPORT_CHUNK_MAX ? len : AKIRA_TRANSPORT_CHUNK_MAX;
        int rc = s->handler->write(s->stream, p, n);
        if (rc < 0) return rc;
        s->received += n;
        p += n;
        len -= n;
    }
    return 0;
}

int akira_transport_stream_close(struct akira_transport_stream *s, int status, char *result,
                                 size_t cap)
{
    if (!s || !s->open) return AKIRA_EINVAL;
    if (result && cap) result[0] = '\0';
    if (status == 0 && s->length != AKIRA_TRANSPORT_LENGTH_UNKNOWN && s->received != s->length)
        status = AKIRA_ECANCELED;
    s->open = false;
    return s->handler->close(s->stream, status, result, cap);
}

int akira_transport_register(const struct akira_transport *t)
{
    if (!t || !t->name || !t->start || !t->stop) return AKIRA_EINVAL;
    lock_take();
    int free_slot = -1, rc = 0;
    for (int i = 0; i < AKIRA_TRANSPORT_MAX; i++) {
        if (!transports[i]) {
            if (free_slot < 0) free_slot = i;
        } else if (strcmp(transports[i]->name, t->name) == 0) {
            rc = AKIRA_EEXIST;
        }
    }
    if (!rc && free_slot < 0) rc = AKIRA_ENOSPC;
    if (!rc) {
        transports[free_slot] = t;
        started[free_slot] = false;
    }
    lock_give();
    return rc;
}

void akira_transport_unregister(const struct akira_transport *t)
{
    lock_take();
    for (int i = 0; i < AKIRA_TRANSPORT_MAX; i++)
        if (transports[i] == t) transports[i] = NULL;
    lock_give();
}

int akira_transport_start_all(void)
{
    int first = 0;
    for (int i = 0; i < AKIRA_TRANSPORT_MAX; i++) {
        lock_take();
        const struct akira_transport *t = started[i] ? NULL : transports[i];
        lock_give();
        if (!t) continue;
        int rc = t->start(t->ctx);
        if (rc == 0) {
            lock_take();
            started[i] = true;
            lock_give();
        } else if (!first) {
            first = rc;
        }
    }
    return first;
}

void akira_transport_stop_all(void)
{
    for (int i = AKIRA_TRANSPORT_MAX - 1; i >= 0; i--) {
        lock_take();
        const struct akira_transport *t = started[i] ? transports[i] : NULL;
        started[i] = false;
        lock_give();
        if (t) t->stop(t->ctx);
    }
}

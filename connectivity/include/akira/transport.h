/*
 * Transport interface: how bytes from a link (TCP now; BLE, USB and the mesh later)
 * reach the device's services without the link knowing them.
 *
 * Two registries:
 *  - transports: a link registers start/stop callbacks; the board starts them all
 *    after boot and stops them at shutdown (akira_transport_start_all/stop_all).
 *  - handlers, one per stream kind (app upload, OTA, shell, API): a service registers
 *    open/write/close callbacks for its kind. A transport that receives a stream
 *    opens it with akira_transport_stream_open(kind, ...), pushes the bytes with
 *    akira_transport_stream_write() in pieces of at most AKIRA_TRANSPORT_CHUNK_MAX,
 *    and ends it with akira_transport_stream_close().
 *
 * Back-pressure: stream_write returns only when the handler has taken the bytes (it
 * may block, e.g. on a flash write); the transport reads nothing more from its link
 * meanwhile, so the link's own flow control (TCP window, BLE credits) slows the
 * sender. No handler ever holds more than one piece: none needs a whole payload.
 *
 * A handler may answer through info->reply (the link's way back to the peer: the
 * shell's output, a progress message); one-way links leave it NULL.
 *
 * Threads: registration at boot (before start_all) or from any thread under the
 * registry's lock; a stream's calls come from one transport thread at a time, and
 * different streams may run on different threads at once (handlers serialise what
 * they share).
 */
#ifndef AKIRA_TRANSPORT_H
#define AKIRA_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_TRANSPORT_CHUNK_MAX      1024u /* largest piece a handler is given */
#define AKIRA_TRANSPORT_MAX            8     /* registered transports */
#define AKIRA_TRANSPORT_LENGTH_UNKNOWN UINT64_MAX

enum akira_transport_kind {
    AKIRA_TRANSPORT_KIND_API,        /* a request message to the device API */
    AKIRA_TRANSPORT_KIND_APP_UPLOAD, /* an app package into the app store */
    AKIRA_TRANSPORT_KIND_OTA,        /* a firmware image into the secondary slot */
    AKIRA_TRANSPORT_KIND_SHELL,      /* a shell session's input; output via reply */
    AKIRA_TRANSPORT_KIND_COUNT_
};

/* "api", "app-upload", "ota", "shell"; "?" for anything else. */
const char *akira_transport_kind_name(enum akira_transport_kind kind);

struct akira_transport_stream_info {
    enum akira_transport_kind kind;
    const char *transport; /* the link's name ("tcp"), for logs */
    const char *peer;      /* the peer's address as text ("127.0.0.1:5000"), for logs */
    const char *name;      /* what the stream is for (an app name), or NULL */
    uint64_t length;       /* announced total, or AKIRA_TRANSPORT_LENGTH_UNKNOWN */
    bool authenticated;    /* the link already checked the device token */
    /* APP_UPLOAD only: what the owner forces on an upgrade (AKIRA_APPSTORE_REKEY,
     * AKIRA_APPSTORE_DOWNGRADE; 0: nothing). Honoured only when authenticated. */
    uint32_t install_flags;
    /* The way back to the peer (NULL on a one-way link): writes all len bytes or
     * returns a negative akira_err_t. Valid until stream_close returns. */
    int (*reply)(void *link, const void *data, size_t len);
    /* Optional (NULL on links that cannot): the handler ends the stream from its side
     * (a shell session that exited). The link stops reading and then calls
     * stream_close as usual. Any thread; valid until stream_close returns. */
    void (*hangup)(void *link);
    void *link;
};

struct akira_transport_handler {
    /* A stream starts: accept (0, *stream set) or refuse (a negative akira_err_t,
     * e.g. AKIRA_ETOOBIG for a length over the service's limit, AKIRA_EBUSY). */
    int (*open)(void *ctx, const struct akira_transport_stream_info *info, void **stream);
    /* The next 1..AKIRA_TRANSPORT_CHUNK_MAX bytes. 0, or a negative akira_err_t to
     * abort the stream (the transport then closes it with that status). */
    int (*write)(void *stream, const void *data, size_t len);
    /* The stream ends: status 0 when every announced byte arrived, else why not
     * (AKIRA_ECONNRESET, AKIRA_ETIMEDOUT, the write error, AKIRA_ECANCELED). A handler
     * undoes a partial stream here. result (cap bytes) may receive one short line of
     * text for the peer (e.g. the installed app's info). Returns the final result. */
    int (*close)(void *stream, int status, char *result, size_t cap);
    void *ctx;
};

/* Registers the handler for kind (copied). AKIRA_EBUSY when the kind has one,
 * AKIRA_EINVAL for a bad kind or missing callback. */
int akira_transport_handler_set(enum akira_transport_kind kind,
                                const struct akira_transport_handler *h);
/* Removes the handler of kind (no stream of that kind may be open). */
void akira_transport_handler_clear(enum akira_transport_kind kind);

/* A stream in progress, owned by the transport (on its stack or in its connection). */
struct akira_transport_stream {
    const struct akira_transport_handler *handler;
    void *stream;
    uint64_t length, received;
    bool open;
};

/* Opens a stream to the handler of info->kind. AKIRA_ENOENT when nobody handles the
 * kind, or the handler's refusal. */
int akira_transport_stream_open(struct akira_transport_stream *s,
                                const struct akira_transport_stream_info *info);
/* Hands len bytes to the handler, in pieces of at most AKIRA_TRANSPORT_CHUNK_MAX;
 * returns when all were taken (0) or with the handler's error. AKIRA_ETOOBIG when they
 * go past the announced length (nothing of them is delivered). */
int akira_transport_stream_write(struct akira_transport_stream *s, const void *data, size_t len);
/* Ends the stream: status 0 when the link delivered it whole, else the link's error.
 * A status of 0 with fewer bytes than announced becomes AKIRA_ECANCELED. Returns the
 * handler's final result. */
int akira_transport_stream_close(struct akira_transport_stream *s, int status, char *result,
                                 size_t cap);

/* A link. start brings it up (listening sockets, threads); stop takes it down and
 * returns only when no callback of its streams is running any more. */
struct akira_transport {
    const char *name;
    int (*start)(void *ctx);
    void (*stop)(void *ctx);
    void *ctx;
};

/* Registers t (the struct must outlive the registration). AKIRA_EEXIST (same name),
 * AKIRA_ENOSPC (AKIRA_TRANSPORT_MAX reached), AKIRA_EINVAL. */
int akira_transport_register(const struct akira_transport *t);
void akira_transport_unregister(const struct akira_transport *t);
/* Starts every registered transport not yet started; returns 0 or the first error
 * (the others are still started). */
int akira_transport_start_all(void);
/* Stops the started transports, last started first. */
void akira_transport_stop_all(void);

#endif /* AKIRA_TRANSPORT_H */

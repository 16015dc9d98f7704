/*
 * The app-upload stream service: transport streams of kind APP_UPLOAD written into the
 * app store (see api_apps.h for the contract).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/transport.h>

#include "api_apps.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

struct upload {
    struct akira_appstore_writer w;
    uint64_t bytes;
    char peer[48];
};

/* Fixed pool: an upload costs its writer and nothing else, and the board decides how
 * many may write to flash at once. */
static struct upload uploads[AKIRA_APP_UPLOADS_MAX];
static atomic_bool upload_used[AKIRA_APP_UPLOADS_MAX];

static int up_open(void *ctx, const struct akira_transport_stream_info *info, void **stream)
{
    (void)ctx;
    if (!info->authenticated) return AKIRA_EAUTH; /* a link that skipped the token */
    uint32_t hint = 0;
    if (info->length != AKIRA_TRANSPORT_LENGTH_UNKNOWN) {
        if (info->length > UINT32_MAX) return AKIRA_ETOOBIG;
        hint = (uint32_t)info->length;
        if (hint == 0) return AKIRA_EFORMAT; /* an empty body is no package */
    }
    for (size_t i = 0; i < AKIRA_APP_UPLOADS_MAX; i++) {
        bool free_slot = false;
        if (!atomic_compare_exchange_strong(&upload_used[i], &free_slot, true)) continue;
        struct upload *u = &uploads[i];
        memset(u, 0, sizeof(*u));
        snprintf(u->peer, sizeof(u->peer), "%s", info->peer ? info->peer : "?");
        int rc = akira_appstore_install_begin(&u->w, hint);
        if (rc) {
            atomic_store(&upload_used[i], false);
            return rc;
        }
        akira_appstore_install_allow(&u->w, info->install_flags);
        *stream = u;
        return 0;
    }
    return AKIRA_EBUSY;
}

static int up_write(void *stream, const void *data, size_t len)
{
    struct upload *u = stream;
    int rc = akira_appstore_install_write(&u->w, data, len);
    if (rc == 0) u->bytes += len;
    return rc;
}

static void up_release(struct upload *u)
{
    atomic_store(&upload_used[u - uploads], false);
}

static int up_close(void *stream, int status, char *result, size_t cap)
{
    struct upload *u = stream;
    if (status != 0) {
        /* Cut, timed out or refused midway: the slot goes back, nothing is visible. */
        akira_appstore_install_abort(&u->w);
        if (result && cap)
            snprintf(result, cap, "upload: %s after %llu bytes", akira_err_str(status),
                     (unsigned long long)u->bytes);
        AKIRA_LOG_WRN("app upload from %s aborted after %llu bytes: %s", u->peer,
                      (unsigned long long)u->bytes, akira_err_str(status));
        up_release(u);
        return status;
    }
    struct akira_app_record rec;
    struct akira_manifest_error err = {{0}, {0}};
    int rc = akira_app_install_finish(&u->w, &rec, &err);
    if (rc == 0) {
        /* "NAME VERSION": the route answers for this version even when a later
         * install replaced it before the answer. */
        if (result && cap) snprintf(result, cap, "%s %s", rec.manifest.name, rec.manifest.version);
    } else if (result && cap) {
        if (err.field[0])
            snprintf(result, cap, "%s: %s", err.field, err.reason);
        else
            snprintf(result, cap, "install: %s", akira_err_str(rc));
    }
    if (rc)
        AKIRA_LOG_WRN("app upload from %s refused: %s: %s", u->peer,
                      err.field[0] ? err.field : "install",
                      err.field[0] ? err.reason : akira_err_str(rc));
    up_release(u);
    return rc;
}

static const struct akira_transport_handler upload_handler = {up_open, up_write, up_close, NULL};

int akira_app_upload_service_start(void)
{
    return akira_transport_handler_set(AKIRA_TRANSPORT_KIND_APP_UPLOAD, &upload_handler);
}

void akira_app_upload_service_stop(void)
{
    akira_transport_handler_clear(AKIRA_TRANSPORT_KIND_APP_UPLOAD);
}

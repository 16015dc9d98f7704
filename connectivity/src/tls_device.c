/*
 * The device's TLS identity and clock services (docs/tls.md):
 *  - an ECDSA P-256 key and a self-signed certificate (CN: the setting akira/name, else
 *    the board's name), made at first boot and kept in settings under
 *    akira/security/ (secrets: no network client reads or writes them), loaded at
 *    every later boot, so the fingerprint a client pinned stays;
 *  - whether the plain (non-TLS) services may run (AKIRA_NET_PLAIN_KEY);
 *  - the SNTP service: a sync at start and every hour (retries back off from 5 s to
 *    5 min) while a server is configured.
 */
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/settings.h>
#include <akira/sntp.h>
#include <akira/storage.h>
#include <akira/thread.h>
#include <akira/tls.h>
#include <akira/walltime.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_REGISTER(tlsdev);

#define KEY_MAX  200
#define CERT_MAX 700

static uint8_t fingerprint[AKIRA_TLS_FP_LEN];
static bool have_identity;
static uint8_t key_der[KEY_MAX], cert_der[CERT_MAX];
static size_t key_len, cert_len;

static int get(const char *k, void *buf, size_t cap)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, k, buf, cap) : AKIRA_ENODEV;
    akira_storage_unlock();
    return n;
}

static int set(const char *k, const void *buf, size_t len)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_set(st, k, buf, len) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

bool akira_connectivity_plain_allowed(bool board_default)
{
    char v[4];
    int n = get(AKIRA_NET_PLAIN_KEY, v, sizeof(v));
    if (n == 1) return v[0] == '1';
    return board_default;
}

int akira_connectivity_tls_identity(bool *made)
{
    *made = false;
    int kn = get(AKIRA_TLS_KEY_KEY, key_der, sizeof(key_der));
    int cn = get(AKIRA_TLS_CERT_KEY, cert_der, sizeof(cert_der));
    if (kn > 0 && cn > 0 && akira_tls_identity_check(key_der, (size_t)kn, cert_der, (size_t)cn)) {
        key_len = (size_t)kn;
        cert_len = (size_t)cn;
    } else {
        if (kn == AKIRA_ENODEV) return kn;
        if (kn >= 0 || cn >= 0) AKIRA_LOG_WRN("stored TLS identity unusable: making a new one");
        char name[64];
        int n = get("akira/name", name, sizeof(name) - 1);
        if (n > 0)
            name[n] = '\0';
        else
            snprintf(name, sizeof(name), "%s",
                     akira_connectivity_config_get()->board ? akira_connectivity_config_get()->board
                                                            : "akiraos");
        int64_t now_ms = 0;
        (void)akira_walltime_now(&now_ms);
        /* A minute of slack: a peer whose clock is a little behind still accepts it. */
        int64_t nb = now_ms ? now_ms / 1000 - 60 : 0;
        int rc = akira_tls_identity_make(name, nb, key_der, sizeof(key_der), &key_len, cert_der,
                                         sizeof(cert_der), &cert_len);
        /* The certificate first: a cut between the two sets leaves a key that matches
         * no certificate, which the check above replaces whole at the next boot. */
        if (!rc) rc = set(AKIRA_TLS_CERT_KEY, cert_der, cert_len);
        if (!rc) rc = set(AKIRA_TLS_KEY_KEY, key_der, key_len);
        if (rc) {
            AKIRA_LOG_ERR("cannot make the TLS identity: %s", akira_err_str(rc));
            return rc;
        }
        *made = true;
    }
    akira_tls_sha256(cert_der, cert_len, fingerprint);
    have_identity = true;
    return 0;
}

int akira_connectivity_tls_forget(void)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_delete(st, AKIRA_TLS_KEY_KEY) : AKIRA_ENODEV;
    if (rc == AKIRA_ENOENT) rc = 0;
    int rc2 = st ? akira_settings_delete(st, AKIRA_TLS_CERT_KEY) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (!rc && rc2 != AKIRA_ENOENT) rc = rc2;
    if (!rc) AKIRA_LOG_WRN("TLS identity deleted: a new one is made at the next start");
    return rc;
}

int akira_connectivity_tls_server(struct akira_tls_server **out, unsigned sessions)
{
    if (!have_identity) return AKIRA_ENOENT;
    return akira_tls_server_create(out, cert_der, cert_len, key_der, key_len, sessions);
}

int akira_connectivity_tls_fingerprint(char *buf, size_t cap)
{
    if (!have_identity) return AKIRA_ENOENT;
    akira_tls_fp_format(fingerprint, buf, cap);
    return 0;
}

int akira_connectivity_tls_cert(const uint8_t **der, size_t *len)
{
    if (!have_identity) return AKIRA_ENOENT;
    *der = cert_der;
    *len = cert_len;
    return 0;
}

/* --- SNTP service --------------------------------------------------------------------- */

#define SNTP_PERIOD_MS    (60u * 60u * 1000u)
#define SNTP_RETRY_MIN_MS 5000u
#define SNTP_RETRY_MAX_MS (5u * 60u * 1000u)

static akira_thread_t *sntp_thread;
static akira_mutex_t *sntp_lock;
static akira_condvar_t *sntp_cv;
static bool sntp_stop;
static const char *sntp_server; /* the board's, or NULL: the setting */

static int sntp_main(void *arg)
{
    (void)arg;
    uint32_t retry = SNTP_RETRY_MIN_MS;
    for (;;) {
        const char *why = NULL;
        int rc = akira_sntp_sync(sntp_server, 2000, &why);
        uint32_t wait;
        if (rc == 0) {
            retry = SNTP_RETRY_MIN_MS;
            wait = SNTP_PERIOD_MS;
        } else {
            if (rc != AKIRA_ENOENT)
                AKIRA_LOG_WRN("sync failed: %s%s%s", akira_err_str(rc), why ? ": " : "",
                              why ? why : "");
            wait = rc == AKIRA_ENOENT ? SNTP_PERIOD_MS : retry;
            retry = retry * 2 > SNTP_RETRY_MAX_MS ? SNTP_RETRY_MAX_MS : retry * 2;
        }
        akira_mutex_lock(sntp_lock, AKIRA_FOREVER);
        uint64_t until = akira_uptime_ms() + wait;
        while (!sntp_stop && akira_uptime_ms() < until)
            akira_condvar_wait(sntp_cv, sntp_lock, (int32_t)(until - akira_uptime_ms()));
        bool stop = sntp_stop;
        akira_mutex_unlock(sntp_lock);
        if (stop) return 0;
    }
}

int akira_connectivity_sntp_start(const char *server)
{
    /* No server configured: no thread (`time sync ADDR` still works by hand; a server
     * set later is synced periodically from the next start). */
    char probe[AKIRA_NET_ADDR_STR_MAX + 1];
    if (!server && get(AKIRA_TIME_SNTP_KEY, probe, sizeof(probe)) < 0) return 0;
    sntp_server = server;
    sntp_stop = false;
    int rc = akira_mutex_create(&sntp_lock);
    if (!rc) rc = akira_condvar_create(&sntp_cv);
    if (!rc)
        rc = akira_thread_create(&sntp_thread, "sntp", sntp_main, NULL, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
    if (rc) akira_connectivity_sntp_stop();
    return rc;
}

void akira_connectivity_sntp_stop(void)
{
    if (sntp_thread) {
        akira_mutex_lock(sntp_lock, AKIRA_FOREVER);
        sntp_stop = true;
        akira_condvar_signal(sntp_cv);
        akira_mutex_unlock(sntp_lock);
        akira_thread_join(sntp_thread, AKIRA_FOREVER, NULL);
        sntp_thread = NULL;
    }
    if (sntp_cv) akira_condvar_destroy(sntp_cv);
    if (sntp_lock) akira_mutex_destroy(sntp_lock);
    sntp_cv = NULL;
    sntp_lock = NULL;
}

/*
 * `akira fleet`: many devices through an MQTT broker (docs/fleet.md is the contract).
 *
 *   keygen [--force]                  the fleet key pair (Ed25519), secret file mode 0600
 *   enroll [--device NAME] [--tags a,b] [--id ID] [--mqtt ADDR:PORT]
 *                                     over the device's HTTP API: trust the fleet key,
 *                                     set broker, tags, id
 *   status [--wait S] [--expect N]    the retained statuses and app lists
 *   deploy APP.wasm | start APP | stop APP | uninstall APP | ota IMAGE
 *          (--all | --tag T | --device ID[,ID]) [--wave N] [--max-fail K] [--timeout S]
 *   logs [--device ID] [--for S]      follows akira/+/log
 *
 * Global options (anywhere): --broker ADDR:PORT (127.0.0.1:1883), --key FILE
 * (~/.akira/fleet.key). MQTT through Debian's libmosquitto, one clean session per run.
 *
 * A command is the JSON, a newline and the Ed25519 signature of the JSON in hex; an
 * install or an OTA is followed by its data messages (AKD1, the command id, the chunk
 * index, up to 4096 bytes), all QoS 1 on akira/<id>/cmd. Every `ts` of one run is the
 * wall clock in ms, made strictly increasing.
 *
 * Exit status: 0 every target succeeded; 1 any failed, timed out, was skipped or is
 * pending (offline: the broker queues its command); 2 usage.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <mosquitto.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <akira/manifest.h>
#include <akira/package.h>

#include "commands.h"
#include "json_read.h"
#include "util.h"

#define FLEET_CHUNK       4096u
#define FLEET_ID_MAX      32
#define FLEET_MAX_IMAGE   (16u * 1024u * 1024u)
#define FLEET_DEVICES_MAX 4096
#define FLEET_WINDOW      512 /* messages sent and not yet acknowledged by the broker */

struct fdev {
    char id[FLEET_ID_MAX + 1];
    bool have_status, online;
    char version[32], board[32];
    char tags[192]; /* "a,b" */
    char apps[512]; /* "hello(running) big(installed)" */
    bool have_apps;
    /* the command of this run */
    enum { T_NONE, T_SENT, T_OK, T_FAILED, T_TIMEOUT, T_PENDING, T_SKIPPED } st;
    char cmd[FLEET_ID_MAX + 1];
    char error[96];
    double t_sent, t_done;
};

struct fleet {
    struct mosquitto *m;
    struct fdev *dev;
    size_t n;
    int connect_rc; /* -1 until CONNACK */
    int subacks;
    long published, acked;
    double last_msg;
    char sync_topic[96]; /* our own marker topic: see fleet_collect */
    bool synced;
    bool log_mode;
    bool overflow; /* more devices than FLEET_DEVICES_MAX: the rest ignored */
    const char *log_device;
};

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wall-clock ms, strictly increasing within the run. */
static uint64_t next_ts(void)
{
    static uint64_t last;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t ms = (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
    last = ms > last ? ms : last + 1;
    return last;
}

static bool valid_id(const char *s, size_t len)
{
    if (len < 1 || len > FLEET_ID_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

/* An app name given on the command line: what a manifest allows, so it needs no JSON
 * escaping. */
static bool valid_app(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > AKIRA_APP_NAME_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static struct fdev *dev_get(struct fleet *f, const char *id, bool add)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->dev[i].id, id)) return &f->dev[i];
    if (!add) return NULL;
    if (f->n >= FLEET_DEVICES_MAX) {
        if (!f->overflow)
            fprintf(stderr, "akira fleet: more than %d devices on the broker: the rest ignored\n",
                    FLEET_DEVICES_MAX);
        f->overflow = true;
        return NULL;
    }
    struct fdev *d = &f->dev[f->n++];
    memset(d, 0, sizeof(*d));
    snprintf(d->id, sizeof(d->id), "%s", id);
    return d;
}

/* Takes `OPT VALUE` out of argv (after argv[0]); NULL when absent, "" without a value. */
static const char *opt_take(int *argc, char **argv, const char *opt)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], opt) != 0) continue;
        const char *v = i + 1 < *argc ? argv[i + 1] : "";
        int drop = i + 1 < *argc ? 2 : 1;
        for (int k = i; k + drop <= *argc; k++)
            argv[k] = argv[k + drop];
        *argc -= drop;
        return v;
    }
    return NULL;
}

static bool flag_take(int *argc, char **argv, const char *opt)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], opt) != 0) continue;
        for (int k = i; k + 1 <= *argc; k++)
            argv[k] = argv[k + 1];
        (*argc)--;
        return true;
    }
    return false;
}

static int num_opt(const char *v, const char *name, long lo, long hi, long *out)
{
    if (!v) return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        fprintf(stderr, "akira fleet: %s wants a number %ld..%ld\n", name, lo, hi);
        return 2;
    }
    *out = n;
    return 0;
}

/* "host:port" into host and port. */
static int parse_broker(const char *s, char *host, size_t cap, int *port)
{
    const char *colon = strrchr(s, ':');
    long p = 1883;
    size_t hl = colon ? (size_t)(colon - s) : strlen(s);
    if (colon) {
        char *end;
        p = strtol(colon + 1, &end, 10);
        if (!colon[1] || *end || p < 1 || p > 65535) hl = 0;
    }
    if (hl == 0 || hl >= cap) {
        fprintf(stderr, "akira fleet: --broker wants ADDR:PORT, not '%s'\n", s);
        return 2;
    }
    memcpy(host, s, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

static void default_key_path(char *buf, size_t cap)
{
    const char *home = getenv("HOME");
    snprintf(buf, cap, "%s/.akira/fleet.key", home && *home ? home : ".");
}

static int read_key(const char *path, uint8_t sk[crypto_sign_SECRETKEYBYTES])
{
    if (tool_read_hex_file(path, sk, crypto_sign_SECRETKEYBYTES, "fleet secret key")) {
        fprintf(stderr, "akira fleet: make one with `akira fleet keygen` (or give --key FILE)\n");
        return 1;
    }
    return 0;
}

/* --- keygen ------------------------------------------------------------------------ */

static int fleet_keygen(const char *key, int argc, char **argv)
{
    bool force = flag_take(&argc, argv, "--force");
    if (argc != 1) {
        fprintf(stderr, "usage: akira fleet [--key FILE] keygen [--force]\n");
        return 2;
    }
    struct stat sb;
    if (!force && stat(key, &sb) == 0) {
        fprintf(stderr,
                "akira fleet: %s exists (the devices trust its public key); --force replaces it\n",
                key);
        return 1;
    }
    /* The folder of the default path (~/.akira), private. */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", key);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (stat(dir, &sb) != 0 && mkdir(dir, 0700) != 0) {
            fprintf(stderr, "akira fleet: %s: %s\n", dir, strerror(errno));
            return 1;
        }
    }
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char text[2 * crypto_sign_SECRETKEYBYTES + 2], path[4096 + 8];
    tool_hex(sk, sizeof(sk), text);
    strcat(text, "\n");
    sodium_memzero(sk, sizeof(sk));
    if (tool_write_file(key, text, strlen(text), 0600)) return 1;
    sodium_memzero(text, sizeof(text));
    tool_hex(pk, sizeof(pk), text);
    strcat(text, "\n");
    snprintf(path, sizeof(path), "%s.pub", key);
    if (tool_write_file(path, text, strlen(text), 0644)) return 1;
    text[2 * crypto_sign_PUBLICKEYBYTES] = '\0';
    printf("wrote %s (secret, mode 0600) and %s\npublic key: %s\n", key, path, text);
    printf("trust it on a device: akira fleet enroll --device NAME, or on its shell: fleet trust "
           "fleet %s\n",
           text);
    return 0;
}

/* --- enroll ------------------------------------------------------------------------ */

static int fleet_enroll(const char *broker, const char *key, int argc, char **argv)
{
    const char *tags = opt_take(&argc, argv, "--tags");
    const char *id = opt_take(&argc, argv, "--id");
    const char *mqtt = opt_take(&argc, argv, "--mqtt");
    const char *name = opt_take(&argc, argv, "--key-name");
    if (!name) name = "fleet";
    if (!mqtt) mqtt = broker;
    /* Only the device options may remain (the device checks the values itself). */
    bool extra = false;
    for (int i = 1; i < argc; i += 2)
        extra |= i + 1 >= argc || (strcmp(argv[i], "--device") && strcmp(argv[i], "--serial") &&
                                   strcmp(argv[i], "--token"));
    if (extra || (tags && (!*tags || strlen(tags) > 160 || strpbrk(tags, "\"\\"))) ||
        (id && !valid_id(id, strlen(id))) || !*mqtt || strlen(mqtt) > 64 || strpbrk(mqtt, "\"\\") ||
        !valid_app(name)) {
        fprintf(stderr, "usage: akira fleet enroll [--device NAME] [--tags a,b] [--id ID] "
                        "[--mqtt ADDR:PORT] [--key-name NAME]\n");
        return 2;
    }
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    if (read_key(key, sk)) return 1;
    char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    tool_hex(sk + crypto_sign_SEEDBYTES, crypto_sign_PUBLICKEYBYTES, hex);
    sodium_memzero(sk, sizeof(sk));
    /* PUT /api/fleet (docs/fleet.md): every value checked by the device before it
     * stores any; then its agent restarts on them. */
    char body[512]; /* the lengths are bounded above */
    int n = snprintf(body, sizeof(body), "{\"key_name\":\"%s\",\"key\":\"%s\",\"broker\":\"%s\"",
                     name, hex, mqtt);
    if (tags) n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"tags\":\"%s\"", tags);
    if (id) n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"id\":\"%s\"", id);
    n += snprintf(body + n, sizeof(body) - (size_t)n, "}");
    char devname[64], answer[1024];
    int rc = akira_tool_device_send(&argc, argv, "PUT", "/api/fleet", body, (size_t)n, devname,
                                    sizeof(devname), answer, sizeof(answer));
    if (rc) return rc;
    struct jr_doc d;
    const char *devid = "?";
    bool ok = jr_parse(&d, answer, strlen(answer)) == 0;
    if (ok) devid = jr_str(&d, &d.nodes[0], "id", "?");
    printf("enrolled %s as %s: trusts %s (%s), broker %s%s%s\n", devname, devid, name, hex, mqtt,
           tags ? ", tags " : "", tags ? tags : "");
    if (ok) jr_free(&d);
    return 0;
}

/* --- MQTT session ------------------------------------------------------------------ */

static void copy_tags(const struct jr_doc *d, const struct jr_node *arr, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (const struct jr_node *t = jr_first(d, arr); t; t = jr_next(d, t)) {
        if (t->type != JR_STR) continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? "," : "", t->str);
        if (w < 0 || (size_t)w >= cap - n) break;
        n += (size_t)w;
    }
}

static void on_status(struct fdev *d, const char *p, size_t len)
{
    struct jr_doc doc;
    if (len == 0) { /* the retained status was cleared */
        d->have_status = false;
        return;
    }
    if (jr_parse(&doc, p, len) || doc.nodes[0].type != JR_OBJ) {
        if (len) jr_free(&doc);
        return;
    }
    const struct jr_node *r = &doc.nodes[0];
    d->have_status = true;
    d->online = jr_bool(&doc, r, "online", false);
    /* The last will carries only id and online: keep what the device said before. */
    const char *v = jr_str(&doc, r, "version", NULL);
    if (v) snprintf(d->version, sizeof(d->version), "%s", v);
    v = jr_str(&doc, r, "board", NULL);
    if (v) snprintf(d->board, sizeof(d->board), "%s", v);
    const struct jr_node *tags = jr_get(&doc, r, "tags");
    if (tags) copy_tags(&doc, tags, d->tags, sizeof(d->tags));
    jr_free(&doc);
}

static void on_apps(struct fdev *d, const char *p, size_t len)
{
    struct jr_doc doc;
    if (len == 0 || jr_parse(&doc, p, len)) return;
    size_t n = 0;
    d->apps[0] = '\0';
    d->have_apps = true;
    for (const struct jr_node *a = jr_first(&doc, &doc.nodes[0]); a; a = jr_next(&doc, a)) {
        int w = snprintf(d->apps + n, sizeof(d->apps) - n, "%s%s(%s)", n ? " " : "",
                         jr_str(&doc, a, "name", "?"), jr_str(&doc, a, "state", "?"));
        if (w < 0 || (size_t)w >= sizeof(d->apps) - n) break;
        n += (size_t)w;
    }
    jr_free(&doc);
}

static void on_result(struct fleet *f, struct fdev *d, const char *p, size_t len)
{
    struct jr_doc doc;
    if (len == 0 || jr_parse(&doc, p, len)) return;
    const struct jr_node *r = &doc.nodes[0];
    const char *cmd = jr_str(&doc, r, "cmd", "");
    /* A result of this run's command only (a late one of a run before is not ours). */
    if (d->cmd[0] && !strcmp(cmd, d->cmd) &&
        (d->st == T_SENT || d->st == T_PENDING || d->st == T_TIMEOUT)) {
        bool ok = jr_bool(&doc, r, "ok", false);
        if (ok) {
            d->st = T_OK;
        } else {
            d->st = T_FAILED;
            snprintf(d->error, sizeof(d->error), "%s%s%s", jr_str(&doc, r, "error", "?"),
                     jr_get(&doc, r, "detail") ? " " : "", jr_str(&doc, r, "detail", ""));
        }
        d->t_done = now_s();
    }
    (void)f;
    jr_free(&doc);
}

static void on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
    (void)m;
    struct fleet *f = ctx;
    f->last_msg = now_s();
    /* akira/<id>/<kind> */
    const char *t = msg->topic;
    if (!strcmp(t, f->sync_topic)) {
        f->synced = true;
        return;
    }
    if (strncmp(t, "akira/", 6) != 0) return;
    const char *id = t + 6, *slash = strchr(id, '/');
    if (!slash || !valid_id(id, (size_t)(slash - id))) return;
    char idbuf[FLEET_ID_MAX + 1];
    memcpy(idbuf, id, (size_t)(slash - id));
    idbuf[slash - id] = '\0';
    const char *kind = slash + 1;
    const char *p = msg->payload;
    size_t len = (size_t)msg->payloadlen;
    if (f->log_mode) {
        if (strcmp(kind, "log") != 0) return;
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
            len--;
        printf("%s: %.*s\n", idbuf, (int)len, p);
        fflush(stdout);
        return;
    }
    bool is_status = !strcmp(kind, "status"), is_apps = !strcmp(kind, "apps");
    bool is_result = !strcmp(kind, "result");
    struct fdev *d = dev_get(f, idbuf, is_status && len > 0);
    if (!d) return;
    if (is_status)
        on_status(d, p, len);
    else if (is_apps)
        on_apps(d, p, len);
    else if (is_result)
        on_result(f, d, p, len);
}

static void on_connect(struct mosquitto *m, void *ctx, int rc)
{
    (void)m;
    ((struct fleet *)ctx)->connect_rc = rc;
}

static void on_subscribe(struct mosquitto *m, void *ctx, int mid, int n, const int *qos)
{
    (void)m, (void)mid, (void)n, (void)qos;
    ((struct fleet *)ctx)->subacks++;
}

static void on_publish(struct mosquitto *m, void *ctx, int mid)
{
    (void)m, (void)mid;
    ((struct fleet *)ctx)->acked++;
}

/* Runs the network until done(f, arg) or the deadline (seconds, monotonic). 0, or -1
 * when the connection failed (message printed). */
static int pump(struct fleet *f, double deadline, bool (*done)(struct fleet *, void *), void *arg)
{
    while (!interrupted && !(done && done(f, arg)) && now_s() < deadline) {
        int rc = mosquitto_loop(f->m, 20, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            fprintf(stderr, "akira fleet: broker connection: %s\n", mosquitto_strerror(rc));
            return -1;
        }
        if (f->connect_rc > 0) {
            fprintf(stderr, "akira fleet: the broker refused the connection: %s\n",
                    mosquitto_connack_string(f->connect_rc));
            return -1;
        }
    }
    return 0;
}

static bool is_connected(struct fleet *f, void *arg)
{
    (void)arg;
    return f->connect_rc == 0;
}

static int fleet_open(struct fleet *f, const char *broker)
{
    char host[256];
    int port;
    if (parse_broker(broker, host, sizeof(host), &port)) return 2;
    mosquitto_lib_init();
    char cid[64];
    uint32_t r = randombytes_random();
    snprintf(cid, sizeof(cid), "akira-fleet-%08x", (unsigned)r);
    snprintf(f->sync_topic, sizeof(f->sync_topic), "akira-fleet/sync/%s", cid);
    f->dev = calloc(FLEET_DEVICES_MAX, sizeof(*f->dev));
    f->m = mosquitto_new(cid, true, f);
    f->connect_rc = -1;
    if (!f->dev || !f->m) {
        fprintf(stderr, "akira fleet: out of memory\n");
        return 1;
    }
    mosquitto_int_option(f->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    /* QoS 1 messages in flight at once (the chunks of many devices). */
    mosquitto_int_option(f->m, MOSQ_OPT_SEND_MAXIMUM, FLEET_WINDOW);
    mosquitto_connect_callback_set(f->m, on_connect);
    mosquitto_subscribe_callback_set(f->m, on_subscribe);
    mosquitto_message_callback_set(f->m, on_message);
    mosquitto_publish_callback_set(f->m, on_publish);
    int rc = mosquitto_connect(f->m, host, port, 30);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "akira fleet: broker %s: %s\n", broker,
                rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        return 1;
    }
    if (pump(f, now_s() + 10, is_connected, NULL)) return 1;
    if (f->connect_rc != 0) {
        fprintf(stderr, "akira fleet: broker %s: no answer to CONNECT in 10 s\n", broker);
        return 1;
    }
    return 0;
}

static void fleet_close(struct fleet *f)
{
    if (f->m) {
        mosquitto_disconnect(f->m);
        mosquitto_loop(f->m, 50, 1);
        mosquitto_destroy(f->m);
    }
    free(f->dev);
    mosquitto_lib_cleanup();
}

static int subscribe(struct fleet *f, const char *topic, int qos)
{
    int rc = mosquitto_subscribe(f->m, NULL, topic, qos);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "akira fleet: subscribe %s: %s\n", topic, mosquitto_strerror(rc));
        return 1;
    }
    return 0;
}

static int publish(struct fleet *f, const char *topic, const void *p, size_t len);

struct collect {
    int subs;
    double quiet;
    long expect;
};

/* Done when `expect` devices have a status and an app list; else when our marker came
 * back (the broker handles one client's packets in order: the retained messages of
 * the subscriptions come before the marker published after them), or, should the
 * broker's ACL drop the marker, after `quiet` seconds without a message. */
static bool collected(struct fleet *f, void *arg)
{
    struct collect *c = arg;
    if (f->subacks < c->subs) return false;
    if (c->expect > 0) {
        long have = 0;
        for (size_t i = 0; i < f->n; i++)
            have += f->dev[i].have_status && f->dev[i].have_apps;
        return have >= c->expect;
    }
    return f->synced || now_s() - f->last_msg >= c->quiet;
}

/* Subscribes to the statuses and app lists (and results) and collects the retained
 * ones for at most wait_s seconds. */
static int fleet_collect(struct fleet *f, double wait_s, long expect, bool results)
{
    int subs = 3 + (results ? 1 : 0);
    /* The retained statuses and app lists at QoS 0: a broker holds back QoS 1 messages
     * past its in-flight window and drops them past its queue limit (mosquitto's
     * max_queued_messages), which a thousand devices' retained messages exceed. */
    if (subscribe(f, "akira/+/status", 0) || subscribe(f, "akira/+/apps", 0) ||
        (results && subscribe(f, "akira/+/result", 1)) || subscribe(f, f->sync_topic, 0) ||
        publish(f, f->sync_topic, "sync", 4))
        return 1;
    f->last_msg = now_s();
    struct collect c = {subs, 1.0, expect};
    if (pump(f, now_s() + wait_s, collected, &c)) return 1;
    if (f->subacks < subs) {
        fprintf(stderr, "akira fleet: the broker did not acknowledge the subscriptions\n");
        return 1;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct fdev *)a)->id, ((const struct fdev *)b)->id);
}

/* --- status ------------------------------------------------------------------------ */

static int fleet_status(const char *broker, int argc, char **argv)
{
    long wait_s = 3, expect = 0;
    if (num_opt(opt_take(&argc, argv, "--wait"), "--wait", 1, 3600, &wait_s) ||
        num_opt(opt_take(&argc, argv, "--expect"), "--expect", 1, FLEET_DEVICES_MAX, &expect))
        return 2;
    if (argc != 1) {
        fprintf(stderr, "usage: akira fleet status [--wait S] [--expect N]\n");
        return 2;
    }
    struct fleet f = {0};
    int rc = fleet_open(&f, broker);
    if (!rc) rc = fleet_collect(&f, (double)wait_s, expect, false);
    if (rc) {
        fleet_close(&f);
        return rc;
    }
    qsort(f.dev, f.n, sizeof(*f.dev), by_id);
    size_t online = 0, listed = 0;
    printf("%-24s %-7s %-10s %-20s %s\n", "ID", "ONLINE", "VERSION", "TAGS", "APPS");
    for (size_t i = 0; i < f.n; i++) {
        const struct fdev *d = &f.dev[i];
        if (!d->have_status) continue;
        listed++;
        online += d->online;
        printf("%-24s %-7s %-10s %-20s %s\n", d->id, d->online ? "yes" : "no",
               d->version[0] ? d->version : "-", d->tags[0] ? d->tags : "-",
               d->apps[0] ? d->apps : "-");
    }
    printf("%zu device%s, %zu online\n", listed, listed == 1 ? "" : "s", online);
    fleet_close(&f);
    if (expect > 0 && (long)listed < expect) {
        fprintf(stderr, "akira fleet status: %zu of the %ld devices expected reported in %ld s\n",
                listed, expect, wait_s);
        return 1;
    }
    return 0;
}

/* --- deploy and the other commands -------------------------------------------------- */

struct job {
    const char *op;   /* install, start, stop, uninstall, ota */
    const char *what; /* app name or image path, for the messages */
    char app[AKIRA_APP_NAME_MAX + 1];
    char version[AKIRA_APP_VERSION_MAX + 1];
    uint8_t *data; /* install, ota */
    size_t size;
    char sha256[2 * crypto_hash_sha256_BYTES + 1];
    uint32_t chunks;
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    char run[12]; /* command ids of this run: "<run>-<n>" */
    unsigned next_cmd;
};

static int publish(struct fleet *f, const char *topic, const void *p, size_t len)
{
    int rc = mosquitto_publish(f->m, NULL, topic, (int)len, p, 1, false);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "akira fleet: publish on %s: %s\n", topic, mosquitto_strerror(rc));
        return -1;
    }
    f->published++;
    return 0;
}

/* The signed command (and its data messages) to device d. */
static int send_cmd(struct fleet *f, struct job *j, struct fdev *d)
{
    snprintf(d->cmd, sizeof(d->cmd), "%s-%u", j->run, j->next_cmd++);
    char msg[1024];
    int n;
    unsigned long long ts = (unsigned long long)next_ts();
    if (!strcmp(j->op, "install"))
        n = snprintf(msg, sizeof(msg),
                     "{\"id\":\"%s\",\"ts\":%llu,\"to\":\"%s\",\"op\":\"install\",\"name\":\"%s\","
                     "\"size\":%zu,\"sha256\":\"%s\",\"chunks\":%u}",
                     d->cmd, ts, d->id, j->app, j->size, j->sha256, j->chunks);
    else if (!strcmp(j->op, "ota"))
        n = snprintf(msg, sizeof(msg),
                     "{\"id\":\"%s\",\"ts\":%llu,\"to\":\"%s\",\"op\":\"ota\",\"size\":%zu,"
                     "\"sha256\":\"%s\",\"chunks\":%u}",
                     d->cmd, ts, d->id, j->size, j->sha256, j->chunks);
    else
        n = snprintf(msg, sizeof(msg),
                     "{\"id\":\"%s\",\"ts\":%llu,\"to\":\"%s\",\"op\":\"%s\",\"app\":\"%s\"}",
                     d->cmd, ts, d->id, j->op, j->app);
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, (unsigned long long)n, j->sk);
    msg[n++] = '\n';
    tool_hex(sig, sizeof(sig), msg + n);
    n += 2 * crypto_sign_BYTES;
    char topic[64];
    snprintf(topic, sizeof(topic), "akira/%s/cmd", d->id);
    if (publish(f, topic, msg, (size_t)n)) return -1;
    if (!j->data) return 0;
    /* Data messages: AKD1, id length and bytes, u32 LE index, the bytes. */
    size_t idlen = strlen(d->cmd), hdr = 4 + 1 + idlen + 4;
    uint8_t *chunk = malloc(hdr + FLEET_CHUNK);
    if (!chunk) return -1;
    memcpy(chunk, "AKD1", 4);
    chunk[4] = (uint8_t)idlen;
    memcpy(chunk + 5, d->cmd, idlen);
    for (uint32_t i = 0; i < j->chunks; i++) {
        size_t off = (size_t)i * FLEET_CHUNK;
        size_t len = j->size - off < FLEET_CHUNK ? j->size - off : FLEET_CHUNK;
        uint8_t *q = chunk + 5 + idlen;
        q[0] = (uint8_t)i, q[1] = (uint8_t)(i >> 8), q[2] = (uint8_t)(i >> 16),
        q[3] = (uint8_t)(i >> 24);
        memcpy(chunk + hdr, j->data + off, len);
        if (publish(f, topic, chunk, hdr + len)) {
            free(chunk);
            return -1;
        }
    }
    free(chunk);
    return 0;
}

struct wave {
    struct fdev **t;
    size_t n;
};

static bool wave_done(struct fleet *f, void *arg)
{
    (void)f;
    struct wave *w = arg;
    for (size_t i = 0; i < w->n; i++)
        if (w->t[i]->st == T_SENT) return false;
    return true;
}

static bool all_acked(struct fleet *f, void *arg)
{
    (void)arg;
    return f->acked >= f->published;
}

static bool window_open(struct fleet *f, void *arg)
{
    (void)arg;
    return f->published - f->acked <= FLEET_WINDOW;
}

static bool has_tag(const char *tags, const char *tag)
{
    size_t tl = strlen(tag);
    for (const char *p = tags; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == tl && !strncmp(p, tag, tl)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static int load_job(struct job *j, const char *path)
{
    j->data = tool_read_file(path, FLEET_MAX_IMAGE, &j->size);
    if (!j->data) return 1;
    if (j->size == 0) {
        fprintf(stderr, "akira fleet: %s is empty\n", path);
        return 1;
    }
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, j->data, j->size);
    tool_hex(h, sizeof(h), j->sha256);
    j->chunks = (uint32_t)((j->size + FLEET_CHUNK - 1) / FLEET_CHUNK);
    if (strcmp(j->op, "install") != 0) return 0;
    struct akira_package_buf b = {j->data, j->size};
    struct akira_package pkg;
    struct akira_manifest_error e;
    if (akira_package_scan(akira_package_buf_read, &b, (uint32_t)j->size, &pkg, &e)) {
        fprintf(stderr, "akira fleet: %s: not an app package: %s: %s\n", path, e.field, e.reason);
        return 1;
    }
    snprintf(j->app, sizeof(j->app), "%s", pkg.manifest.name);
    snprintf(j->version, sizeof(j->version), "%s", pkg.manifest.version);
    return 0;
}

static int fleet_run(const char *broker, const char *key, const char *op, int argc, char **argv)
{
    const char *tag = opt_take(&argc, argv, "--tag");
    const char *devs = opt_take(&argc, argv, "--device");
    bool all = flag_take(&argc, argv, "--all");
    long wave_n = 0, max_fail = -1, timeout = 60, wait_s = 3;
    if (num_opt(opt_take(&argc, argv, "--wave"), "--wave", 1, FLEET_DEVICES_MAX, &wave_n) ||
        num_opt(opt_take(&argc, argv, "--max-fail"), "--max-fail", 0, FLEET_DEVICES_MAX,
                &max_fail) ||
        num_opt(opt_take(&argc, argv, "--timeout"), "--timeout", 1, 86400, &timeout) ||
        num_opt(opt_take(&argc, argv, "--wait"), "--wait", 1, 3600, &wait_s))
        return 2;
    const char *cmdname = !strcmp(op, "install") ? "deploy" : op;
    if (argc != 2 || (!!tag + !!devs + all) != 1 || (tag && !*tag) || (devs && !*devs)) {
        fprintf(stderr,
                "usage: akira fleet %s %s (--all | --tag T | --device ID[,ID...]) [--wave N] "
                "[--max-fail K] [--timeout S]\n",
                cmdname,
                !strcmp(op, "install") ? "APP.wasm"
                : !strcmp(op, "ota")   ? "IMAGE"
                                       : "APP");
        return 2;
    }
    static struct job j;
    memset(&j, 0, sizeof(j));
    j.op = op;
    j.what = argv[1];
    if (!strcmp(op, "install") || !strcmp(op, "ota")) {
        if (load_job(&j, argv[1])) return 1;
    } else if (!valid_app(argv[1])) {
        fprintf(stderr, "akira fleet: '%s' is not an app name\n", argv[1]);
        return 2;
    } else {
        snprintf(j.app, sizeof(j.app), "%s", argv[1]);
    }
    if (read_key(key, j.sk)) {
        free(j.data);
        return 1;
    }
    snprintf(j.run, sizeof(j.run), "%08x", (unsigned)randombytes_random());
    struct fleet f = {0};
    int rc = fleet_open(&f, broker);
    if (!rc) rc = fleet_collect(&f, (double)wait_s, 0, true);
    if (rc) goto out;
    qsort(f.dev, f.n, sizeof(*f.dev), by_id);

    /* The targets, sorted by id. */
    static struct fdev *t[FLEET_DEVICES_MAX];
    size_t nt = 0;
    if (devs) {
        char list[1024];
        snprintf(list, sizeof(list), "%s", devs);
        for (char *save, *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
            if (!valid_id(id, strlen(id))) {
                fprintf(stderr, "akira fleet: '%s' is not a device id\n", id);
                rc = 2;
                goto out;
            }
            struct fdev *d = dev_get(&f, id, false);
            if (!d || !d->have_status) {
                fprintf(stderr,
                        "akira fleet: no device %s on the broker (it never reported a status)\n",
                        id);
                rc = 1;
                goto out;
            }
            t[nt++] = d;
        }
    } else {
        for (size_t i = 0; i < f.n; i++) {
            struct fdev *d = &f.dev[i];
            if (!d->have_status) continue;
            if (all || has_tag(d->tags, tag))
                t[nt++] = d;
            else if (!d->online && !d->tags[0])
                printf("%s: offline, its last will names no tags: not a target of --tag "
                       "(--device %s reaches it)\n",
                       d->id, d->id);
        }
    }
    if (nt == 0) {
        fprintf(stderr, "akira fleet: no device %s%s\n", tag ? "with tag " : "on the broker",
                tag ? tag : "");
        rc = 1;
        goto out;
    }
    if (wave_n == 0) wave_n = (long)nt;
    size_t nwaves = (nt + (size_t)wave_n - 1) / (size_t)wave_n;
    if (j.data)
        printf("%s %s%s%s (%zu bytes, %u chunks) to %zu device%s%s\n", cmdname,
               j.app[0] ? j.app : j.what, j.version[0] ? " " : "", j.version, j.size, j.chunks, nt,
               nt == 1 ? "" : "s", "");
    else
        printf("%s %s on %zu device%s\n", cmdname, j.app, nt, nt == 1 ? "" : "s");
    if (nwaves > 1) printf("in %zu waves of %ld\n", nwaves, wave_n);

    size_t failed = 0, stopped_after = 0;
    double t0 = now_s();
    for (size_t w = 0; w < nwaves && !interrupted; w++) {
        struct wave wv = {t + w * (size_t)wave_n, 0};
        wv.n = nt - w * (size_t)wave_n < (size_t)wave_n ? nt - w * (size_t)wave_n : (size_t)wave_n;
        if (nwaves > 1)
            printf("wave %zu/%zu: %zu device%s\n", w + 1, nwaves, wv.n, wv.n == 1 ? "" : "s");
        for (size_t i = 0; i < wv.n; i++) {
            struct fdev *d = wv.t[i];
            if (send_cmd(&f, &j, d)) {
                rc = 1;
                goto out;
            }
            d->t_sent = now_s();
            d->st = d->online ? T_SENT : T_PENDING;
            /* Let the network drain what is queued (a large install to many devices
             * is not all held in memory first). */
            if (pump(&f, now_s() + 60, window_open, NULL)) {
                rc = 1;
                goto out;
            }
        }
        for (size_t i = 0; i < wv.n; i++)
            if (wv.t[i]->st == T_PENDING)
                printf("%s: pending (offline: the broker queues the command until it returns)\n",
                       wv.t[i]->id);
        /* Results as they come. */
        double deadline = now_s() + (double)timeout;
        size_t shown = 0;
        bool printed[FLEET_DEVICES_MAX] = {0};
        while (!interrupted) {
            if (pump(&f, now_s() + 0.05, NULL, NULL)) {
                rc = 1;
                goto out;
            }
            for (size_t i = 0; i < wv.n; i++) {
                struct fdev *d = wv.t[i];
                if (printed[i] || (d->st != T_OK && d->st != T_FAILED)) continue;
                printed[i] = true;
                shown++;
                if (d->st == T_OK)
                    printf("%s: ok (%.2f s)\n", d->id, d->t_done - d->t_sent);
                else
                    printf("%s: failed: %s\n", d->id, d->error);
            }
            if (wave_done(&f, &wv) || now_s() >= deadline) break;
        }
        (void)shown;
        for (size_t i = 0; i < wv.n; i++) {
            struct fdev *d = wv.t[i];
            if (d->st == T_SENT) {
                d->st = T_TIMEOUT;
                printf("%s: timeout (no result in %ld s)\n", d->id, timeout);
            }
            if (d->st == T_FAILED || d->st == T_TIMEOUT) failed++;
        }
        if (max_fail >= 0 && failed > (size_t)max_fail && w + 1 < nwaves) {
            stopped_after = w + 1;
            break;
        }
    }
    if (interrupted) printf("interrupted\n");
    if (stopped_after) {
        printf("stopped after wave %zu: %zu failed, more than --max-fail %ld\n", stopped_after,
               failed, max_fail);
        for (size_t i = 0; i < nt; i++)
            if (t[i]->st == T_NONE) {
                t[i]->st = T_SKIPPED;
                printf("%s: skipped\n", t[i]->id);
            }
    }
    /* Every message in the broker's hands before leaving (the pending ones are queued
     * there). */
    if (pump(&f, now_s() + 30, all_acked, NULL) == 0 && f.acked < f.published)
        fprintf(stderr, "akira fleet: %ld messages not acknowledged by the broker\n",
                f.published - f.acked);
    size_t cnt[T_SKIPPED + 1] = {0};
    for (size_t i = 0; i < nt; i++)
        cnt[t[i]->st]++;
    printf("%s %s: %zu ok, %zu failed, %zu pending, %zu skipped (of %zu) in %.2f s\n", cmdname,
           j.app[0] ? j.app : j.what, cnt[T_OK], cnt[T_FAILED] + cnt[T_TIMEOUT], cnt[T_PENDING],
           cnt[T_SKIPPED] + cnt[T_NONE], nt, now_s() - t0);
    rc = cnt[T_OK] == nt && f.acked >= f.published ? 0 : 1;
out:
    sodium_memzero(j.sk, sizeof(j.sk));
    free(j.data);
    fleet_close(&f);
    return rc;
}

/* --- logs ---------------------------------------------------------------------------- */

static int fleet_logs(const char *broker, int argc, char **argv)
{
    const char *dev = opt_take(&argc, argv, "--device");
    long for_s = 0;
    if (num_opt(opt_take(&argc, argv, "--for"), "--for", 1, 86400 * 365, &for_s)) return 2;
    if (argc != 1 || (dev && !valid_id(dev, strlen(dev)))) {
        fprintf(stderr, "usage: akira fleet logs [--device ID] [--for S]\n");
        return 2;
    }
    struct fleet f = {0};
    f.log_mode = true;
    int rc = fleet_open(&f, broker);
    char topic[64];
    snprintf(topic, sizeof(topic), "akira/%s/log", dev ? dev : "+");
    if (!rc) rc = subscribe(&f, topic, 0);
    if (!rc) {
        fprintf(stderr, "following %s (Ctrl-C ends)\n", topic);
        rc = pump(&f, for_s ? now_s() + (double)for_s : 1e300, NULL, NULL) ? 1 : 0;
    }
    fleet_close(&f);
    return rc;
}

int akira_tool_fleet(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (sodium_init() < 0) {
        fprintf(stderr, "akira fleet: libsodium failed to start\n");
        return 1;
    }
    const char *broker = opt_take(&argc, argv, "--broker");
    const char *key = opt_take(&argc, argv, "--key");
    char defkey[4096];
    if ((broker && !*broker) || (key && !*key) || argc < 2) {
        fprintf(stderr, "usage: akira fleet [--broker ADDR:PORT] [--key FILE] keygen | enroll | "
                        "status | deploy | start | stop | uninstall | ota | logs (akira help)\n");
        return 2;
    }
    if (!broker) broker = "127.0.0.1:1883";
    if (!key) {
        default_key_path(defkey, sizeof(defkey));
        key = defkey;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    const char *c = argv[1];
    argc--, argv++;
    if (!strcmp(c, "keygen")) return fleet_keygen(key, argc, argv);
    if (!strcmp(c, "enroll")) return fleet_enroll(broker, key, argc, argv);
    if (!strcmp(c, "status")) return fleet_status(broker, argc, argv);
    if (!strcmp(c, "deploy")) return fleet_run(broker, key, "install", argc, argv);
    if (!strcmp(c, "start") || !strcmp(c, "stop") || !strcmp(c, "uninstall") || !strcmp(c, "ota"))
        return fleet_run(broker, key, c, argc, argv);
    if (!strcmp(c, "logs")) return fleet_logs(broker, argc, argv);
    fprintf(stderr, "akira fleet: unknown command '%s' (see akira help)\n", c);
    return 2;
}

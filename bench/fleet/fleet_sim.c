/*
 * fleet_sim: many SIMULATED fleet devices in one process, each its own MQTT client
 * (Debian's libmosquitto, one network thread per client), speaking the device side of
 * docs/fleet.md: retained status and app list, last will, clean session off, signed
 * commands verified (Ed25519 against the trusted key, `to`, `ts` strictly increasing),
 * install / ota data messages (AKD1, in order, size and SHA-256 checked), results.
 *
 * It is NOT an AkiraOS device: nothing is stored or run (an "installed" app is a name
 * in a list). It stands in for devices where full native_sim firmware would be too
 * heavy to start by the hundred (bench/fleet/bench_fleet.py), and it gives the CLI's
 * tests (tests/fleet/test_fleet_sim.py) devices whose behaviour is known.
 *
 *   fleet_sim --broker HOST:PORT --trust HEX64 [--count N] [--prefix P] [--first K]
 *             [--tags a,b] [--tag-cycle x,y,...]
 *
 * At most 300 devices per process (libmosquitto waits with select(): see SIM_MAX).
 * Device i is P-NNN (NNN = K + i, three digits at least), with the --tags and, with
 * --tag-cycle, the cycle's tag number i mod its length. Prints "fleet-sim: N ready"
 * when every client has published its status, then runs until SIGINT/SIGTERM (it then
 * disconnects cleanly) or SIGKILL (the broker publishes the wills).
 */
#define _DEFAULT_SOURCE
#include <mosquitto.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json_read.h"
#include "util.h"

#define SIM_APPS  8
#define SIM_CHUNK 4096u
/* libmosquitto's loop waits with select(), which takes descriptors below FD_SETSIZE
 * (1024) only, and each client holds 3 (its socket and a wake-up pair): more devices
 * are more processes. */
#define SIM_MAX 300

struct sim_app {
    char name[40];
    char state[12];
};

struct sim {
    struct mosquitto *m;
    char id[33];
    char tags_json[160];
    uint64_t last_ts;
    struct sim_app apps[SIM_APPS];
    int napps;
    /* the install or OTA in progress */
    bool receiving, is_ota;
    char cmd[33], name[40];
    uint32_t size, got, chunks, next;
    char sha[65];
    crypto_hash_sha256_state h;
    bool announced;
};

static uint8_t trusted[crypto_sign_PUBLICKEYBYTES];
static atomic_int ready, commands;
static volatile sig_atomic_t stop;
static struct timespec t_start;

static void on_sig(int s)
{
    (void)s;
    stop = 1;
}

static uint64_t uptime_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - t_start.tv_sec) * 1000u +
           (uint64_t)((t.tv_nsec - t_start.tv_nsec) / 1000000);
}

static void pub(struct sim *s, const char *kind, const char *text, bool retain)
{
    char topic[64];
    snprintf(topic, sizeof(topic), "akira/%s/%s", s->id, kind);
    mosquitto_publish(s->m, NULL, topic, (int)strlen(text), text, 1, retain);
}

static void publish_state(struct sim *s)
{
    char buf[1024];
    int running = 0;
    size_t n = (size_t)snprintf(buf, sizeof(buf), "[");
    for (int i = 0; i < s->napps; i++) {
        running += !strcmp(s->apps[i].state, "running");
        n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                              "%s{\"name\":\"%s\",\"version\":\"1.0.0\",\"state\":\"%s\"}",
                              i ? "," : "", s->apps[i].name, s->apps[i].state);
    }
    snprintf(buf + n, sizeof(buf) - n, "]");
    pub(s, "apps", buf, true);
    snprintf(buf, sizeof(buf),
             "{\"id\":\"%s\",\"online\":true,\"board\":\"fleet-sim\",\"version\":\"0.1.0\","
             "\"tags\":%s,\"uptime_ms\":%llu,\"apps_installed\":%d,\"apps_running\":%d}",
             s->id, s->tags_json, (unsigned long long)uptime_ms(), s->napps, running);
    pub(s, "status", buf, true);
}

static void result(struct sim *s, const char *cmd, const char *err, const char *detail)
{
    char buf[256];
    if (!err)
        snprintf(buf, sizeof(buf), "{\"cmd\":\"%s\",\"ok\":true}", cmd);
    else
        snprintf(buf, sizeof(buf),
                 "{\"cmd\":\"%s\",\"ok\":false,\"error\":\"%s\",\"detail\":\"%s\"}", cmd, err,
                 detail);
    pub(s, "result", buf, false);
    atomic_fetch_add(&commands, 1);
}

static int find_app(struct sim *s, const char *name)
{
    for (int i = 0; i < s->napps; i++)
        if (!strcmp(s->apps[i].name, name)) return i;
    return -1;
}

static void on_data(struct sim *s, const uint8_t *p, size_t len)
{
    if (len < 9 || !s->receiving) return;
    size_t idlen = p[4];
    if (len < 5 + idlen + 4 || idlen != strlen(s->cmd) || memcmp(p + 5, s->cmd, idlen)) return;
    const uint8_t *q = p + 5 + idlen;
    uint32_t idx =
        (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    size_t dlen = len - 5 - idlen - 4;
    if (idx != s->next || dlen > SIM_CHUNK || s->got + dlen > s->size) {
        s->receiving = false;
        result(s, s->cmd, "EIO", "chunk out of order or too long");
        return;
    }
    crypto_hash_sha256_update(&s->h, q + 4, dlen);
    s->got += (uint32_t)dlen;
    s->next++;
    if (s->next < s->chunks) return;
    s->receiving = false;
    uint8_t h[32];
    char hex[65];
    crypto_hash_sha256_final(&s->h, h);
    tool_hex(h, sizeof(h), hex);
    if (s->got != s->size || strcmp(hex, s->sha) != 0) {
        result(s, s->cmd, "EIO", "size or sha256 does not match the command");
        return;
    }
    if (!s->is_ota) {
        int i = find_app(s, s->name);
        if (i < 0 && s->napps < SIM_APPS) i = s->napps++;
        if (i < 0) {
            result(s, s->cmd, "ENOSPC", "no room for another app");
            return;
        }
        snprintf(s->apps[i].name, sizeof(s->apps[i].name), "%s", s->name);
        snprintf(s->apps[i].state, sizeof(s->apps[i].state), "installed");
        publish_state(s);
    }
    result(s, s->cmd, NULL, NULL);
}

static void on_command(struct sim *s, const char *p, size_t len)
{
    const char *nl = memchr(p, '\n', len);
    uint8_t sig[crypto_sign_BYTES];
    struct jr_doc d;
    /* The id for the result, even of a refused command (parsed only to answer). */
    char cmd[33] = "?";
    size_t jlen = nl ? (size_t)(nl - p) : len;
    if (jr_parse(&d, p, jlen) == 0) {
        const char *c = jr_str(&d, &d.nodes[0], "id", "?");
        snprintf(cmd, sizeof(cmd), "%s", strlen(c) <= 32 ? c : "?");
        jr_free(&d);
    }
    if (!nl || len - jlen - 1 < 2 * crypto_sign_BYTES ||
        tool_unhex(nl + 1, len - jlen - 1, sig, sizeof(sig)) ||
        crypto_sign_verify_detached(sig, (const uint8_t *)p, jlen, trusted) != 0) {
        result(s, cmd, "EACCES", "bad signature");
        return;
    }
    if (jr_parse(&d, p, jlen) || d.nodes[0].type != JR_OBJ) {
        result(s, cmd, "EINVAL", "not a JSON object");
        return;
    }
    const struct jr_node *r = &d.nodes[0];
    const char *to = jr_str(&d, r, "to", NULL), *op = jr_str(&d, r, "op", "");
    uint64_t ts = (uint64_t)jr_num(&d, r, "ts", 0);
    if (to && strcmp(to, s->id) != 0) {
        result(s, cmd, "EACCES", "for another device");
    } else if (ts <= s->last_ts) {
        result(s, cmd, "EACCES", "replayed (ts not after the last command)");
    } else if (!strcmp(op, "install") || !strcmp(op, "ota")) {
        s->last_ts = ts;
        s->is_ota = !strcmp(op, "ota");
        snprintf(s->cmd, sizeof(s->cmd), "%s", cmd);
        snprintf(s->name, sizeof(s->name), "%s", jr_str(&d, r, "name", "?"));
        snprintf(s->sha, sizeof(s->sha), "%s", jr_str(&d, r, "sha256", ""));
        s->size = (uint32_t)jr_num(&d, r, "size", 0);
        s->chunks = (uint32_t)jr_num(&d, r, "chunks", 0);
        s->got = s->next = 0;
        crypto_hash_sha256_init(&s->h);
        s->receiving = s->chunks > 0 && s->size > 0;
        if (!s->receiving) result(s, cmd, "EINVAL", "no data");
    } else if (!strcmp(op, "start") || !strcmp(op, "stop") || !strcmp(op, "uninstall")) {
        s->last_ts = ts;
        int i = find_app(s, jr_str(&d, r, "app", ""));
        if (i < 0) {
            result(s, cmd, "ENOENT", "no such app");
        } else {
            if (!strcmp(op, "uninstall"))
                s->apps[i] = s->apps[--s->napps];
            else
                snprintf(s->apps[i].state, sizeof(s->apps[i].state), "%s",
                         !strcmp(op, "start") ? "running" : "stopped");
            publish_state(s);
            result(s, cmd, NULL, NULL);
        }
    } else if (!strcmp(op, "status")) {
        s->last_ts = ts;
        publish_state(s);
        result(s, cmd, NULL, NULL);
    } else {
        result(s, cmd, "EINVAL", "unknown op");
    }
    jr_free(&d);
}

static void on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
    (void)m;
    struct sim *s = ctx;
    const uint8_t *p = msg->payload;
    size_t len = (size_t)msg->payloadlen;
    if (len >= 4 && !memcmp(p, "AKD1", 4))
        on_data(s, p, len);
    else
        on_command(s, (const char *)p, len);
}

static void on_connect(struct mosquitto *m, void *ctx, int rc)
{
    struct sim *s = ctx;
    if (rc != 0) return;
    char topic[64];
    snprintf(topic, sizeof(topic), "akira/%s/cmd", s->id);
    mosquitto_subscribe(m, NULL, topic, 1);
    publish_state(s);
    if (!s->announced) {
        s->announced = true;
        atomic_fetch_add(&ready, 1);
    }
}

static void tags_to_json(const char *tags, const char *extra, char *out, size_t cap)
{
    char list[160];
    snprintf(list, sizeof(list), "%s%s%s", tags ? tags : "", tags && extra ? "," : "",
             extra ? extra : "");
    size_t n = (size_t)snprintf(out, cap, "[");
    int first = 1;
    for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", first ? "" : ",", t);
        first = 0;
    }
    snprintf(out + n, cap - n, "]");
}

int main(int argc, char **argv)
{
    const char *broker = NULL, *trust = NULL, *prefix = "sim", *tags = NULL, *cycle = NULL;
    int count = 1, first = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--broker"))
            broker = argv[i + 1];
        else if (!strcmp(argv[i], "--trust"))
            trust = argv[i + 1];
        else if (!strcmp(argv[i], "--count"))
            count = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--first"))
            first = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--prefix"))
            prefix = argv[i + 1];
        else if (!strcmp(argv[i], "--tags"))
            tags = argv[i + 1];
        else if (!strcmp(argv[i], "--tag-cycle"))
            cycle = argv[i + 1];
        else
            broker = NULL, i = argc;
    }
    const char *colon = broker ? strrchr(broker, ':') : NULL;
    if (!colon || !trust || count < 1 || count > SIM_MAX || first < 0 || strlen(prefix) > 24 ||
        sodium_init() < 0 || tool_unhex(trust, strlen(trust), trusted, sizeof(trusted))) {
        fprintf(stderr, "usage: fleet_sim --broker HOST:PORT --trust HEX64 [--count N] "
                        "[--prefix P] [--first K] [--tags a,b] [--tag-cycle x,y]\n");
        return 2;
    }
    char host[256];
    snprintf(host, sizeof(host), "%.*s", (int)(colon - broker), broker);
    int port = atoi(colon + 1);
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    signal(SIGINT, on_sig);
    signal(SIGTERM, on_sig);
    signal(SIGPIPE, SIG_IGN);
    mosquitto_lib_init();
    struct sim *sims = calloc((size_t)count, sizeof(*sims));
    char *cyc[16];
    int ncyc = 0;
    static char cycbuf[256];
    if (cycle) {
        snprintf(cycbuf, sizeof(cycbuf), "%s", cycle);
        for (char *save, *t = strtok_r(cycbuf, ",", &save); t && ncyc < 16;
             t = strtok_r(NULL, ",", &save))
            cyc[ncyc++] = t;
    }
    for (int i = 0; i < count; i++) {
        struct sim *s = &sims[i];
        snprintf(s->id, sizeof(s->id), "%s-%03d", prefix, first + i);
        tags_to_json(tags, ncyc ? cyc[i % ncyc] : NULL, s->tags_json, sizeof(s->tags_json));
        s->m = mosquitto_new(s->id, false, s);
        if (!s->m) return 1;
        mosquitto_int_option(s->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
        char will[256];
        snprintf(will, sizeof(will), "{\"id\":\"%s\",\"online\":false,\"tags\":%s}", s->id,
                 s->tags_json);
        char topic[64];
        snprintf(topic, sizeof(topic), "akira/%s/status", s->id);
        mosquitto_will_set(s->m, topic, (int)strlen(will), will, 1, true);
        mosquitto_reconnect_delay_set(s->m, 1, 8, true);
        mosquitto_connect_callback_set(s->m, on_connect);
        mosquitto_message_callback_set(s->m, on_message);
        /* connect_async: a broker not up yet (or restarting) is retried by the thread. */
        mosquitto_connect_async(s->m, host, port, 30);
        usleep(2000); /* a fleet does not connect in one millisecond: 500 a second */
        if (mosquitto_loop_start(s->m) != MOSQ_ERR_SUCCESS) {
            fprintf(stderr, "fleet_sim: no thread for %s\n", s->id);
            return 1;
        }
    }
    bool said = false;
    while (!stop) {
        usleep(20000);
        if (!said && atomic_load(&ready) == count) {
            said = true;
            printf("fleet-sim: %d ready\n", count);
            fflush(stdout);
        }
    }
    /* A clean leave says offline itself (the will is only for a lost connection). */
    for (int i = 0; i < count; i++) {
        char off[256];
        snprintf(off, sizeof(off), "{\"id\":\"%s\",\"online\":false,\"tags\":%s}", sims[i].id,
                 sims[i].tags_json);
        pub(&sims[i], "status", off, true);
    }
    usleep(200000);
    for (int i = 0; i < count; i++) {
        mosquitto_disconnect(sims[i].m);
        mosquitto_loop_stop(sims[i].m, false);
        mosquitto_destroy(sims[i].m);
    }
    printf("fleet-sim: %d commands answered\n", atomic_load(&commands));
    free(sims);
    mosquitto_lib_cleanup();
    return 0;
}

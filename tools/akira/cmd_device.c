/*
 * The `akira` tool's device commands: device add/list, status, apps, install, start,
 * stop, rm, logs. Each talks to the device's HTTP API (docs/connectivity.md) with the
 * device's token; `--device NAME` picks another device than the default (the last
 * added). `--serial PATH` (or a device whose URL is serial:PATH) carries the same
 * requests over the serial management link instead (docs/serial.md); `--ble NODE
 * --radio SOCK` over BLE through a helper node on the radio medium (ble_central.h,
 * docs/ble.md), the same framed protocol; `--token T`
 * gives the token when no device entry does.
 *
 * Exit status: 0 done; 1 the device is unreachable or refused (its JSON error is
 * shown); 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ble_central.h"
#include "commands.h"
#include "device.h"
#include "http_client.h"
#include "json_read.h"
#include "serial_client.h"
#include "tls_client.h"

#define SERIAL_SCHEME "serial:"

struct dev {
    struct tool_device d;
    struct hc_url u;
    const char *serial; /* the line's path, or NULL for HTTP */
};

/* Takes `OPT VALUE` out of argv (anywhere after the command); NULL when absent, ""
 * when it lacks its value. */
static const char *take_opt(int *argc, char **argv, const char *opt)
{
    const char *name = NULL;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], opt) != 0) continue;
        name = i + 1 < *argc ? argv[i + 1] : "";
        int drop = i + 1 < *argc ? 2 : 1;
        for (int k = i; k + drop <= *argc; k++)
            argv[k] = argv[k + drop];
        *argc -= drop;
        break;
    }
    return name;
}

static int dev_open(int *argc, char **argv, struct dev *out)
{
    memset(out, 0, sizeof(*out));
    const char *name = take_opt(argc, argv, "--device");
    const char *serial = take_opt(argc, argv, "--serial");
    const char *token = take_opt(argc, argv, "--token");
    const char *ble = take_opt(argc, argv, "--ble");
    const char *radio = take_opt(argc, argv, "--radio");
    const char *pos = take_opt(argc, argv, "--radio-pos");
    if (!radio) radio = getenv("AKIRA_RADIO");
    if ((name && !*name) || (serial && !*serial) || (token && !*token) || (ble && !*ble) ||
        (radio && !*radio) || (pos && !*pos)) {
        fprintf(stderr, "akira: --device, --serial, --ble, --radio, --radio-pos and --token "
                        "need a value\n");
        return 2;
    }
    if (ble && serial) {
        fprintf(stderr, "akira: --ble or --serial, not both\n");
        return 2;
    }
    static char ble_pty[64];
    if (ble) {
        if (!radio) {
            fprintf(stderr, "akira: --ble needs --radio SOCK (the medium's socket, or "
                            "$AKIRA_RADIO)\n");
            return 2;
        }
        if (!token && tool_device_find(name, &out->d)) {
            fprintf(stderr, "akira: --ble needs --token TOKEN (or a device entry)\n");
            return 1;
        }
        char err[300];
        if (ble_central_start(ble, radio, pos, ble_pty, sizeof(ble_pty), err, sizeof(err))) {
            fprintf(stderr, "akira: --ble %s: %s\n", ble, err);
            return 1;
        }
        atexit(ble_central_stop);
        if (token) snprintf(out->d.token, sizeof(out->d.token), "%s", token);
        snprintf(out->d.name, sizeof(out->d.name), "ble:%s", ble);
        snprintf(out->d.url, sizeof(out->d.url), "%s", ble_pty);
        out->serial = out->d.url;
        return 0;
    }
    if (token && strlen(token) >= sizeof(out->d.token)) {
        fprintf(stderr, "akira: --token too long\n");
        return 2;
    }
    if (serial && strlen(serial) >= sizeof(out->d.url)) {
        fprintf(stderr, "akira: --serial path too long\n");
        return 2;
    }
    if (serial) {
        /* The token: --token, else the named (or default) device entry's. */
        if (!token) {
            if (tool_device_find(name, &out->d)) {
                fprintf(stderr, "akira: --serial needs --token TOKEN (or a device entry)\n");
                return 1;
            }
        } else {
            snprintf(out->d.token, sizeof(out->d.token), "%s", token);
        }
        snprintf(out->d.name, sizeof(out->d.name), "%s", name ? name : "serial");
        snprintf(out->d.url, sizeof(out->d.url), "%s", serial);
        out->serial = out->d.url;
        return 0;
    }
    if (tool_device_find(name, &out->d)) return 1;
    if (token) snprintf(out->d.token, sizeof(out->d.token), "%s", token);
    if (!strncmp(out->d.url, SERIAL_SCHEME, strlen(SERIAL_SCHEME))) {
        out->serial = out->d.url + strlen(SERIAL_SCHEME);
        return 0;
    }
    char err[300];
    if (hc_url_parse(out->d.url, &out->u, err, sizeof(err))) {
        fprintf(stderr, "akira: device '%s': %s\n", out->d.name, err);
        return 1;
    }
    if (out->u.tls) {
        if (!out->d.pin[0] || tc_fp_parse(out->d.pin, out->u.pin)) {
            fprintf(stderr,
                    "akira: device '%s' has no pinned certificate fingerprint: akira device "
                    "pin %s\n",
                    out->d.name, out->d.name);
            return 1;
        }
        out->u.pinned = true;
    }
    return 0;
}

struct answer {
    struct hc_response resp;
    struct jr_doc doc;
    const struct jr_node *root;
};

static void answer_free(struct answer *a)
{
    hc_response_free(&a->resp);
    jr_free(&a->doc);
}

/* Why the device said no, from its JSON error ({"error": ...}) or the raw body. */
static void print_refusal(const struct dev *v, const struct answer *a)
{
    const char *msg = a->root ? jr_str(&a->doc, a->root, "error", NULL) : NULL;
    fprintf(stderr, "akira: device '%s' refused (HTTP %d): %s\n", v->d.name, a->resp.status,
            msg           ? msg
            : a->resp.len ? a->resp.body
                          : "(no reason given)");
    if (a->resp.status == 401)
        fprintf(stderr,
                "       the token is wrong: get it with `http token` on the device's "
                "console, then akira device add %s %s TOKEN\n",
                v->d.name, v->d.url);
}

/* The session id of a request over the serial line: for an upload, a digest of the
 * request (token, path, package), so that the same command run again after a cut
 * resumes the device's session; otherwise a fresh one. */
static uint32_t session_id(const struct dev *v, const struct hc_request *req)
{
    if (!req->body) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        uint32_t seed[3] = {(uint32_t)t.tv_nsec, (uint32_t)t.tv_sec, (uint32_t)getpid()};
        return akira_serial_crc32(0, seed, sizeof(seed));
    }
    uint32_t crc = akira_serial_crc32(0, v->d.token, strlen(v->d.token));
    crc = akira_serial_crc32(crc, req->method, strlen(req->method));
    crc = akira_serial_crc32(crc, req->path, strlen(req->path));
    static unsigned char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), req->body)) > 0)
        crc = akira_serial_crc32(crc, buf, n);
    rewind(req->body);
    return crc;
}

/* One request over the serial link: the same HTTP/1.1 as over TCP. */
static int serial_request(const struct dev *v, const struct hc_request *req,
                          struct hc_response *out, char *err, size_t cap)
{
    memset(out, 0, sizeof(*out));
    struct sc_link sc;
    int tmo = req->timeout_ms > 0 ? req->timeout_ms : 10000;
    if (sc_open(&sc, v->serial, session_id(v, req), tmo, err, cap)) return -1;
    if (sc.resumed && sc.received)
        fprintf(stderr, "akira: resuming the interrupted upload at byte %u\n",
                (unsigned)sc.received);
    /* Host: "serial" whatever the path, so a resumed request is the same bytes. */
    struct hc_conn c = sc_conn(&sc, "serial");
    int rc = hc_request_over(&c, req, out, err, cap);
    sc_close(&sc);
    return rc;
}

/* One request; 0 with a 2xx JSON answer in *a, else 1 with the reason printed. */
static int call(const struct dev *v, struct hc_request *req, struct answer *a)
{
    memset(a, 0, sizeof(*a));
    char err[300];
    if (v->serial ? serial_request(v, req, &a->resp, err, sizeof(err))
                  : hc_request(&v->u, req, &a->resp, err, sizeof(err))) {
        if (a->resp.fp_changed) {
            fprintf(stderr,
                    "akira: WARNING: device '%s' (%s): %s\n"
                    "       if you expected it (the device was reset or re-keyed), check the "
                    "new fingerprint on its console (`http tls`) and re-pin: akira device pin "
                    "%s\n",
                    v->d.name, v->d.url, err, v->d.name);
            return 1;
        }
        fprintf(stderr, "akira: device '%s' (%s) unreachable: %s\n", v->d.name, v->d.url, err);
        return 1;
    }
    if (jr_parse(&a->doc, a->resp.body, a->resp.len) == 0) a->root = &a->doc.nodes[0];
    if (a->resp.status < 200 || a->resp.status >= 300) {
        print_refusal(v, a);
        answer_free(a);
        return 1;
    }
    if (!a->root || a->root->type != JR_OBJ) {
        fprintf(stderr, "akira: device '%s' answered HTTP %d with no JSON object\n", v->d.name,
                a->resp.status);
        answer_free(a);
        return 1;
    }
    return 0;
}

static int simple(const struct dev *v, const char *method, const char *path, bool auth,
                  struct answer *a)
{
    struct hc_request req = {.method = method, .path = path, .token = auth ? v->d.token : NULL};
    return call(v, &req, a);
}

/* Trust on first use: the certificate the device shows now becomes its pin (printed,
 * to compare with `http tls` on its console). */
static int first_use_pin(const struct hc_url *u, struct tool_device *d)
{
    struct hc_url any = *u;
    any.pinned = false;
    struct hc_request req = {.method = "GET", .path = "/api/status"};
    struct hc_response resp;
    char err[300];
    if (hc_request(&any, &req, &resp, err, sizeof(err)) && !resp.fp_seen) {
        fprintf(stderr, "akira: %s: cannot read its certificate: %s\n", d->url, err);
        return 1;
    }
    hc_response_free(&resp);
    tc_fp_format(resp.fp, d->pin);
    printf("pinned %s's certificate, SHA-256 %s\n"
           "       (trust on first use: compare with `http tls` on the device's console)\n",
           d->name, d->pin);
    return 0;
}

int akira_tool_device(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "add")) {
        if (argc != 5) {
            fprintf(stderr, "usage: akira device add NAME URL TOKEN\n");
            return 2;
        }
        struct tool_device d;
        struct hc_url u;
        char err[300];
        if (strlen(argv[2]) >= sizeof(d.name) || strlen(argv[3]) >= sizeof(d.url) ||
            strlen(argv[4]) >= sizeof(d.token) || strpbrk(argv[2], " \t\n") ||
            strpbrk(argv[4], " \t\n")) {
            fprintf(stderr, "akira: device add: name, URL or token too long or with spaces\n");
            return 2;
        }
        bool serial = !strncmp(argv[3], SERIAL_SCHEME, strlen(SERIAL_SCHEME)) &&
                      argv[3][strlen(SERIAL_SCHEME)] != '\0';
        if (!serial && hc_url_parse(argv[3], &u, err, sizeof(err))) {
            fprintf(stderr, "akira: device add: %s\n", err);
            return 2;
        }
        snprintf(d.name, sizeof(d.name), "%s", argv[2]);
        snprintf(d.url, sizeof(d.url), "%s", argv[3]);
        snprintf(d.token, sizeof(d.token), "%s", argv[4]);
        d.pin[0] = '\0';
        if (!serial && u.tls && first_use_pin(&u, &d)) return 1;
        if (tool_device_add(&d)) return 1;
        printf("device %s at %s added (the default now)\n", d.name, d.url);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "pin")) {
        /* Re-pin explicitly: the device's current certificate is trusted from now on. */
        struct tool_device d;
        struct hc_url u;
        char err[300];
        if (tool_device_find(argv[2], &d)) return 1;
        if (hc_url_parse(d.url, &u, err, sizeof(err)) || !u.tls) {
            fprintf(stderr, "akira: device pin: %s is not an https:// device\n", d.name);
            return 2;
        }
        if (d.pin[0]) printf("was pinned to %s\n", d.pin);
        if (first_use_pin(&u, &d)) return 1;
        if (tool_device_add(&d)) return 1;
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "list")) {
        static struct tool_device all[TOOL_DEVICES_MAX];
        int n = tool_devices_load(all, TOOL_DEVICES_MAX);
        if (n < 0) return 1;
        for (int i = 0; i < n; i++)
            printf("%s %s%s\n", all[i].name, all[i].url, i == n - 1 ? " (default)" : "");
        return 0;
    }
    fprintf(stderr, "usage: akira device add NAME URL TOKEN | akira device pin NAME | akira "
                    "device list\n");
    return 2;
}

int akira_tool_status(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    if (argc != 1) {
        fprintf(stderr, "usage: akira status [--device NAME]\n");
        return 2;
    }
    struct answer a, apps;
    if (simple(&v, "GET", "/api/status", false, &a)) return 1;
    const struct jr_doc *d = &a.doc;
    double up = jr_num(d, a.root, "uptime_ms", 0) / 1000.0;
    printf("device:  %s (%s)\n", v.d.name, v.d.url);
    printf("version: %s on %s, up %.1f s\n", jr_str(d, a.root, "version", "?"),
           jr_str(d, a.root, "board", "?"), up);
    const struct jr_node *mem = jr_get(d, a.root, "memory");
    if (mem)
        printf("memory:  %.0f of %.0f bytes used\n", jr_num(d, mem, "heap_used", 0),
               jr_num(d, mem, "heap_total", 0));
    const struct jr_node *fs = jr_get(d, jr_get(d, a.root, "flash"), "fs");
    if (fs)
        printf("fs:      %.0f of %.0f bytes free\n", jr_num(d, fs, "free", 0),
               jr_num(d, fs, "total", 0));
    answer_free(&a);
    if (simple(&v, "GET", "/api/apps", false, &apps)) return 1;
    int installed = 0;
    printf("running:");
    const struct jr_node *list = jr_get(&apps.doc, apps.root, "apps");
    int running = 0;
    for (const struct jr_node *n = jr_first(&apps.doc, list); n; n = jr_next(&apps.doc, n)) {
        installed++;
        const char *st = jr_str(&apps.doc, n, "state", "");
        if (!strcmp(st, "running") || !strcmp(st, "loaded")) {
            printf(" %s", jr_str(&apps.doc, n, "name", "?"));
            running++;
        }
    }
    printf("%s\napps:    %d installed (at most %.0f, %.0f running)\n", running ? "" : " none",
           installed, jr_num(&apps.doc, apps.root, "installed_max", 0),
           jr_num(&apps.doc, apps.root, "running_max", 0));
    answer_free(&apps);
    return 0;
}

static void print_caps(const struct jr_doc *d, const struct jr_node *app, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const struct jr_node *c = jr_first(d, jr_get(d, app, "caps")); c; c = jr_next(d, c)) {
        if (c->type != JR_STR) continue;
        int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", c->str);
        if (w < 0 || (size_t)w >= cap - n) break;
        n += (size_t)w;
    }
    if (!n) snprintf(buf, cap, "-");
}

int akira_tool_apps(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    if (argc != 1) {
        fprintf(stderr, "usage: akira apps [--device NAME]\n");
        return 2;
    }
    struct answer a;
    if (simple(&v, "GET", "/api/apps", false, &a)) return 1;
    const struct jr_doc *d = &a.doc;
    printf("%-20s %-12s %-12s %-8s %8s %8s %s\n", "NAME", "VERSION", "STATE", "SIGNED", "SIZE",
           "QUOTA", "CAPS");
    int n = 0;
    for (const struct jr_node *app = jr_first(d, jr_get(d, a.root, "apps")); app;
         app = jr_next(d, app), n++) {
        char caps[256], state[40];
        print_caps(d, app, caps, sizeof(caps));
        const char *reason = jr_str(d, app, "reason", NULL);
        snprintf(state, sizeof(state), "%s%s%s%s", jr_str(d, app, "state", "?"), reason ? "(" : "",
                 reason ? reason : "", reason ? ")" : "");
        printf("%-20s %-12s %-12s %-8s %8.0f %7.0fK %s\n", jr_str(d, app, "name", "?"),
               jr_str(d, app, "version", "?"), state,
               jr_bool(d, app, "signed", false) ? "yes" : "no", jr_num(d, app, "size", 0),
               jr_num(d, app, "memory_quota", 0) / 1024, caps);
    }
    printf("%d installed (at most %.0f)\n", n, jr_num(d, a.root, "installed_max", 0));
    answer_free(&a);
    return 0;
}

/* keys [list] | keys add NAME FILE.pub | keys rm NAME: the device's trusted signing
 * keys (GET /api/keys, PUT and DELETE /api/keys/NAME). */
int akira_tool_keys(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    const char *sub = argc >= 2 ? argv[1] : "list";
    bool list = !strcmp(sub, "list") && argc <= 2;
    bool add = !strcmp(sub, "add") && argc == 4;
    bool rm = !strcmp(sub, "rm") && argc == 3;
    if (!list && !add && !rm) {
        fprintf(stderr, "usage: akira keys [list | add NAME FILE.pub | rm NAME] [--device NAME]\n");
        return 2;
    }
    const char *name = argc >= 3 ? argv[2] : "";
    if (!list && (strlen(name) > 31 || strpbrk(name, "/?#% "))) {
        fprintf(stderr, "akira: '%s' is not a key name\n", name);
        return 2;
    }
    char path[64];
    snprintf(path, sizeof(path), "/api/keys%s%s", list ? "" : "/", list ? "" : name);
    struct answer a;
    if (list) {
        if (simple(&v, "GET", path, false, &a)) return 1;
        const struct jr_doc *d = &a.doc;
        printf("%-20s %-16s %s\n", "NAME", "KEY ID", "PUBLIC KEY");
        for (const struct jr_node *k = jr_first(d, jr_get(d, a.root, "keys")); k; k = jr_next(d, k))
            printf("%-20s %-16s %s\n", jr_str(d, k, "name", "?"), jr_str(d, k, "key_id", "?"),
                   jr_str(d, k, "key", "?"));
        printf("unsigned apps: %s\n",
               jr_bool(d, a.root, "allow_unsigned", false) ? "allowed" : "refused");
    } else if (rm) {
        if (simple(&v, "DELETE", path, true, &a)) return 1;
        printf("no longer trusting %s on %s\n", name, v.d.name);
    } else {
        FILE *f = fopen(argv[3], "rb");
        struct stat sb;
        if (!f || fstat(fileno(f), &sb) != 0) {
            fprintf(stderr, "akira: %s: %s\n", argv[3], strerror(errno));
            if (f) fclose(f);
            return 1;
        }
        struct hc_request req = {.method = "PUT",
                                 .path = path,
                                 .token = v.d.token,
                                 .body = f,
                                 .body_len = (uint64_t)sb.st_size};
        rc = call(&v, &req, &a);
        fclose(f);
        if (rc) return rc;
        printf("trusting %s (key id %s) on %s\n", name, jr_str(&a.doc, a.root, "key_id", "?"),
               v.d.name);
    }
    answer_free(&a);
    return 0;
}

/* The progress bar, on stderr when it is a terminal. */
struct progress {
    bool tty;
    struct timespec t0;
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_show(void *ctx, uint64_t sent, uint64_t total)
{
    struct progress *p = ctx;
    if (!p->tty) return;
    int width = 30, fill = total ? (int)((double)sent / (double)total * width) : width;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    double s = since(&p->t0);
    fprintf(stderr, "\r[%s] %3d%% %llu/%llu bytes %.2f MB/s", bar,
            total ? (int)(100.0 * (double)sent / (double)total) : 100, (unsigned long long)sent,
            (unsigned long long)total, s > 0 ? (double)sent / s / 1e6 : 0.0);
    if (sent == total) fputc('\n', stderr);
    fflush(stderr);
}

int akira_tool_install(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    if (argc != 2) {
        fprintf(stderr, "usage: akira install APP.wasm|APP.akpkg [--device NAME]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "akira: %s: %s\n", argv[1], f ? "not a regular file" : strerror(errno));
        if (f) fclose(f);
        return 1;
    }
    struct progress p = {.tty = isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &p.t0);
    struct hc_request req = {.method = "POST",
                             .path = "/api/apps",
                             .token = v.d.token,
                             .body = f,
                             .body_len = (uint64_t)sb.st_size,
                             .progress = progress_show,
                             .progress_ctx = &p,
                             .timeout_ms = 30000};
    struct answer a;
    rc = call(&v, &req, &a);
    fclose(f);
    if (rc) return rc;
    const struct jr_doc *d = &a.doc;
    double s = since(&p.t0);
    printf("installed %s %s on %s (%lld bytes in %.1f ms, %.2f MB/s, %s)\n",
           jr_str(d, a.root, "name", "?"), jr_str(d, a.root, "version", "?"), v.d.name,
           (long long)sb.st_size, s * 1e3, s > 0 ? (double)sb.st_size / s / 1e6 : 0.0,
           jr_bool(d, a.root, "signed", false) ? "signed" : "unsigned");
    answer_free(&a);
    return 0;
}

/* start, stop, rm: one request on /api/apps/NAME[/ACTION]. */
static int app_action(int argc, char **argv, const char *method, const char *action,
                      const char *done)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    if (argc != 2) {
        fprintf(stderr, "usage: akira %s NAME [--device NAME]\n", argv[0]);
        return 2;
    }
    char path[256];
    if (strlen(argv[1]) > 64 || strpbrk(argv[1], "/?#% ")) {
        fprintf(stderr, "akira: '%s' is not an app name\n", argv[1]);
        return 2;
    }
    snprintf(path, sizeof(path), "/api/apps/%s%s", argv[1], action);
    struct answer a;
    if (simple(&v, method, path, true, &a)) return 1;
    const char *state = jr_str(&a.doc, a.root, "state", NULL);
    const char *detail = jr_str(&a.doc, a.root, "detail", NULL);
    if (detail && state && !strcmp(detail, state)) detail = NULL;
    if (state && !strcmp(state, "failed")) {
        /* A device that answers 2xx for a start that failed (older firmware): still a
         * failure here. */
        fprintf(stderr, "akira: %s %s failed: %s\n", argv[0], argv[1], detail ? detail : state);
        answer_free(&a);
        return 1;
    }
    if (state)
        printf("%s %s: %s%s%s\n", done, argv[1], state, detail ? ": " : "", detail ? detail : "");
    else
        printf("%s %s\n", done, argv[1]);
    answer_free(&a);
    return 0;
}

int akira_tool_start(int argc, char **argv)
{
    return app_action(argc, argv, "POST", "/start", "started");
}

int akira_tool_stop(int argc, char **argv)
{
    return app_action(argc, argv, "POST", "/stop", "stopped");
}

int akira_tool_rm(int argc, char **argv)
{
    return app_action(argc, argv, "DELETE", "", "removed");
}

static volatile sig_atomic_t interrupted;

static void on_int(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Prints the lines of one logs answer; returns its `next` cursor. */
static double print_logs(const struct answer *a, bool app)
{
    const struct jr_doc *d = &a->doc;
    const struct jr_node *list = jr_get(d, a->root, app ? "lines" : "entries");
    for (const struct jr_node *e = jr_first(d, list); e; e = jr_next(d, e)) {
        double ms = jr_num(d, e, "uptime_ms", 0);
        if (app)
            printf("[%10.3f] %-3s %s\n", ms / 1000.0, jr_str(d, e, "level", "?"),
                   jr_str(d, e, "text", ""));
        else
            printf("[%10.3f] %-3s %s: %s\n", ms / 1000.0, jr_str(d, e, "level", "?"),
                   jr_str(d, e, "module", "?"), jr_str(d, e, "msg", ""));
    }
    fflush(stdout);
    return jr_num(d, a->root, "next", 0);
}

int akira_tool_logs(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    bool follow = false;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
            follow = true;
        else if (!name && argv[i][0] != '-')
            name = argv[i];
        else {
            fprintf(stderr, "usage: akira logs [NAME] [-f] [--device NAME]\n");
            return 2;
        }
    }
    if (name && (strlen(name) > 64 || strpbrk(name, "/?#% "))) {
        fprintf(stderr, "akira: '%s' is not an app name\n", name);
        return 2;
    }
    if (follow) {
        struct sigaction sa = {.sa_handler = on_int};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    unsigned long long cursor = 0;
    do {
        char path[256];
        if (name)
            snprintf(path, sizeof(path), "/api/apps/%s/logs?after=%llu", name, cursor);
        else
            snprintf(path, sizeof(path), "/api/logs?after=%llu", cursor);
        struct answer a;
        if (simple(&v, "GET", path, false, &a)) return interrupted ? 0 : 1;
        cursor = (unsigned long long)print_logs(&a, name != NULL);
        if (follow && name) {
            /* An app that ended (and will not restart by itself) logs no more: its
             * last lines are in this answer, so stop following. */
            const char *state = jr_str(&a.doc, a.root, "state", "");
            bool ended = !strcmp(state, "stopped") || !strcmp(state, "failed");
            if (ended && !jr_bool(&a.doc, a.root, "restart_pending", false)) {
                fprintf(stderr, "akira: %s is %s: no more lines\n", name, state);
                answer_free(&a);
                return 0;
            }
        }
        answer_free(&a);
        /* Follow by polling: twice a second is enough for a human and costs the device
         * one short request. */
        for (int i = 0; follow && i < 5 && !interrupted; i++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    } while (follow && !interrupted);
    return 0;
}

/* --- ota: firmware updates (docs/boot.md) ----------------------------------------------- */

static void ota_slot_print(const struct jr_doc *d, const struct jr_node *s, const char *name,
                           bool primary)
{
    printf("%-9s ", name);
    if (!s) {
        printf("?\n");
        return;
    }
    const char *problem = jr_str(d, s, "problem", NULL);
    if (problem && !strcmp(problem, "empty")) {
        printf("empty\n");
        return;
    }
    printf("%s, %.0f bytes, sha256 %.16s..., ", jr_str(d, s, "version", "?"),
           jr_num(d, s, "size", 0), jr_str(d, s, "hash", "?"));
    if (problem)
        printf("INVALID: %s", problem);
    else
        printf("signed by %s", jr_str(d, s, "signed_by", "?"));
    if (primary)
        printf("%s\n", jr_bool(d, s, "test", false) ? ", TEST (not confirmed)" : ", confirmed");
    else
        printf("%s\n", jr_bool(d, s, "pending", false) ? ", PENDING (next boot)" : "");
}

static int ota_status(const struct dev *v)
{
    struct answer a;
    if (simple(v, "GET", "/api/ota", false, &a)) return 1;
    const struct jr_doc *d = &a.doc;
    ota_slot_print(d, jr_get(d, a.root, "primary"), "primary", true);
    ota_slot_print(d, jr_get(d, a.root, "secondary"), "secondary", false);
    const struct jr_node *u = jr_get(d, a.root, "upload");
    printf("upload    %s, %.0f/%.0f bytes%s%s\n", jr_str(d, u, "state", "?"),
           jr_num(d, u, "received", 0), jr_num(d, u, "total", 0),
           jr_str(d, u, "error", NULL) ? ": " : "", jr_str(d, u, "error", ""));
    answer_free(&a);
    return 0;
}

/* The primary slot's version and state, quietly (the device may be rebooting):
 * 0 when it answered. */
static int ota_poll(const struct dev *v, char *ver, size_t cap, bool *test)
{
    struct hc_request req = {.method = "GET", .path = "/api/ota", .timeout_ms = 2000};
    struct hc_response resp;
    char err[300];
    if (hc_request(&v->u, &req, &resp, err, sizeof(err))) return -1;
    struct jr_doc doc;
    int rc = -1;
    if (resp.status == 200 && jr_parse(&doc, resp.body, resp.len) == 0) {
        const struct jr_node *p = jr_get(&doc, &doc.nodes[0], "primary");
        snprintf(ver, cap, "%s", jr_str(&doc, p, "version", "?"));
        *test = jr_bool(&doc, p, "test", false);
        rc = p && jr_bool(&doc, p, "valid", false) ? 0 : -1;
        jr_free(&doc);
    }
    hc_response_free(&resp);
    return rc;
}

static int ota_push(const struct dev *v, const char *path, bool reboot, int wait_s)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    unsigned char hdr[32];
    if (!f || fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "akira: %s: %s\n", path, f ? "not a regular file" : strerror(errno));
        if (f) fclose(f);
        return 1;
    }
    if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr ||
        (hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (unsigned)hdr[3] << 24) != 0x96f3b83du) {
        fprintf(stderr, "akira ota push: %s: not a firmware image (`akira image sign` makes one)\n",
                path);
        fclose(f);
        return 1;
    }
    rewind(f);
    char want[32];
    snprintf(
        want, sizeof want, "%u.%u.%u+%lu", hdr[20], hdr[21], hdr[22] | hdr[23] << 8,
        (unsigned long)(hdr[24] | hdr[25] << 8 | hdr[26] << 16 | (unsigned long)hdr[27] << 24));
    struct progress p = {.tty = isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &p.t0);
    struct hc_request req = {.method = "POST",
                             .path = "/api/ota",
                             .token = v->d.token,
                             .body = f,
                             .body_len = (uint64_t)sb.st_size,
                             .progress = progress_show,
                             .progress_ctx = &p,
                             .timeout_ms = 60000};
    struct answer a;
    int rc = call(v, &req, &a);
    fclose(f);
    if (rc) return rc;
    double s = since(&p.t0);
    printf("uploaded %s (%lld bytes in %.1f ms, %.0f KB/s): %s\n", path, (long long)sb.st_size,
           s * 1e3, s > 0 ? (double)sb.st_size / s / 1e3 : 0.0,
           jr_str(&a.doc, a.root, "result", "?"));
    answer_free(&a);
    if (!reboot) return 0;
    if (simple(v, "POST", "/api/reboot", true, &a)) return 1;
    answer_free(&a);
    if (v->serial) {
        printf("rebooting; check with `akira ota status` once the serial link is back\n");
        return 0;
    }
    printf("rebooting into %s (test boot)...\n", want);
    fflush(stdout);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool seen_test = false;
    /* The old firmware may answer for a moment before it goes down: only a test boot
     * of the new version, or any answer after that, counts. */
    while (since(&t0) < wait_s) {
        char ver[32];
        bool test;
        struct timespec nap = {0, 300 * 1000000L};
        nanosleep(&nap, NULL);
        if (ota_poll(v, ver, sizeof ver, &test)) continue;
        bool same = !strcmp(ver, want);
        if (same && test && !seen_test) {
            printf("%s runs in test mode (%.1f s), waiting for its self-test...\n", ver,
                   since(&t0));
            fflush(stdout);
            seen_test = true;
        } else if (same && !test && seen_test) {
            printf("%s confirmed itself (%.1f s after the reboot)\n", ver, since(&t0));
            return 0;
        } else if (!same && seen_test) {
            fprintf(stderr, "akira ota push: the device came back on %s: %s was reverted\n", ver,
                    want);
            return 1;
        }
    }
    fprintf(stderr, "akira ota push: %s not confirmed within %d s\n", want, wait_s);
    return 1;
}

int akira_tool_ota(int argc, char **argv)
{
    struct dev v;
    int rc = dev_open(&argc, argv, &v);
    if (rc) return rc;
    bool no_reboot = false;
    int wait_s = 60;
    const char *w = take_opt(&argc, argv, "--wait");
    if (w) wait_s = atoi(w);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--no-reboot")) {
            no_reboot = true;
            for (int k = i; k < argc; k++)
                argv[k] = argv[k + 1];
            argc--;
            i--;
        }
    if (argc == 2 && !strcmp(argv[1], "status")) return ota_status(&v);
    if (argc == 3 && !strcmp(argv[1], "push")) return ota_push(&v, argv[2], !no_reboot, wait_s);
    if (argc == 2 && (!strcmp(argv[1], "confirm") || !strcmp(argv[1], "revert"))) {
        struct answer a;
        char path[32];
        snprintf(path, sizeof path, "/api/ota/%s", argv[1]);
        if (simple(&v, "POST", path, true, &a)) return 1;
        printf("%s\n", jr_bool(&a.doc, a.root, "rebooting", false)
                           ? "rebooting: the bootloader restores the previous firmware"
                       : jr_bool(&a.doc, a.root, "cancelled", false) ? "pending update cancelled"
                                                                     : "firmware confirmed");
        answer_free(&a);
        return 0;
    }
    fprintf(stderr, "usage: akira ota status | push IMAGE [--no-reboot] [--wait S] | confirm | "
                    "revert [--device NAME]\n");
    return 2;
}

int akira_tool_device_send(int *argc, char **argv, const char *method, const char *path,
                           const void *body, size_t len, char *name, size_t name_cap, char *answer,
                           size_t answer_cap)
{
    struct dev v;
    int rc = dev_open(argc, argv, &v);
    if (rc) return rc;
    snprintf(name, name_cap, "%s", v.d.name);
    FILE *f = len ? fmemopen((void *)body, len, "rb") : NULL;
    if (len && !f) {
        fprintf(stderr, "akira: fmemopen: %s\n", strerror(errno));
        return 1;
    }
    struct hc_request req = {
        .method = method, .path = path, .token = v.d.token, .body = f, .body_len = len};
    struct answer a;
    rc = call(&v, &req, &a);
    if (f) fclose(f);
    if (rc) return rc;
    snprintf(answer, answer_cap, "%.*s", (int)a.resp.len, a.resp.body);
    answer_free(&a);
    return 0;
}

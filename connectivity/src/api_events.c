/*
 * GET /api/events: the dashboard's one server-push channel (Server-Sent Events on the
 * HTTP server: a streamed text/event-stream answer that does not end).
 *
 * Every event is made from the device's state when it is sent (cursors into the log
 * rings, the last GPIO levels, the last display change number), never queued: a client
 * that reads slowly blocks its own worker's send for at most the idle timeout and then
 * is dropped, and a client that falls behind a ring skips what was overwritten. So a
 * client costs its worker (already reserved by the server) plus one struct events_client
 * on that worker's stack, whatever it does, and at most EVENTS_CLIENTS_MAX clients are
 * served at once (the others get 503 and retry), so the rest of the pool stays free
 * for the API.
 *
 * Query: topics=a,b,... (status, log, applog, gpio, sensors, display; default all but
 * sensors and display, which cost the device work every tick), log_after=SEQ (device log
 * entries after SEQ only; larger than the newest one: from the start, the device has
 * rebooted since the client's last entry).
 *
 * Events (each "event: NAME\ndata: JSON\n\n"):
 *   hello    {"version","board","uptime_ms","clients","clients_max","client_bytes"} first
 *   status   {"uptime_ms","memory":{...},"fs":{...},"apps":[{name,state,cpu_us,mem_used,
 *            mem_peak}]} every 2 s
 *   log      {seq,uptime_ms,level,module,msg} per device log entry
 *   applog   {"app",seq,uptime_ms,level,text} per app log line (each app's ring first)
 *   apps     {"names":[...]} when the set of installed apps or their states change
 *   gpio     {"count","inputs","outputs","levels"} (bit masks) at once and on change
 *   sensors  as GET /api/sensors, every second
 *   display  {"seq"} when the panel changed
 * and a comment line every 15 s when nothing else was sent.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define EVENTS_CLIENTS_MAX   3
#define EVENTS_TICK_MS       250
#define EVENTS_STATUS_MS     2000
#define EVENTS_SENSORS_MS    1000
#define EVENTS_PING_MS       15000
#define EVENTS_BURST         32 /* log entries / app lines per tick: the rest next tick */
#define EVENTS_DISPLAY_AREAS 4

enum {
    T_STATUS = 1u << 0,
    T_LOG = 1u << 1,
    T_APPLOG = 1u << 2,
    T_GPIO = 1u << 3,
    T_SENSORS = 1u << 4,
    T_DISPLAY = 1u << 5,
};
static const char *const topic_names[] = {"status", "log", "applog", "gpio", "sensors", "display"};

struct app_cursor {
    char name[AKIRA_APP_NAME_MAX + 1]; /* "" free */
    uint64_t cursor;
    char state[16];
    bool seen;
};

/* Everything one client costs besides its worker: on the worker's stack. */
struct events_client {
    struct akira_http_req *r;
    const struct akira_connectivity_config *cfg;
    unsigned topics;
    uint64_t log_cursor;
    struct app_cursor apps[AKIRA_BOARD_APPS_INSTALLED_MAX];
    bool apps_changed;
    bool gpio_sent;
    struct akira_gpio_port_info gpio;
    uint64_t display_seq;
    uint64_t next_status, next_sensors, last_write;
    char buf[512]; /* the JSON writer's buffer */
};

static atomic_int clients;

/* topics=a,b: the mask, or 0 when a name is unknown. */
static unsigned topics_of(const char *q)
{
    const char *p = strstr(q, "topics=");
    if (!p || (p != q && p[-1] != '&')) return T_STATUS | T_LOG | T_APPLOG | T_GPIO;
    p += 7;
    unsigned mask = 0;
    while (*p && *p != '&') {
        size_t n = strcspn(p, ",&");
        unsigned bit = 0;
        for (unsigned i = 0; i < sizeof(topic_names) / sizeof(topic_names[0]); i++)
            if (strlen(topic_names[i]) == n && strncmp(topic_names[i], p, n) == 0) bit = 1u << i;
        if (!bit) return 0;
        mask |= bit;
        p += n;
        if (*p == ',') p++;
    }
    return mask;
}

static int write_str(struct events_client *ec, const char *s)
{
    ec->last_write = akira_uptime_ms();
    return akira_http_resp_write(ec->r, s, strlen(s));
}

/* "event: NAME\ndata: " and a JSON writer on the stream; event_end finishes both. */
static int event_begin(struct events_client *ec, struct akira_json *w, const char *name)
{
    char head[40];
    snprintf(head, sizeof(head), "event: %s\ndata: ", name);
    int rc = write_str(ec, head);
    akira_json_init(w, ec->buf, sizeof(ec->buf), akira_http_resp_json_flush, ec->r);
    return rc;
}

static int event_end(struct events_client *ec, struct akira_json *w)
{
    int rc = akira_json_end(w);
    return rc ? rc : write_str(ec, "\n\n");
}

static int send_hello(struct events_client *ec)
{
    struct akira_json w;
    int rc = event_begin(ec, &w, "hello");
    if (rc) return rc;
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "version", ec->cfg->version);
    akira_json_kv_str(&w, "board", ec->cfg->board);
    akira_json_kv_uint(&w, "uptime_ms", akira_uptime_ms());
    akira_json_kv_int(&w, "clients", atomic_load(&clients));
    akira_json_kv_int(&w, "clients_max", EVENTS_CLIENTS_MAX);
    akira_json_kv_uint(&w, "client_bytes", sizeof(struct events_client));
    akira_json_obj_end(&w);
    return event_end(ec, &w);
}

/* The store's apps into the cursor table (new ones from their ring's start), noting a
 * change of the set or of a state. */
struct apps_walk {
    struct events_client *ec;
    struct akira_json *w; /* the status event's "apps" array, or NULL */
};

static int apps_visit(void *ctx, const struct akira_app_record *rec)
{
    struct apps_walk *aw = ctx;
    struct events_client *ec = aw->ec;
    struct akira_app_info info;
    bool known = akira_app_info(rec->manifest.name, &info) == 0;
    const char *state = known ? akira_app_info_state(&info) : "unregistered";
    struct app_cursor *slot = NULL, *free_slot = NULL;
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        if (strcmp(ec->apps[i].name, rec->manifest.name) == 0) slot = &ec->apps[i];
        if (!ec->apps[i].name[0] && !free_slot) free_slot = &ec->apps[i];
    }
    if (!slot && free_slot) {
        slot = free_slot;
        memset(slot, 0, sizeof(*slot));
        snprintf(slot->name, sizeof(slot->name), "%s", rec->manifest.name);
        ec->apps_changed = true;
    }
    if (slot) {
        slot->seen = true;
        if (strcmp(slot->state, state) != 0) {
            snprintf(slot->state, sizeof(slot->state), "%.15s", state);
            ec->apps_changed = true;
        }
    }
    if (aw->w) {
        struct akira_json *w = aw->w;
        akira_json_obj_begin(w);
        akira_json_kv_str(w, "name", rec->manifest.name);
        akira_json_kv_str(w, "state", state);
        if (known) {
            akira_json_kv_uint(w, "cpu_us", info.stats.cpu_us);
            akira_json_kv_uint(w, "mem_used", info.stats.mem_used);
            akira_json_kv_uint(w, "mem_peak", info.stats.mem_peak);
            akira_json_kv_uint(w, "memory_quota", info.manifest.memory_quota);
        }
        akira_json_obj_end(w);
        return w->err;
    }
    return 0;
}

/* Walks the store (into the status event's array when w is set) and sends "apps" when
 * the set or a state changed. */
static int walk_apps(struct events_client *ec, struct akira_json *w)
{
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++)
        ec->apps[i].seen = false;
    struct apps_walk aw = {ec, w};
    int rc = akira_appstore_foreach(apps_visit, &aw);
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        if (ec->apps[i].name[0] && !ec->apps[i].seen) {
            ec->apps[i].name[0] = '\0'; /* uninstalled */
            ec->apps_changed = true;
        }
    }
    return rc;
}

static int send_apps_if_changed(struct events_client *ec)
{
    if (!ec->apps_changed) return 0;
    ec->apps_changed = false;
    struct akira_json w;
    int rc = event_begin(ec, &w, "apps");
    if (rc) return rc;
    akira_json_obj_begin(&w);
    akira_json_key(&w, "apps");
    akira_json_arr_begin(&w);
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        if (!ec->apps[i].name[0]) continue;
        akira_json_obj_begin(&w);
        akira_json_kv_str(&w, "name", ec->apps[i].name);
        akira_json_kv_str(&w, "state", ec->apps[i].state);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    return event_end(ec, &w);
}

static int send_status(struct events_client *ec)
{
    struct akira_json w;
    int rc = event_begin(ec, &w, "status");
    if (rc) return rc;
    akira_json_obj_begin(&w);
    akira_json_kv_uint(&w, "uptime_ms", akira_uptime_ms());
    akira_connectivity_json_memory(&w);
    akira_connectivity_json_fs(&w);
    akira_json_key(&w, "apps");
    akira_json_arr_begin(&w);
    walk_apps(ec, &w);
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    rc = event_end(ec, &w);
    return rc ? rc : send_apps_if_changed(ec);
}

static int send_logs(struct events_client *ec)
{
    struct akira_log_entry e;
    for (int n = 0; n < EVENTS_BURST && akira_log_read(&ec->log_cursor, &e) == 0; n++) {
        struct akira_json w;
        int rc = event_begin(ec, &w, "log");
        if (rc) return rc;
        akira_connectivity_json_log_entry(&w, &e);
        rc = event_end(ec, &w);
        if (rc) return rc;
    }
    return 0;
}

static int send_applogs(struct events_client *ec)
{
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        struct app_cursor *a = &ec->apps[i];
        if (!a->name[0]) continue;
        struct akira_app_log_line line;
        for (int n = 0; n < EVENTS_BURST && akira_app_log_next(a->name, &a->cursor, &line) == 0;
             n++) {
            struct akira_json w;
            int rc = event_begin(ec, &w, "applog");
            if (rc) return rc;
            akira_json_obj_begin(&w);
            akira_json_kv_str(&w, "app", a->name);
            akira_json_kv_uint(&w, "seq", line.seq);
            akira_json_kv_uint(&w, "uptime_ms", line.uptime_ms);
            akira_json_kv_str(&w, "level", akira_log_level_name(line.level));
            akira_json_kv_str(&w, "text", line.text);
            akira_json_obj_end(&w);
            rc = event_end(ec, &w);
            if (rc) return rc;
        }
    }
    return 0;
}

static int send_gpio_if_changed(struct events_client *ec)
{
    const struct akira_device *port = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    struct akira_gpio_port_info now;
    if (akira_gpio_port_info(port, &now)) return 0;
    if (ec->gpio_sent && now.levels == ec->gpio.levels && now.inputs == ec->gpio.inputs &&
        now.outputs == ec->gpio.outputs && now.pin_count == ec->gpio.pin_count)
        return 0;
    ec->gpio = now;
    ec->gpio_sent = true;
    struct akira_json w;
    int rc = event_begin(ec, &w, "gpio");
    if (rc) return rc;
    akira_json_obj_begin(&w);
    akira_json_kv_uint(&w, "count", now.pin_count);
    akira_json_kv_uint(&w, "inputs", now.inputs);
    akira_json_kv_uint(&w, "outputs", now.outputs);
    akira_json_kv_uint(&w, "levels", now.levels);
    akira_json_obj_end(&w);
    return event_end(ec, &w);
}

static int send_sensors(struct events_client *ec)
{
    struct akira_json w;
    int rc = event_begin(ec, &w, "sensors");
    if (rc) return rc;
    akira_connectivity_json_sensors(&w);
    return event_end(ec, &w);
}

static int send_display_if_changed(struct events_client *ec)
{
    if (!ec->cfg->display_changes) return 0;
    struct akira_display_area areas[EVENTS_DISPLAY_AREAS];
    uint64_t now = ec->display_seq;
    int n = ec->cfg->display_changes(ec->display_seq, 0, areas, EVENTS_DISPLAY_AREAS, &now);
    if (n <= 0 && now == ec->display_seq) return 0;
    ec->display_seq = now;
    char data[64];
    snprintf(data, sizeof(data), "event: display\ndata: {\"seq\":%llu}\n\n",
             (unsigned long long)now);
    return write_str(ec, data);
}

/* One pass over the subscribed topics: what is due or new is sent. */
static int tick(struct events_client *ec)
{
    uint64_t now = akira_uptime_ms();
    int rc = 0;
    if ((ec->topics & T_STATUS) && now >= ec->next_status) {
        ec->next_status = now + EVENTS_STATUS_MS;
        rc = send_status(ec);
    } else if (ec->topics & T_APPLOG) {
        rc = walk_apps(ec, NULL);
        if (!rc) rc = send_apps_if_changed(ec);
    }
    if (!rc && (ec->topics & T_LOG)) rc = send_logs(ec);
    if (!rc && (ec->topics & T_APPLOG)) rc = send_applogs(ec);
    if (!rc && (ec->topics & T_GPIO)) rc = send_gpio_if_changed(ec);
    if (!rc && (ec->topics & T_SENSORS) && now >= ec->next_sensors) {
        ec->next_sensors = now + EVENTS_SENSORS_MS;
        rc = send_sensors(ec);
    }
    if (!rc && (ec->topics & T_DISPLAY)) rc = send_display_if_changed(ec);
    if (!rc && akira_uptime_ms() - ec->last_write >= EVENTS_PING_MS)
        rc = write_str(ec, ": ping\n\n");
    return rc;
}

static int events_get(struct akira_http_req *r, void *ctx)
{
    const char *q = akira_http_req_query(r);
    unsigned topics = topics_of(q);
    if (!topics)
        return akira_http_resp_error(
            r, 400, "topics: a comma list of status, log, applog, gpio, sensors, display");
    uint64_t log_after = 0;
    if (!akira_http_query_u64(q, "log_after", &log_after))
        return akira_http_resp_error(r, 400, "log_after must be a decimal number");
    if (atomic_fetch_add(&clients, 1) >= EVENTS_CLIENTS_MAX) {
        atomic_fetch_sub(&clients, 1);
        return akira_http_resp_error(r, 503, "too many live dashboards (at most 3)");
    }
    struct events_client ec;
    memset(&ec, 0, sizeof(ec));
    ec.r = r;
    ec.cfg = ctx;
    ec.topics = topics;
    /* A cursor past the newest entry is from before a reboot: from the start then. */
    struct akira_log_entry e;
    uint64_t probe = log_after;
    if (log_after && akira_log_read(&probe, &e) != 0) {
        uint64_t back = log_after - 1;
        if (akira_log_read(&back, &e) != 0) log_after = 0;
    }
    ec.log_cursor = log_after;
    /* Events must reach the page as they are written: no buffering proxy either. */
    int rc = akira_http_resp_begin(r, 200, "text/event-stream");
    if (!rc) rc = write_str(&ec, "retry: 1000\n\n");
    if (!rc) rc = send_hello(&ec);
    while (!rc) {
        rc = tick(&ec);
        if (!rc) rc = akira_http_req_wait(r, EVENTS_TICK_MS);
    }
    atomic_fetch_sub(&clients, 1);
    if (rc == AKIRA_ECANCELED) return akira_http_resp_end(r); /* the server stops */
    return 0; /* the client went away: nothing to answer */
}

int akira_connectivity_events_routes(struct akira_http_server *s,
                                     const struct akira_connectivity_config *cfg)
{
    const struct akira_http_route route = {
        .method = "GET", .pattern = "/api/events", .handler = events_get, .ctx = (void *)cfg};
    return akira_http_route_add(s, &route);
}

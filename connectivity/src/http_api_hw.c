/*
 * The hardware endpoints: GET /api/gpio (every pin of the board's GPIO port),
 * POST /api/gpio/{pin} (drive an input pin from outside, as a button or a wire would),
 * GET /api/sensors (one fresh reading of every channel of every sensor).
 *
 * Reading needs no token (like GET /api/status); driving a pin changes the device, so
 * it does. Driving a level from outside is something only a simulated or test board
 * can do: the board passes cfg->gpio_drive, and without it the route answers 501.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/drivers/sensor.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define GPIO_PORT_NAME "gpio0"

static int gpio_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const struct akira_device *port = akira_driver_get(AKIRA_DRIVER_GPIO, GPIO_PORT_NAME);
    struct akira_gpio_port_info info;
    int rc = akira_gpio_port_info(port, &info);
    if (rc) return akira_http_resp_error(r, 503, "no gpio port");
    char buf[512];
    struct akira_json w;
    rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "port", GPIO_PORT_NAME);
    akira_json_key(&w, "pins");
    akira_json_arr_begin(&w);
    for (unsigned pin = 0; pin < info.pin_count && pin < 32; pin++) {
        uint32_t bit = 1u << pin;
        akira_json_obj_begin(&w);
        akira_json_kv_uint(&w, "pin", pin);
        akira_json_kv_str(&w, "dir",
                          (info.outputs & bit)  ? "out"
                          : (info.inputs & bit) ? "in"
                                                : "off");
        akira_json_kv_uint(&w, "level", (info.levels & bit) ? 1 : 0);
        akira_json_kv_bool(&w, "irq", (info.int_mask & bit) != 0);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

/* The pin number of the path: decimal, 0..31, nothing else. */
static int pin_of(const char *s)
{
    if (!s || !*s || strlen(s) > 2) return -1;
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* The level a body asks for: `0`, `1`, `{"level":0}` or `{"level":1}`, or `z` /
 * `{"level":null}` to let go of the pin (it floats to its pull), with spaces anywhere.
 * Returns 0, 1, LEVEL_FLOAT, or LEVEL_BAD for anything else. */
#define LEVEL_FLOAT (-1)
#define LEVEL_BAD   (-2)
static int level_of(const char *body)
{
    char t[32];
    size_t n = 0;
    for (const char *p = body; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            if (n + 1 >= sizeof(t)) return LEVEL_BAD;
            t[n++] = *p;
        }
    t[n] = '\0';
    if (!strcmp(t, "0") || !strcmp(t, "{\"level\":0}")) return 0;
    if (!strcmp(t, "1") || !strcmp(t, "{\"level\":1}")) return 1;
    if (!strcmp(t, "z") || !strcmp(t, "{\"level\":null}")) return LEVEL_FLOAT;
    return LEVEL_BAD;
}

int akira_connectivity_small_body(struct akira_http_req *r, char *buf, size_t cap)
{
    size_t len = 0;
    int rc;
    for (;;) {
        int n = akira_http_req_body_read(r, buf + len, cap - 1 - len);
        if (n == 0) break;
        if (n == AKIRA_ETOOBIG) {
            rc = akira_http_resp_error(r, 413, "body too long");
            return rc ? rc : AKIRA_ECANCELED;
        }
        if (n < 0) {
            rc = akira_http_resp_error(r, n == AKIRA_ETIMEDOUT ? 408 : 400, "body not received");
            return rc ? rc : AKIRA_ECANCELED;
        }
        len += (size_t)n;
        if (len == cap - 1) {
            rc = akira_http_resp_error(r, 413, "body too long");
            return rc ? rc : AKIRA_ECANCELED;
        }
    }
    buf[len] = '\0';
    return (int)len;
}

static int gpio_post(struct akira_http_req *r, void *ctx)
{
    const struct akira_connectivity_config *cfg = ctx;
    int pin = pin_of(akira_http_req_param(r, "pin"));
    char body[64];
    int len = akira_connectivity_small_body(r, body, sizeof(body));
    if (len < 0) return len == AKIRA_ECANCELED ? 0 : len;
    if (!cfg->gpio_drive) return akira_http_resp_error(r, 501, "this board cannot drive pins");
    const struct akira_device *port = akira_driver_get(AKIRA_DRIVER_GPIO, GPIO_PORT_NAME);
    struct akira_gpio_port_info info;
    if (akira_gpio_port_info(port, &info)) return akira_http_resp_error(r, 503, "no gpio port");
    if (pin < 0 || pin >= info.pin_count) return akira_http_resp_error(r, 404, "no such pin");
    int level = level_of(body);
    if (level == LEVEL_BAD)
        return akira_http_resp_error(r, 400, "body must be 0, 1, z or {\"level\":0|1|null}");
    /* Like a wire on the connector: any pin the device does not drive itself. */
    if (info.outputs & (1u << pin))
        return akira_http_resp_error(r, 409, "pin is an output: the device drives it");
    int rc = cfg->gpio_drive((unsigned)pin, level);
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("gpio %d driven %s over http by %s", pin,
                  level == LEVEL_FLOAT ? "z"
                  : level              ? "1"
                                       : "0",
                  akira_http_req_peer(r));
    /* What the pin reads now (a let-go pin reads its pull). */
    int now = akira_gpio_get(port, (uint8_t)pin);
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "{\"pin\":%d,\"level\":%d}", pin, now < 0 ? 0 : now);
    return akira_http_resp_send(r, 200, "application/json", buf, (size_t)n);
}

struct sensors_walk {
    struct akira_json *w;
};

static void sensor_entry(const struct akira_device *dev, void *user)
{
    struct sensors_walk *sw = user;
    struct akira_json *w = sw->w;
    struct akira_sensor_reading rd[16];
    int n = akira_sensor_read_all(dev, rd, sizeof(rd) / sizeof(rd[0]));
    akira_json_obj_begin(w);
    akira_json_kv_str(w, "name", dev->name);
    if (n < 0) {
        akira_json_kv_str(w, "error", akira_err_str(n));
    } else {
        akira_json_key(w, "readings");
        akira_json_arr_begin(w);
        for (int i = 0; i < n; i++) {
            char text[32];
            akira_json_obj_begin(w);
            akira_json_kv_str(w, "channel", akira_sensor_channel_name(rd[i].chan));
            akira_json_kv_str(w, "unit", akira_sensor_channel_unit(rd[i].chan));
            /* Exact millionths for programs, the decimal text for people. */
            akira_json_kv_int(w, "micro", akira_sensor_value_to_micro(&rd[i].value));
            akira_json_kv_str(w, "value",
                              akira_sensor_value_format(&rd[i].value, text, sizeof(text)));
            akira_json_obj_end(w);
        }
        akira_json_arr_end(w);
    }
    akira_json_obj_end(w);
}

void akira_connectivity_json_sensors(struct akira_json *w)
{
    akira_json_obj_begin(w);
    akira_json_key(w, "sensors");
    akira_json_arr_begin(w);
    struct sensors_walk sw = {w};
    akira_driver_foreach(AKIRA_DRIVER_SENSOR, sensor_entry, &sw);
    akira_json_arr_end(w);
    akira_json_obj_end(w);
}

static int sensors_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    char buf[512];
    struct akira_json w;
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_connectivity_json_sensors(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

int akira_connectivity_hw_routes(struct akira_http_server *s,
                                 const struct akira_connectivity_config *cfg)
{
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/gpio", .handler = gpio_get},
        {.method = "POST",
         .pattern = "/api/gpio/{pin}",
         .auth = true,
         .body_max = 63,
         .handler = gpio_post,
         .ctx = (void *)cfg},
        {.method = "GET", .pattern = "/api/sensors", .handler = sensors_get},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

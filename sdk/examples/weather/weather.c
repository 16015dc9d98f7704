/*
 * weather: every second, one BME280 sample (temperature, pressure, humidity), logged
 * and published on IPC topic "weather" as text "T=21.53C P=101.325kPa H=45.2%".
 */
#include <akira/akira.h>

static const char SENSOR[] = "bme280";
static uint32_t samples;

/* "v1.frac" with `digits` decimals of a fixed-point value (val2 millionths). */
static int fmt_fixed(char *out, int cap, const struct akira_sensor_value *v, int digits)
{
    int neg = v->val1 < 0 || v->val2 < 0;
    uint32_t ip = (uint32_t)(v->val1 < 0 ? -v->val1 : v->val1);
    uint32_t frac = (uint32_t)(v->val2 < 0 ? -v->val2 : v->val2);
    for (int d = digits; d < 6; d++)
        frac /= 10;
    char tmp[16];
    int n = 0, t = 0;
    if (neg && n < cap) out[n++] = '-';
    do
        tmp[t++] = (char)('0' + ip % 10), ip /= 10;
    while (ip && t < 10);
    while (t && n < cap)
        out[n++] = tmp[--t];
    if (n < cap) out[n++] = '.';
    for (int d = digits - 1; d >= 0; d--) {
        uint32_t p = 1;
        for (int k = 0; k < d; k++)
            p *= 10;
        if (n < cap) out[n++] = (char)('0' + (frac / p) % 10);
    }
    return n;
}

static void sample(void)
{
    struct akira_sensor_value t, p, h;
    int32_t rc = akira_sensor_fetch(SENSOR, sizeof SENSOR - 1);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_AMBIENT_TEMP, &t);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_PRESS, &p);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_HUMIDITY, &h);
    if (rc < 0) {
        akira_printf("weather: sensor error %d\n", (int)rc);
        return;
    }
    char msg[64];
    int n = 0;
    msg[n++] = 'T', msg[n++] = '=';
    n += fmt_fixed(msg + n, 12, &t, 2);
    msg[n++] = 'C', msg[n++] = ' ', msg[n++] = 'P', msg[n++] = '=';
    n += fmt_fixed(msg + n, 12, &p, 3);
    msg[n++] = 'k', msg[n++] = 'P', msg[n++] = 'a', msg[n++] = ' ', msg[n++] = 'H', msg[n++] = '=';
    n += fmt_fixed(msg + n, 12, &h, 1);
    msg[n++] = '%';
    msg[n] = '\0';
    samples++;
    akira_printf("weather %u: %s\n", (unsigned)samples, msg);
    akira_ipc_pub("weather", msg, (uint32_t)n);
}

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_timer_start(100, 1000);
    if (rc < 0) {
        akira_printf("no timer: %d\n", (int)rc);
        return 1;
    }
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) sample();
}

/*
 * mqtt-sensor: every 5 seconds, one BME280 sample published on the fleet's broker as
 * akira/<device>/app/mqtt-sensor/bme280 (retained, JSON in integer units:
 * {"temp_mc":21530,"press_pa":101325,"hum_pm":452}: milli-degrees, pascal, per mille).
 * A message on .../period sets the period in seconds (1..3600).
 */
#include <akira/akira.h>

static const char SENSOR[] = "bme280";
static int32_t timer = -1, period_sub = -1;

/* Decimal of v into out (at least 12 bytes); returns its length. */
static int put_int(char *out, int32_t v)
{
    char tmp[12];
    int n = 0, t = 0;
    uint32_t u = v < 0 ? (uint32_t)-v : (uint32_t)v;
    if (v < 0) out[n++] = '-';
    do
        tmp[t++] = (char)('0' + u % 10), u /= 10;
    while (u);
    while (t)
        out[n++] = tmp[--t];
    return n;
}

static int put_str(char *out, const char *s)
{
    int n = 0;
    while (s[n])
        out[n] = s[n], n++;
    return n;
}

/* A sensor value (val1 + val2 millionths) scaled by mul (1000: milli-units). */
static int32_t scaled(const struct akira_sensor_value *v, int32_t mul)
{
    return v->val1 * mul + v->val2 / (1000000 / mul);
}

static void sample(void)
{
    static const int32_t chans[3] = {AKIRA_SENSOR_AMBIENT_TEMP, AKIRA_SENSOR_PRESS,
                                     AKIRA_SENSOR_HUMIDITY};
    struct akira_sensor_value v[3];
    int32_t rc = akira_sensor_fetch(SENSOR, sizeof SENSOR - 1);
    for (int i = 0; rc == 0 && i < 3; i++)
        rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, chans[i], &v[i]);
    if (rc < 0) {
        akira_printf("mqtt-sensor: no sample (%d)\n", (int)rc);
        return;
    }
    char msg[96];
    int n = put_str(msg, "{\"temp_mc\":");
    n += put_int(msg + n, scaled(&v[0], 1000));
    n += put_str(msg + n, ",\"press_pa\":");
    n += put_int(msg + n, scaled(&v[1], 1000)); /* the channel is in kPa */
    n += put_str(msg + n, ",\"hum_pm\":");
    n += put_int(msg + n, scaled(&v[2], 10));
    msg[n++] = '}';
    rc = akira_mqtt_publish("bme280", 6, msg, (uint32_t)n, AKIRA_MQTT_RETAIN);
    if (rc < 0) akira_printf("mqtt-sensor: publish %d\n", (int)rc);
}

static void set_period(void)
{
    char buf[16];
    int32_t n;
    while ((n = akira_mqtt_recv(period_sub, buf, sizeof buf)) >= 0) {
        int32_t s = 0;
        for (int32_t i = 0; i < n; i++)
            s = buf[i] >= '0' && buf[i] <= '9' && s < 100000 ? s * 10 + (buf[i] - '0') : -1;
        if (s < 1 || s > 3600) {
            akira_printf("mqtt-sensor: period must be 1..3600 s\n");
            continue;
        }
        akira_timer_stop(timer);
        timer = akira_timer_start(100, (uint32_t)s * 1000);
        akira_printf("mqtt-sensor: every %d s\n", (int)s);
    }
}

__attribute__((export_name("main"))) int app_main(void)
{
    timer = akira_timer_start(100, 5000);
    period_sub = akira_mqtt_subscribe("period", 6);
    if (period_sub < 0) akira_printf("mqtt-sensor: no period topic (%d)\n", (int)period_sub);
    return timer < 0 ? 1 : 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) sample();
    if (type == AKIRA_EVENT_MQTT) set_period();
}

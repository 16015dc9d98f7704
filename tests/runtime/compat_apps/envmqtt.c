/* Upstream's mqtt_* and ha_light_* (docs/compat.md "MQTT and Home Assistant") with good
 * and bad arguments, against the broker test_compat_env_e2e.py starts; each result is
 * logged as `name: value`. The test answers the lines "waiting ...". */
#include "up_env_conn.h"

/* a line each 50 ms: within the app log's rate (20 lines a second after a burst) */
#define R(name, expr) (printf("%s: %d\n", name, (int)(expr)), delay(50000))

static char topic[96];
static char payload[300];
static char big[600];
static char longt[100];

int main(void)
{
    int up = 0;
    for (int i = 0; i < 100 && !(up = mqtt_connected()); i++)
        delay(100000);
    R("connected", up);
    R("subscribe", mqtt_subscribe("in/+"));
    R("subscribe_dup", mqtt_subscribe("in/+"));
    R("subscribe_all", mqtt_subscribe("deep/#"));
    R("subscribe_null", mqtt_subscribe(0));
    R("subscribe_bad_hash", mqtt_subscribe("a/#/b"));
    R("subscribe_bad_plus", mqtt_subscribe("a/b+"));
    R("subscribe_star", mqtt_subscribe("a/*"));
    R("subscribe_empty", mqtt_subscribe(""));
    memset(longt, 'x', 80);
    longt[80] = 0;
    R("subscribe_long", mqtt_subscribe(longt));
    longt[79] = 0;
    R("publish_79", mqtt_publish(longt, "7", 1, 0, 0));
    R("publish", mqtt_publish("out/hello", "hi", 2, 1, 0));
    R("publish_retained", mqtt_publish("out/kept", "stay", 4, 0, 1));
    R("publish_empty", mqtt_publish("out/empty", payload, 0, 0, 0));
    R("publish_null", mqtt_publish(0, "x", 1, 0, 0));
    R("publish_wild", mqtt_publish("out/+", "x", 1, 0, 0));
    R("publish_neg_len", mqtt_publish("out/x", payload, -1, 0, 0));
    R("publish_big", mqtt_publish("out/x", big, 513, 0, 0));
    R("publish_512", mqtt_publish("out/big", big, 512, 1, 0));
    R("poll_timeout", mqtt_poll(topic, sizeof topic, payload, sizeof payload, 50));
    R("poll_nowait", mqtt_poll(topic, sizeof topic, payload, sizeof payload, 0));
    R("poll_zero_cap", mqtt_poll(topic, 0, payload, sizeof payload, 0));
    R("poll_zero_pcap", mqtt_poll(topic, sizeof topic, payload, 0, 0));
    R("poll_null", mqtt_poll(0, 8, payload, sizeof payload, 0));
    printf_native("waiting for in/abc");
    int n = mqtt_poll(topic, sizeof topic, payload, sizeof payload, 10000);
    R("poll", n);
    payload[n > 0 ? n : 0] = 0;
    printf("got %s = %s\n", topic, payload);
    n = mqtt_poll(topic, sizeof topic, payload, sizeof payload, 10000); /* 200 bytes sent */
    R("poll_long", n);
    n = mqtt_poll(topic, 6, payload, 4, 10000); /* deep/x/y/z, "abcdefgh" */
    R("poll_cut", n);
    printf("cut %s = %c%c%c%c\n", topic, payload[0], payload[1], payload[2], payload[3]);
    R("subscribe_third", mqtt_subscribe("s/3"));
    /* the Home Assistant light (its command topic is the app's 4th filter) */
    R("ha_register", ha_light_register("lamp", "Desk \"Lamp\""));
    R("ha_register_bad_id", ha_light_register("bad/id", "x"));
    R("ha_register_long_id", ha_light_register("a23456789012345678901234567890123", "x"));
    R("ha_register_null", ha_light_register(0, "x"));
    R("ha_register_null_name", ha_light_register("lamp2", 0));
    R("ha_register_empty_name", ha_light_register("lamp2", ""));
    R("ha_report", ha_light_report("lamp", 1, 128, 255, 0, 10));
    R("ha_report_bad_id", ha_light_report("", 1, 1, 1, 1, 1));
    int on = -1, bri = -1, r = -1, g = -1, b = -1;
    R("ha_poll_timeout", ha_light_poll("lamp", &on, &bri, &r, &g, &b, 30));
    R("ha_poll_null", ha_light_poll("lamp", &on, 0, &r, &g, &b, 0));
    R("ha_poll_bad_id", ha_light_poll("x y", &on, &bri, &r, &g, &b, 0));
    printf_native("waiting for a command");
    R("ha_poll", ha_light_poll("lamp", &on, &bri, &r, &g, &b, 10000));
    R("ha_on", on);
    R("ha_bri", bri);
    printf("ha_rgb: %d\n", r << 16 | g << 8 | b);
    R("ha_report_new", ha_light_report("lamp", on, bri, r, g, b));
    printf_native("waiting for off");
    bri = r = g = b = -1;
    R("ha_poll_off", ha_light_poll("lamp", &on, &bri, &r, &g, &b, 10000));
    R("ha_off", on);
    R("ha_off_bri_untouched", bri);
    R("ha_report_off", ha_light_report("lamp", 0, 0, 0, 0, 0));
    R("subscribe_full", mqtt_subscribe("s/5")); /* 4 filters an app */
    /* a command for the light left in the queue is mqtt_poll's too */
    printf_native("waiting for a queued command");
    n = mqtt_poll(topic, sizeof topic, payload, sizeof payload, 10000);
    R("poll_command", n);
    printf("command topic %s\n", topic);
    /* a poll without end that outlives the watchdog's 2 s, ended by a message */
    printf_native("waiting long");
    R("poll_after_3s", mqtt_poll(topic, sizeof topic, payload, sizeof payload, -1));
    for (volatile int i = 0; i < 300000; i++) /* wasm code runs on: a watchdog that had */
        ;                                     /* counted the wait would end the app here */
    printf_native("waiting forever");
    R("poll_forever", mqtt_poll(topic, sizeof topic, payload, sizeof payload, -1));
    printf_native("not reached");
    return 0;
}

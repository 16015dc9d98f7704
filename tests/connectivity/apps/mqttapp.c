/* The fleet tests' MQTT app (tests/connectivity/fleet_e2e.py): publishes "up" on
 * "hello" (QoS 1, retained), subscribes to "cmd", echoes what comes there on "echo",
 * and logs every call's result, so a build without the `mqtt` capability shows its
 * EACCES. Ends on STOP. */
#include <akira/lifecycle.h>
#include <akira/mqtt.h>

__attribute__((export_name("run"))) int run(void)
{
    int rc = akira_mqtt_publish("hello", 5, "up", 2, AKIRA_MQTT_QOS1 | AKIRA_MQTT_RETAIN);
    akira_printf("mqtt publish rc=%d\n", rc);
    int sub = akira_mqtt_subscribe("cmd", 3);
    akira_printf("mqtt subscribe rc=%d\n", sub);
    rc = akira_mqtt_publish("secret", 6, "x", 1, 0);
    akira_printf("mqtt publish outside mqtt_topics rc=%d\n", rc);
    struct akira_event ev;
    char buf[AKIRA_MQTT_MSG_MAX];
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        if (ev.type != AKIRA_EVENT_MQTT) continue;
        int n;
        while ((n = akira_mqtt_recv(sub, buf, sizeof(buf))) >= 0) {
            rc = akira_mqtt_publish("echo", 4, buf, (uint32_t)n, AKIRA_MQTT_QOS1);
            akira_printf("mqtt echo %d bytes rc=%d\n", n, rc);
        }
    }
}

/* Upstream-style mesh app: every mesh_* call with good and bad arguments (each result
 * logged as `name: value` for tests/runtime/test_compat_radio_e2e.py), then messages
 * with the same app on another node: broadcasts until it hears one, a unicast answer
 * to each broadcast heard, until a unicast came back; the nodes it sees, its stats,
 * mesh_stop, and abort(). */
#include "up_radio.h"

static unsigned char buf[256], src[8], nodes[4 * 52], stats[24];
static unsigned char foreign[8] = {1, 0, 0, 0, 0, 0, 0, 2}; /* no id of ours */
static unsigned char nobody[8] = {0, 0, 0, 0, 0, 0, 0, 9};  /* ours, no such node */

static int id_of(const unsigned char *p)
{
    for (int i = 0; i < 6; i++)
        if (p[i]) return -1;
    return p[6] << 8 | p[7];
}

static u32 u32_at(const unsigned char *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

int main(void)
{
    R("mesh_init_node_300", mesh_init(300, "up", 0, 0));
    R("mesh_init_role_3", mesh_init(1, "up", 3, 0));
    R("mesh_init_long_name", mesh_init(1, "a-name-longer-than-upstreams-32b", 0, 0));
    R("mesh_init", mesh_init(1, "upmesh", 0, 0));
    int started = mesh_start();
    R("mesh_start", started);
    if (started != 0) { /* no mesh here (its radio held by an app, or no key) */
        printf("upmesh: no mesh\n");
        return 0;
    }
    R("mesh_start_again", mesh_start());
    R("mesh_send_bad_dest", mesh_send(BAD_PTR, "x", 1));
    R("mesh_send_bad_data", mesh_send(nobody, BAD_PTR, 4));
    R("mesh_send_foreign_id", mesh_send(foreign, "x", 1));
    R("mesh_send_0", mesh_send(nobody, "x", 0));
    R("mesh_send_201", mesh_send(nobody, buf, 201));
    R("mesh_broadcast_hops", mesh_broadcast("x", 1, -1));
    R("mesh_broadcast_201", mesh_broadcast(buf, 201, 3));
    R("mesh_broadcast_bad", mesh_broadcast(BAD_PTR, 8, 3));
    R("mesh_recv_pop_bad_src", mesh_recv_pop(BAD_PTR, buf, 10, 0));
    R("mesh_recv_pop_bad_buf", mesh_recv_pop(src, BAD_PTR, 10, 0));
    R("mesh_recv_pop_empty", mesh_recv_pop(src, buf, sizeof buf, 0));
    R("mesh_recv_pop_wait", mesh_recv_pop(src, buf, sizeof buf, 50));
    R("mesh_get_nodes_bad", mesh_get_nodes(BAD_PTR, 4));
    R("mesh_get_nodes_neg", mesh_get_nodes(nodes, (u32)-1));
    R("mesh_get_stats_bad", mesh_get_stats(BAD_PTR));
    R("mesh_get_stats", mesh_get_stats(stats));
    printf("upmesh: checks done\n");
    int heard_b = 0, heard_u = 0;
    for (int n = 0; n < 100 && !(heard_b && heard_u); n++) {
        if (!heard_b || n % 4 == 0) {
            int len = snprintf((char *)buf, sizeof buf, "b:hello %d", n);
            int rc = mesh_broadcast(buf, (u32)len, 3);
            if (rc) printf("upmesh: broadcast %d\n", rc);
        }
        int got;
        while ((got = mesh_recv_pop(src, buf, sizeof buf - 1, 300)) > 0) {
            buf[got] = 0;
            printf("upmesh: from node %d, %d bytes: %s\n", id_of(src), got, (char *)buf);
            if (buf[0] == 'b') {
                heard_b = 1;
                int rc = mesh_send(src, "u:hello back", 12);
                if (rc) printf("upmesh: send %d\n", rc);
            } else {
                heard_u = 1;
            }
        }
    }
    printf("upmesh: exchange %s\n", heard_b && heard_u ? "ok" : "failed");
    int n = mesh_get_nodes(nodes, 4);
    for (int i = 0; i < n; i++) {
        unsigned char *p = nodes + 52 * i;
        printf("upmesh: node %d name %s hops %d rssi %d\n", id_of(p), (char *)p + 8, p[44],
               (int)(signed char)p[45]);
    }
    R("mesh_get_stats_after", mesh_get_stats(stats));
    printf("upmesh: stats sent %d received %d neighbours %d\n", (int)u32_at(stats),
           (int)u32_at(stats + 4), (int)u32_at(stats + 20));
    R("mesh_stop", mesh_stop());
    R("mesh_recv_pop_stopped", mesh_recv_pop(src, buf, sizeof buf, 0));
    delay(1000000); /* the other node's last answers, then the end */
    abort();
    printf("upmesh: not reached\n");
    return 0;
}

/* Shell command `mesh`: status, nodes (neighbours), routes, ping NODE, send NODE TEXT,
 * key HEX|random. */
#include <stdlib.h>
#include <string.h>

#include <akira/err.h>
#include <akira/mesh_service.h>
#include <akira/random.h>
#include <akira/rf_radio.h>
#include <akira/shell.h>

#include "mesh_tunnel.h"

#define WAIT_MS 10000

static int node_arg(struct akira_shell *sh, const char *s, uint16_t *out)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 0);
    if (!*s || *end || v == 0 || v >= AKIRA_MESH_ADDR_BCAST) {
        akira_shell_print(sh, "mesh: '%s' is not a node id (1..65534)\n", s);
        return AKIRA_EINVAL;
    }
    *out = (uint16_t)v;
    return 0;
}

static bool up(struct akira_shell *sh)
{
    struct akira_mesh_service_status st;
    char holder[AKIRA_RF_OWNER_MAX + 1];
    int rc = akira_mesh_service_status(&st);
    if (rc == AKIRA_ENODEV)
        akira_shell_print(sh, "mesh: no radio on this board\n");
    else if (!st.running && akira_rf_holder(holder, sizeof holder))
        akira_shell_print(sh, "mesh: down (the radio is held by %s)\n", holder);
    else if (!st.running)
        akira_shell_print(sh, "mesh: down (no network key: mesh key)\n");
    return rc == 0 && st.running;
}

static int cmd_status(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_mesh_service_status st;
    if (!up(sh)) return 0;
    akira_mesh_service_status(&st);
    const struct akira_mesh_stats *s = &st.stats;
    akira_shell_print(sh, "mesh node %u up: %u neighbours, %u routes, %u bytes of state\n", st.id,
                      (unsigned)st.neighbours, (unsigned)st.routes, (unsigned)st.node_bytes);
    akira_shell_print(sh, "tx frames %u (control %u, data %u, retries %u, errors %u)\n",
                      (unsigned)s->tx_frames, (unsigned)s->tx_ctrl, (unsigned)s->tx_data,
                      (unsigned)s->tx_retries, (unsigned)s->tx_errors);
    akira_shell_print(sh, "rx frames %u, forwarded %u, delivered %u, duplicates %u\n",
                      (unsigned)s->rx_frames, (unsigned)s->forwarded, (unsigned)s->delivered,
                      (unsigned)s->rx_dup);
    akira_shell_print(sh, "refused: other net %u, bad auth %u, replay %u, malformed %u\n",
                      (unsigned)s->rx_bad_net, (unsigned)s->rx_bad_auth, (unsigned)s->rx_replay,
                      (unsigned)s->rx_malformed);
    akira_shell_print(sh, "routing: rreq %u rrep %u rerr %u, link breaks %u, no route %u\n",
                      (unsigned)s->rreq_sent, (unsigned)s->rrep_sent, (unsigned)s->rerr_sent,
                      (unsigned)s->link_breaks, (unsigned)s->no_route);
    return 0;
}

static int cmd_nodes(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!up(sh)) return 0;
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    size_t n = akira_mesh_service_neighbours(nb, AKIRA_MESH_NBR_MAX);
    akira_shell_print(sh, "%-6s %6s %6s %7s %6s %8s\n", "node", "rssi", "lq-in", "lq-out", "cost",
                      "age-ms");
    for (size_t i = 0; i < n; i++)
        akira_shell_print(sh, "%-6u %6d %6u %7u %6u %8u\n", nb[i].id, nb[i].rssi, nb[i].lq_in,
                          nb[i].lq_out, nb[i].cost, (unsigned)nb[i].age_ms);
    return 0;
}

static int cmd_routes(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!up(sh)) return 0;
    struct akira_mesh_route_info r[AKIRA_MESH_ROUTE_MAX];
    size_t n = akira_mesh_service_routes(r, AKIRA_MESH_ROUTE_MAX);
    akira_shell_print(sh, "%-6s %-6s %5s %7s %10s %s\n", "dst", "via", "hops", "metric", "seq",
                      "state");
    for (size_t i = 0; i < n; i++)
        akira_shell_print(sh, "%-6u %-6u %5u %7u %10u %s\n", r[i].dst, r[i].next_hop, r[i].hops,
                          r[i].metric, (unsigned)r[i].seq, r[i].valid ? "valid" : "invalid");
    return 0;
}

static int cmd_ping(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t dst;
    if (node_arg(sh, argv[1], &dst) || !up(sh)) return AKIRA_EINVAL;
    uint32_t rtt = 0;
    uint8_t hops = 0;
    int rc = akira_mesh_service_ping(dst, WAIT_MS, &rtt, &hops);
    if (rc == 0)
        akira_shell_print(sh, "reply from %u: %u hops, time %u ms\n", dst, hops, rtt);
    else
        akira_shell_print(sh, "mesh: no reply from %u (%s)\n", dst, akira_err_str(rc));
    return rc;
}

static int cmd_send(struct akira_shell *sh, int argc, char **argv)
{
    uint16_t dst;
    if (node_arg(sh, argv[1], &dst) || !up(sh)) return AKIRA_EINVAL;
    char text[AKIRA_MESH_MSG_MAX];
    size_t len = 0;
    for (int i = 2; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (len + l + 1 > sizeof(text)) return AKIRA_ETOOBIG;
        if (i > 2) text[len++] = ' ';
        memcpy(text + len, argv[i], l);
        len += l;
    }
    int rc = akira_mesh_service_send(dst, AKIRA_MESH_PORT_TEXT, text, len, WAIT_MS);
    if (rc == 0)
        akira_shell_print(sh, "delivered to %u\n", dst);
    else
        akira_shell_print(sh, "mesh: not delivered to %u (%s)\n", dst, akira_err_str(rc));
    return rc;
}

static int cmd_proxy(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t dst, port = 0;
    if (node_arg(sh, argv[1], &dst) || !up(sh)) return AKIRA_EINVAL;
    int rc = akira_mesh_tunnel_proxy(dst, &port);
    if (rc == 0)
        akira_shell_print(sh, "mesh proxy on 127.0.0.1:%u to node %u\n", port, dst);
    else
        akira_shell_print(sh, "mesh: no proxy (%s)\n", akira_err_str(rc));
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int cmd_key(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint8_t key[AKIRA_MESH_KEY_LEN];
    if (!strcmp(argv[1], "random")) {
        akira_random_fill(key, sizeof(key));
    } else {
        if (strlen(argv[1]) != 2 * AKIRA_MESH_KEY_LEN) goto bad;
        for (size_t i = 0; i < AKIRA_MESH_KEY_LEN; i++) {
            int hi = hexval(argv[1][2 * i]), lo = hexval(argv[1][2 * i + 1]);
            if (hi < 0 || lo < 0) goto bad;
            key[i] = (uint8_t)(hi << 4 | lo);
        }
    }
    int rc = akira_mesh_service_key_set(key);
    memset(key, 0, sizeof(key));
    struct akira_mesh_service_status st;
    akira_mesh_service_status(&st);
    if (rc == AKIRA_EBUSY) /* stored; an app holds the radio for raw RF */
        akira_shell_print(sh, "mesh key stored; the radio is held by an app: the mesh starts "
                              "when it lets go\n");
    else if (rc)
        akira_shell_print(sh, "mesh: key not set (%s)\n", akira_err_str(rc));
    else if (st.running)
        akira_shell_print(sh, "mesh key stored; node %u up\n", st.id);
    else
        akira_shell_print(sh, "mesh key stored; the mesh starts with the network services\n");
    return rc;
bad:
    akira_shell_print(sh, "mesh: the key is 64 hex digits, or `random`\n");
    return AKIRA_EINVAL;
}

AKIRA_SHELL_SUBCMDS(
    mesh_sub, AKIRA_SHELL_CMD("status", "the node and its counters", NULL, cmd_status, NULL, 0, 0),
    AKIRA_SHELL_CMD("nodes", "neighbours with link quality", NULL, cmd_nodes, NULL, 0, 0),
    AKIRA_SHELL_CMD("routes", "the route table", NULL, cmd_routes, NULL, 0, 0),
    AKIRA_SHELL_CMD("ping", "round trip to a node", "NODE", cmd_ping, NULL, 1, 1),
    AKIRA_SHELL_CMD("send", "a text to a node (its log shows it)", "NODE TEXT...", cmd_send, NULL,
                    2, 32),
    AKIRA_SHELL_CMD("proxy", "relay a loopback TCP port to a node's device API", "NODE", cmd_proxy,
                    NULL, 1, 1),
    AKIRA_SHELL_CMD("key", "set the network key", "HEX64|random", cmd_key, NULL, 1, 1));

AKIRA_SHELL_CMD_REGISTER(mesh, "mesh", "AkiraMesh: status, nodes, routes, ping, send, key", NULL,
                         cmd_status, mesh_sub, 0, 0);

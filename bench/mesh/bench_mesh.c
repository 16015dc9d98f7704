/* AkiraMesh figures (bench/RESULTS.md, "Mesh"): on the simulated medium of
 * tests/mesh/mesh_sim.c (2 ms per frame, loss per frame and receiver), in simulated
 * time, so the figures are the protocol's and repeat exactly for a seed.
 *   1. unicast delivery ratio and latency against hop count and loss (lines);
 *   2. the 10-node grid (5x2) at 10 % loss: unicast and broadcast;
 *   3. control traffic per node per minute at rest (beacons only);
 *   4. RAM: the node's state, per neighbour, per route. */
#include <stdio.h>
#include <string.h>

#include "mesh_sim.h"

static void traffic(struct sim *s, unsigned n, unsigned gap, size_t len, int from, int to)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned a = from >= 0 ? (unsigned)from : sim_rand(s) % s->count, b;
        if (to >= 0) {
            b = (unsigned)to;
        } else {
            do {
                b = sim_rand(s) % s->count;
            } while (b == a);
        }
        while (sim_send_measured(s, a, b, len) == -10 /* AKIRA_ENOSPC */)
            sim_run(s, 20);
        sim_run(s, gap);
    }
    sim_run(s, 30000);
}

static void line(unsigned hops, double loss)
{
    struct sim s;
    sim_init(&s, hops + 1, 100 + hops, loss, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 5000);
    traffic(&s, 200, 200, 32, 0, (int)hops);
    printf("| %u | %.0f %% | %.1f %% | %.1f | %llu |\n", hops, loss * 100,
           100.0 * s.msg_delivered / s.msg_sent,
           s.msg_delivered ? (double)s.lat_sum / s.msg_delivered : 0.0,
           (unsigned long long)s.lat_max);
    sim_free(&s);
}

int main(void)
{
    printf("## unicast, line of hops+1 nodes, 200 messages of 32 bytes, end to end\n\n");
    printf("| hops | loss per frame | delivered | mean latency ms | max ms "
           "|\n|---|---|---|---|---|\n");
    const double losses[] = {0.0, 0.05, 0.10, 0.20, 0.30};
    for (unsigned h = 1; h <= 8; h *= 2)
        for (unsigned l = 0; l < 5; l++)
            line(h, losses[l]);

    printf("\n## 10-node grid (5x2), 10 %% loss, 1000 unicast messages between random pairs\n\n");
    struct sim s;
    sim_init(&s, 10, 42, 0.10, 1.01);
    sim_grid(&s, 5);
    sim_start(&s);
    sim_run(&s, 5000);
    traffic(&s, 1000, 100, 32, -1, -1);
    printf("delivered %u/%u = %.2f %%, mean latency %.1f ms, max %llu ms, mean hops %.2f\n",
           s.msg_delivered, s.msg_sent, 100.0 * s.msg_delivered / s.msg_sent,
           (double)s.lat_sum / s.msg_delivered, (unsigned long long)s.lat_max,
           (double)s.lat_hops_sum / s.msg_delivered);
    unsigned before = 0;
    for (unsigned i = 0; i < 10; i++)
        before += s.nodes[i].delivered;
    for (unsigned m = 0; m < 100; m++) {
        akira_mesh_send(&s.nodes[m % 10].mesh, AKIRA_MESH_ADDR_BCAST, 9, "broadcast", 9, s.now);
        sim_run(&s, 300);
    }
    unsigned after = 0;
    for (unsigned i = 0; i < 10; i++)
        after += s.nodes[i].delivered;
    printf("broadcast: 100 floods reached %.2f %% of the other nodes\n",
           100.0 * (after - before) / (100.0 * 9));
    sim_free(&s);

    printf("\n## control traffic at rest (10-node grid, no data, 10 simulated minutes)\n\n");
    const unsigned periods[] = {2000, 10000};
    for (unsigned k = 0; k < 2; k++) {
        sim_init(&s, 10, 43, 0.0, 1.01);
        sim_grid(&s, 5);
        s.base.hello_ms = periods[k];
        sim_start(&s);
        sim_run(&s, 60000);
        uint64_t f0 = s.frames;
        sim_run(&s, 600000);
        double per_min = (double)(s.frames - f0) / 10.0 / 10.0;
        printf("beacon every %u ms: %.1f frames per node per minute (%.0f bytes)\n", periods[k],
               per_min, per_min * (26 + 4 + 3 * 3));
        sim_free(&s);
    }

    printf("\n## RAM\n\n");
    printf("node state %zu bytes: neighbour %zu x %u, route %zu x %u, duplicate cache %zu x %u, "
           "tx queue %zu x %u, source messages %zu x %u, reassembly %zu x %u\n",
           sizeof(struct akira_mesh_node), sizeof(struct akira_mesh_nbr_), AKIRA_MESH_NBR_MAX,
           sizeof(struct akira_mesh_route_), AKIRA_MESH_ROUTE_MAX, sizeof(struct akira_mesh_dup_),
           AKIRA_MESH_DUP_MAX, sizeof(struct akira_mesh_txq_), AKIRA_MESH_TXQ_MAX,
           sizeof(struct akira_mesh_out_), AKIRA_MESH_OUT_MAX, sizeof(struct akira_mesh_rx_),
           AKIRA_MESH_RX_MAX);
    return 0;
}

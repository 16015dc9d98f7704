/* AkiraMesh on a simulated medium: frames (seal/open, tampering, wrong key, malformed,
 * replay), then networks of 5 to 20 nodes in lines, grids and random layouts with loss:
 * ping across hops, delivery ratio, fragmentation, floods, a node killed under a route,
 * a partition and its healing, a node with the wrong key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>

#include "mesh_priv.h"
#include "mesh_sim.h"

static const uint8_t key_a[AKIRA_MESH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t key_b[AKIRA_MESH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 9};

static void test_frame_seal_open(void **state)
{
    (void)state;
    uint8_t inner[40], frame[AKIRA_MESH_MTU_MAX], back[AKIRA_MESH_MTU_MAX];
    for (unsigned i = 0; i < sizeof(inner); i++)
        inner[i] = (uint8_t)i;
    struct mesh_outer h = {7, 0x0102, AKIRA_MESH_ADDR_BCAST, 0x11223344u}, g;
    int len = mesh_frame_seal(key_a, &h, inner, sizeof(inner), frame, sizeof(frame));
    assert_int_equal(len, sizeof(inner) + MESH_OVERHEAD);
    size_t blen = 0;
    assert_int_equal(mesh_frame_open(key_a, frame, (size_t)len, &g, back, &blen), 0);
    assert_int_equal(blen, sizeof(inner));
    assert_memory_equal(back, inner, sizeof(inner));
    assert_int_equal(g.src, 0x0102);
    assert_int_equal(g.counter, 0x11223344u);
    /* the ciphertext does not carry the plaintext */
    assert_null(memmem(frame, (size_t)len, inner + 8, 16));
    /* another key: refused */
    assert_int_equal(mesh_frame_open(key_b, frame, (size_t)len, &g, back, &blen), AKIRA_EAUTH);
    /* any bit changed anywhere: refused */
    for (int i = 0; i < len; i++) {
        frame[i] ^= 0x10;
        int rc = mesh_frame_open(key_a, frame, (size_t)len, &g, back, &blen);
        assert_true(rc == AKIRA_EAUTH || rc == AKIRA_EFORMAT);
        frame[i] ^= 0x10;
    }
    /* truncated */
    for (int l = 0; l < len; l++)
        assert_true(mesh_frame_open(key_a, frame, (size_t)l, &g, back, &blen) < 0);
}

static void test_inner_check(void **state)
{
    (void)state;
    uint8_t p[AKIRA_MESH_INNER_MAX] = {0};
    assert_int_equal(mesh_inner_check(p, 0), AKIRA_EFORMAT);
    p[0] = 99;
    assert_int_equal(mesh_inner_check(p, 20), AKIRA_EFORMAT);
    /* a DATA fragment that claims to lie past its message's end */
    memset(p, 0, sizeof(p));
    p[0] = MESH_T_DATA;
    mesh_put16(p + MESH_R_ORIGIN, 1);
    mesh_put16(p + MESH_R_DST, 2);
    p[MESH_R_TTL] = 4;
    p[MESH_D_FRAG] = 3;
    p[MESH_D_NFRAG] = 5;
    mesh_put16(p + MESH_D_TOTAL, 300);
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 100), AKIRA_EFORMAT);
    p[MESH_D_FRAG] = 1;
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 100), 0);
    p[MESH_D_FRAG] = 4; /* the last one: ends at total */
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 100), 0);
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 301), AKIRA_EFORMAT);
    p[MESH_D_NFRAG] = 0;
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 10), AKIRA_EFORMAT);
    p[MESH_D_NFRAG] = 1;
    p[MESH_D_FRAG] = 0;
    mesh_put16(p + MESH_D_TOTAL, 10);
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 10), 0);
    mesh_put16(p + MESH_R_DST, AKIRA_MESH_ADDR_BCAST); /* DATA must be unicast */
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 10), AKIRA_EFORMAT);
    p[MESH_R_TTL] = 0;
    p[0] = MESH_T_BCAST;
    assert_int_equal(mesh_inner_check(p, MESH_D_LEN + 10), AKIRA_EFORMAT);
    /* HELLO whose count lies */
    memset(p, 0, sizeof(p));
    p[0] = MESH_T_HELLO;
    p[MESH_H_N] = 3;
    assert_int_equal(mesh_inner_check(p, MESH_H_LEN + 2 * MESH_H_ENTRY), AKIRA_EFORMAT);
    assert_int_equal(mesh_inner_check(p, MESH_H_LEN + 3 * MESH_H_ENTRY), 0);
}

/* Seals inner as node `src` of the sim's network would, with its own counter. */
static size_t forge(struct sim *s, uint16_t src, uint16_t dst, uint32_t ctr, const uint8_t *inner,
                    size_t len, uint8_t *frame)
{
    struct mesh_outer h = {s->base.net_id, src, dst, ctr};
    int n = mesh_frame_seal(s->base.key, &h, inner, len, frame, AKIRA_MESH_MTU_MAX);
    assert_true(n > 0);
    return (size_t)n;
}

static void test_malformed_refused(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 3, 11, 0.0, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 3000);
    struct akira_mesh_node *m = &s.nodes[1].mesh;
    uint8_t junk[AKIRA_MESH_MTU_MAX];
    for (unsigned i = 0; i < 2000; i++) {
        size_t len = sim_rand(&s) % sizeof(junk);
        for (size_t k = 0; k < len; k++)
            junk[k] = (uint8_t)sim_rand(&s);
        if (i & 1 && len > 6) { /* past the header checks, to the tag */
            junk[0] = MESH_MAGIC_V1;
            junk[1] = s.base.net_id;
            mesh_put16(junk + 2, 3);
            mesh_put16(junk + 4, 2);
        }
        assert_true(akira_mesh_input(m, junk, len, -50, s.now) < 0);
    }
    assert_true(m->stats.rx_malformed > 0);
    assert_true(m->stats.rx_bad_auth > 0);
    /* authenticated but nonsense inside: counted, nothing else happens */
    uint8_t inner[AKIRA_MESH_INNER_MAX], frame[AKIRA_MESH_MTU_MAX];
    uint32_t before = m->stats.rx_malformed;
    for (unsigned i = 0; i < 500; i++) {
        size_t len = 1 + sim_rand(&s) % (sizeof(inner) - 1);
        for (size_t k = 0; k < len; k++)
            inner[k] = (uint8_t)sim_rand(&s);
        inner[0] = (uint8_t)(1 + i % 9);
        size_t fl = forge(&s, 50, 2, 0x70000000u + i, inner, len, frame);
        akira_mesh_input(m, frame, fl, -50, s.now);
    }
    assert_true(m->stats.rx_malformed > before);
    /* the network still works */
    uint32_t pongs = s.nodes[0].pongs;
    assert_true(akira_mesh_send(&s.nodes[0].mesh, 3, AKIRA_MESH_PORT_PING, "x", 1, s.now) >= 0);
    sim_run(&s, 3000);
    assert_int_equal(s.nodes[0].pongs, pongs + 1);
    sim_free(&s);
}

static void test_replay_refused(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 3, 12, 0.0, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 3000);
    /* a message from 1 to 3, its frames recorded as 1 sent them */
    s.tap_node = 0;
    assert_true(akira_mesh_send(&s.nodes[0].mesh, 3, AKIRA_MESH_PORT_USER, "hello", 5, s.now) >= 0);
    sim_run(&s, 5);
    assert_true(s.tap_count > 0);
    uint8_t frame[AKIRA_MESH_MTU_MAX];
    size_t len = s.tap_len;
    memcpy(frame, s.tap, len);
    sim_run(&s, 2000);
    assert_int_equal(s.nodes[2].delivered, 1);
    /* replayed to the relay: refused before anything else looks at it */
    struct akira_mesh_node *relay = &s.nodes[1].mesh;
    uint32_t fwd = relay->stats.forwarded;
    assert_int_equal(akira_mesh_input(relay, frame, len, -50, s.now), AKIRA_EEXIST);
    assert_int_equal(relay->stats.rx_replay, 1);
    sim_run(&s, 2000);
    assert_int_equal(relay->stats.forwarded, fwd);
    assert_int_equal(s.nodes[2].delivered, 1);
    /* a genuine frame far older than the window: refused too */
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(relay, 1);
    assert_non_null(nb);
    uint8_t hello[MESH_H_LEN] = {MESH_T_HELLO, 0, 0, 0};
    uint8_t old[AKIRA_MESH_MTU_MAX];
    size_t ol =
        forge(&s, 1, AKIRA_MESH_ADDR_BCAST, nb->replay_top - 100, hello, sizeof(hello), old);
    assert_int_equal(akira_mesh_input(relay, old, ol, -50, s.now), AKIRA_EEXIST);
    /* and a fresh one passes */
    ol = forge(&s, 1, AKIRA_MESH_ADDR_BCAST, nb->replay_top + 1, hello, sizeof(hello), old);
    assert_int_equal(akira_mesh_input(relay, old, ol, -50, s.now), 0);
    sim_free(&s);
}

static void test_line_ping(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 5, 13, 0.0, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 3000);
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    size_t k = akira_mesh_neighbours(&s.nodes[2].mesh, nb, AKIRA_MESH_NBR_MAX);
    assert_int_equal(k, 2);
    assert_true(nb[0].lq_in > 200 && nb[0].cost < 24);
    assert_true(akira_mesh_send(&s.nodes[0].mesh, 5, AKIRA_MESH_PORT_PING, "ping", 4, s.now) >= 0);
    sim_run(&s, 2000);
    assert_int_equal(s.nodes[0].pongs, 1);
    assert_int_equal(s.nodes[0].last_len, 4);
    assert_int_equal(s.nodes[0].sent_ok, 1);
    struct akira_mesh_route_info r[AKIRA_MESH_ROUTE_MAX];
    size_t nr = akira_mesh_routes(&s.nodes[0].mesh, r, AKIRA_MESH_ROUTE_MAX);
    bool found = false;
    for (size_t i = 0; i < nr; i++)
        if (r[i].dst == 5 && r[i].valid) {
            assert_int_equal(r[i].hops, 4);
            assert_int_equal(r[i].next_hop, 2);
            found = true;
        }
    assert_true(found);
    sim_free(&s);
}

/* n messages between random pairs, one every gap ms, len bytes; then time to finish. */
static void traffic(struct sim *s, unsigned n, unsigned gap, size_t len)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned a = sim_rand(s) % s->count, b;
        do {
            b = sim_rand(s) % s->count;
        } while (b == a);
        while (sim_send_measured(s, a, b, len) == AKIRA_ENOSPC)
            sim_run(s, 50);
        sim_run(s, gap);
    }
    sim_run(s, 15000);
}

static void test_grid_10_loss_10(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 10, 14, 0.10, 1.01);
    sim_grid(&s, 5);
    sim_start(&s);
    sim_run(&s, 5000);
    traffic(&s, 300, 100, 32);
    double ratio = (double)s.msg_delivered / s.msg_sent;
    print_message("grid 5x2, 10%% loss: %u/%u delivered (%.2f %%), mean latency %.1f ms\n",
                  s.msg_delivered, s.msg_sent, ratio * 100, (double)s.lat_sum / s.msg_delivered);
    assert_true(ratio >= 0.99);
    assert_int_equal(s.msg_dups, 0);
    sim_free(&s);
}

static void test_random_20(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 20, 15, 0.05, 1.5);
    sim_random(&s, 5.0);
    sim_start(&s);
    sim_run(&s, 5000);
    traffic(&s, 200, 100, 64);
    double ratio = (double)s.msg_delivered / s.msg_sent;
    print_message("random 20, 5%% loss: %.2f %% delivered\n", ratio * 100);
    assert_true(ratio >= 0.98);
    sim_free(&s);
}

/* A lossy line: 8 hops at 20 % loss per frame. A next hop that misses its acks but is
 * still heard keeps its routes; declaring such links broken would set off route
 * requests that cross 8 lossy hops unacknowledged (28 % delivered when it did). */
static void test_lossy_line_8_hops(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 9, 22, 0.20, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 5000);
    for (unsigned i = 0; i < 60; i++) {
        while (sim_send_measured(&s, 0, 8, 32) == AKIRA_ENOSPC)
            sim_run(&s, 20);
        sim_run(&s, 200);
    }
    sim_run(&s, 30000);
    print_message("8 hops, 20%% loss: %u/%u delivered\n", s.msg_delivered, s.msg_sent);
    assert_true(s.msg_delivered * 100 >= s.msg_sent * 99);
    sim_free(&s);
}

static void test_fragmentation(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 5, 16, 0.10, 1.01);
    sim_line(&s);
    sim_start(&s);
    sim_run(&s, 3000);
    uint8_t big[AKIRA_MESH_MSG_MAX];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7 + 3);
    for (unsigned round = 0; round < 5; round++) {
        big[0] = (uint8_t)round;
        assert_true(akira_mesh_send(&s.nodes[0].mesh, 5, AKIRA_MESH_PORT_USER + 1, big, sizeof(big),
                                    s.now) >= 0);
        sim_run(&s, 8000);
        assert_int_equal(s.nodes[4].delivered, round + 1);
        assert_int_equal(s.nodes[4].last_len, sizeof(big));
        assert_memory_equal(s.nodes[4].last_data, big, sizeof(big));
    }
    assert_int_equal(s.nodes[0].sent_ok, 5);
    /* larger than a message: refused */
    assert_int_equal(akira_mesh_send(&s.nodes[0].mesh, 5, 20, big, sizeof(big) + 1, s.now),
                     AKIRA_ETOOBIG);
    sim_free(&s);
}

/* A half-duplex radio is deaf while it sends: a node that sent its next frame while the
 * ack of the last one was on the air would lose that ack and send again (85 retries
 * here when it does). Without loss, 4 messages of 5 fragments across 4 hops (80 frames)
 * need few retries: only the relays' hidden-terminal overlaps remain (12). */
static void test_few_retries_without_loss(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 5, 21, 0.0, 1.01);
    sim_line(&s);
    s.base.hello_ms = 60000; /* no beacons in the way of what is counted */
    sim_start(&s);
    sim_run(&s, 200);
    uint8_t big[AKIRA_MESH_MSG_MAX] = {1};
    for (unsigned round = 0; round < 4; round++) {
        assert_true(akira_mesh_send(&s.nodes[0].mesh, 5, AKIRA_MESH_PORT_USER + 1, big, sizeof(big),
                                    s.now) >= 0);
        sim_run(&s, 3000);
    }
    assert_int_equal(s.nodes[4].delivered, 4);
    uint32_t retries = 0;
    for (unsigned i = 0; i < 5; i++)
        retries += s.nodes[i].mesh.stats.tx_retries;
    print_message("4 messages of 1 KiB over 4 hops: %u retries, %llu receptions garbled\n", retries,
                  (unsigned long long)s.collided);
    assert_true(retries <= 24);
    sim_free(&s);
}

static void test_flood(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 16, 17, 0.10, 1.01);
    sim_grid(&s, 4);
    sim_start(&s);
    sim_run(&s, 3000);
    unsigned before[16];
    for (unsigned i = 0; i < 16; i++)
        before[i] = s.nodes[i].delivered;
    for (unsigned m = 0; m < 20; m++) {
        char text[32];
        int l = snprintf(text, sizeof(text), "news %u", m);
        assert_int_equal(akira_mesh_send(&s.nodes[m % 16].mesh, AKIRA_MESH_ADDR_BCAST, 9, text,
                                         (size_t)l, s.now),
                         0);
        sim_run(&s, 500);
    }
    unsigned got = 0;
    for (unsigned i = 0; i < 16; i++) {
        unsigned d = s.nodes[i].delivered - before[i];
        assert_true(d <= 20); /* the duplicate cache: never twice */
        got += d;
    }
    double ratio = got / (20.0 * 15);
    print_message("flood 4x4, 10%% loss: %.2f %% of nodes reached\n", ratio * 100);
    assert_true(ratio >= 0.95);
    sim_free(&s);
}

static uint16_t next_hop(struct akira_mesh_node *m, uint16_t dst)
{
    struct akira_mesh_route_info r[AKIRA_MESH_ROUTE_MAX];
    size_t nr = akira_mesh_routes(m, r, AKIRA_MESH_ROUTE_MAX);
    for (size_t i = 0; i < nr; i++)
        if (r[i].dst == dst && r[i].valid) return r[i].next_hop;
    return 0;
}

static void test_kill_and_repair(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 12, 18, 0.05, 1.01);
    sim_grid(&s, 4); /* 4x3 */
    sim_start(&s);
    sim_run(&s, 3000);
    /* 1 (corner) to 12 (the opposite corner) */
    assert_true(sim_send_measured(&s, 0, 11, 16) >= 0);
    sim_run(&s, 2000);
    assert_int_equal(s.msg_delivered, 1);
    /* kill the node the route goes through next to the middle */
    uint16_t hop1 = next_hop(&s.nodes[0].mesh, 12);
    assert_true(hop1 != 0);
    uint16_t hop2 = next_hop(&s.nodes[hop1 - 1].mesh, 12);
    assert_true(hop2 != 0 && hop2 != 12);
    sim_kill(&s, hop2 - 1u);
    for (unsigned i = 0; i < 20; i++) {
        while (sim_send_measured(&s, 0, 11, 16) == AKIRA_ENOSPC)
            sim_run(&s, 50);
        sim_run(&s, 200);
    }
    sim_run(&s, 10000);
    print_message("killed node %u under the route: %u/%u delivered\n", hop2, s.msg_delivered,
                  s.msg_sent);
    assert_int_equal(s.msg_delivered, s.msg_sent);
    /* the route now avoids it */
    uint16_t h = next_hop(&s.nodes[0].mesh, 12);
    for (unsigned guard = 0; h && h != 12 && guard < 10; guard++) {
        assert_true(h != hop2);
        h = next_hop(&s.nodes[h - 1].mesh, 12);
    }
    sim_free(&s);
}

static void test_partition_and_heal(void **state)
{
    (void)state;
    struct sim s;
    /* two 3x2 blocks joined by node 7 alone: x 0..2 | 3 | 4..6 */
    sim_init(&s, 13, 19, 0.05, 1.01);
    unsigned k = 0;
    for (unsigned x = 0; x < 3; x++)
        for (unsigned y = 0; y < 2; y++)
            sim_place(&s, k++, x, y);
    sim_place(&s, k++, 3, 0); /* the bridge, index 6 */
    for (unsigned x = 4; x < 7; x++)
        for (unsigned y = 0; y < 2; y++)
            sim_place(&s, k++, x, y);
    sim_start(&s);
    sim_run(&s, 3000);
    assert_true(sim_send_measured(&s, 0, 12, 16) >= 0);
    sim_run(&s, 3000);
    assert_int_equal(s.msg_delivered, 1);
    sim_kill(&s, 6);
    unsigned fails = s.nodes[0].sent_fail;
    assert_true(sim_send_measured(&s, 0, 12, 16) >= 0);
    sim_run(&s, 20000);
    assert_int_equal(s.msg_delivered, 1);
    assert_int_equal(s.nodes[0].sent_fail, fails + 1);
    /* the bridge comes back (a reboot: a new counter epoch) */
    sim_start_node(&s, 6);
    sim_run(&s, 3000);
    assert_true(sim_send_measured(&s, 0, 12, 16) >= 0);
    sim_run(&s, 5000);
    assert_int_equal(s.msg_delivered, 2);
    sim_free(&s);
}

static void test_wrong_key_ignored(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 6, 20, 0.0, 1.01);
    sim_grid(&s, 3);
    s.nodes[4].key[0] ^= 1; /* the middle of the bottom row holds another key */
    sim_start(&s);
    sim_run(&s, 5000);
    /* nobody lists it as a neighbour, it lists nobody */
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    for (unsigned i = 0; i < 6; i++) {
        size_t c = akira_mesh_neighbours(&s.nodes[i].mesh, nb, AKIRA_MESH_NBR_MAX);
        if (i == 4) assert_int_equal(c, 0);
        for (size_t j = 0; j < c; j++)
            assert_true(nb[j].id != 5);
    }
    assert_true(s.nodes[1].mesh.stats.rx_bad_auth > 0);
    /* it can neither send into the mesh nor read what goes through its range */
    assert_true(akira_mesh_send(&s.nodes[4].mesh, 1, AKIRA_MESH_PORT_USER, "evil", 4, s.now) >= 0);
    assert_true(sim_send_measured(&s, 3, 5, 8) >= 0);
    assert_true(akira_mesh_send(&s.nodes[0].mesh, AKIRA_MESH_ADDR_BCAST, 9, "all", 3, s.now) == 0);
    sim_run(&s, 10000);
    assert_int_equal(s.nodes[0].delivered, 0);
    assert_int_equal(s.nodes[4].delivered, 0);
    assert_int_equal(s.nodes[4].sent_fail, 1);
    assert_int_equal(s.msg_delivered, 1);
    sim_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_seal_open),
        cmocka_unit_test(test_inner_check),
        cmocka_unit_test(test_malformed_refused),
        cmocka_unit_test(test_replay_refused),
        cmocka_unit_test(test_line_ping),
        cmocka_unit_test(test_grid_10_loss_10),
        cmocka_unit_test(test_random_20),
        cmocka_unit_test(test_fragmentation),
        cmocka_unit_test(test_flood),
        cmocka_unit_test(test_few_retries_without_loss),
        cmocka_unit_test(test_lossy_line_8_hops),
        cmocka_unit_test(test_kill_and_repair),
        cmocka_unit_test(test_partition_and_heal),
        cmocka_unit_test(test_wrong_key_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

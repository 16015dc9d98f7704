/* libFuzzer target for AkiraMesh's receive path. The input is a sequence of records
 * (1 byte length, 1 byte mode, bytes): mode even hands the bytes to the node as a raw
 * frame (the outer header and tag checks); mode odd seals them first with the network
 * key as a neighbour would, so the inner parsers see them past authentication. Between
 * records the clock advances and the node ticks (retries, timeouts, beacons). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <akira/mesh.h>

#include "mesh_priv.h"

static int sink(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    (void)len;
    return 0;
}

static void deliver(void *ctx, uint16_t origin, uint16_t dst, uint8_t port, const uint8_t *data,
                    size_t len, uint8_t hops)
{
    (void)ctx;
    (void)origin;
    (void)dst;
    (void)port;
    (void)hops;
    static volatile uint8_t x;
    for (size_t i = 0; i < len; i++)
        x = (uint8_t)(x ^ data[i]); /* ASan checks every byte */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct akira_mesh_node node;
    struct akira_mesh_config cfg = {.id = 2, .net_id = 7, .hello_ms = 500, .ack_ms = 10};
    for (unsigned i = 0; i < AKIRA_MESH_KEY_LEN; i++)
        cfg.key[i] = (uint8_t)i;
    struct akira_mesh_link link = {sink, NULL, AKIRA_MESH_MTU_MAX};
    struct akira_mesh_callbacks cb = {deliver, NULL, NULL};
    uint64_t now = 1000;
    if (akira_mesh_init(&node, &cfg, &link, &cb, now) != 0) return 0;
    /* something of our own in flight, so acks and route replies find state */
    akira_mesh_send(&node, 3, AKIRA_MESH_PORT_USER, "abc", 3, now);
    uint32_t ctr = 1;
    size_t i = 0;
    while (i + 2 <= size) {
        size_t len = data[i];
        uint8_t mode = data[i + 1];
        i += 2;
        if (len > size - i) len = size - i;
        const uint8_t *rec = data + i;
        i += len;
        uint8_t frame[AKIRA_MESH_MTU_MAX];
        if (mode & 1) {
            uint16_t src = (uint16_t)(1 + (mode >> 1) % 4); /* neighbours 1, 2(self), 3, 4 */
            uint16_t dst = (mode & 0x80) ? AKIRA_MESH_ADDR_BCAST : 2;
            struct mesh_outer h = {7, src, dst, ctr++};
            int fl = mesh_frame_seal(cfg.key, &h, rec, len, frame, sizeof(frame));
            if (fl > 0) akira_mesh_input(&node, frame, (size_t)fl, -60, now);
        } else {
            akira_mesh_input(&node, rec, len, -60, now);
        }
        now += mode & 0x3F;
        akira_mesh_tick(&node, now);
    }
    return 0;
}

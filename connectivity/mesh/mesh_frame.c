/* AkiraMesh frame codec: the cleartext outer header, sealing and opening, and the
 * structural check of every inner frame before any handler reads it. */
#include "mesh_priv.h"
#include "mesh_crypto.h"

#include <akira/err.h>

int mesh_frame_peek(const uint8_t *frame, size_t len, struct mesh_outer *h)
{
    if (!frame || len < MESH_OVERHEAD + 1 || len > AKIRA_MESH_MTU_MAX) return AKIRA_EFORMAT;
    if (frame[0] != MESH_MAGIC_V1) return AKIRA_EFORMAT;
    h->net_id = frame[1];
    h->src = mesh_get16(frame + 2);
    h->dst = mesh_get16(frame + 4);
    h->counter = mesh_get32(frame + 6);
    if (h->src == 0 || h->src == AKIRA_MESH_ADDR_BCAST || h->dst == 0) return AKIRA_EFORMAT;
    return 0;
}

int mesh_frame_seal(const uint8_t key[AKIRA_MESH_KEY_LEN], const struct mesh_outer *h,
                    const uint8_t *inner, size_t inner_len, uint8_t *out, size_t cap)
{
    if (inner_len == 0 || inner_len + MESH_OVERHEAD > cap) return AKIRA_ETOOBIG;
    out[0] = MESH_MAGIC_V1;
    out[1] = h->net_id;
    mesh_put16(out + 2, h->src);
    mesh_put16(out + 4, h->dst);
    mesh_put32(out + 6, h->counter);
    mesh_aead_seal(key, h->src, h->counter, out, MESH_HDR_LEN, inner, inner_len,
                   out + MESH_HDR_LEN);
    return (int)(inner_len + MESH_OVERHEAD);
}

int mesh_frame_open(const uint8_t key[AKIRA_MESH_KEY_LEN], const uint8_t *frame, size_t len,
                    struct mesh_outer *h, uint8_t *inner, size_t *inner_len)
{
    int rc = mesh_frame_peek(frame, len, h);
    if (rc < 0) return rc;
    rc = mesh_aead_open(key, h->src, h->counter, frame, MESH_HDR_LEN, frame + MESH_HDR_LEN,
                        len - MESH_HDR_LEN, inner);
    if (rc < 0) return rc;
    *inner_len = (size_t)rc;
    return 0;
}

/* Lengths and fields of an inner frame. A key holder can still send nonsense; nothing
 * past this check reads a byte it did not validate here. */
int mesh_inner_check(const uint8_t *p, size_t len)
{
    if (len < 1 || len > AKIRA_MESH_INNER_MAX) return AKIRA_EFORMAT;
    switch (p[0]) {
    case MESH_T_HELLO: {
        if (len < MESH_H_LEN) return AKIRA_EFORMAT;
        size_t cnt = p[MESH_H_N];
        if (cnt > AKIRA_MESH_NBR_MAX || len != MESH_H_LEN + cnt * MESH_H_ENTRY)
            return AKIRA_EFORMAT;
        return 0;
    }
    case MESH_T_ACK: return len == MESH_A_LEN ? 0 : AKIRA_EFORMAT;
    default: break;
    }
    if (len < MESH_R_LEN) return AKIRA_EFORMAT;
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), dst = mesh_get16(p + MESH_R_DST);
    if (origin == 0 || origin == AKIRA_MESH_ADDR_BCAST || dst == 0 || p[MESH_R_TTL] == 0)
        return AKIRA_EFORMAT;
    bool bcast = dst == AKIRA_MESH_ADDR_BCAST;
    switch (p[0]) {
    case MESH_T_RREQ: {
        uint16_t target = mesh_get16(p + MESH_Q_TARGET);
        if (len != MESH_Q_LEN || !bcast || target == 0 || target == AKIRA_MESH_ADDR_BCAST)
            return AKIRA_EFORMAT;
        return 0;
    }
    case MESH_T_RREP: return len == MESH_P_LEN && !bcast ? 0 : AKIRA_EFORMAT;
    case MESH_T_EACK: return len == MESH_R_LEN && !bcast ? 0 : AKIRA_EFORMAT;
    case MESH_T_RERR: {
        uint16_t u = mesh_get16(p + MESH_E_UNREACH);
        if (len != MESH_E_LEN || bcast || u == 0 || u == AKIRA_MESH_ADDR_BCAST)
            return AKIRA_EFORMAT;
        return 0;
    }
    case MESH_T_DATA:
    case MESH_T_BCAST: {
        if (len < MESH_D_LEN || bcast != (p[0] == MESH_T_BCAST)) return AKIRA_EFORMAT;
        unsigned frag = p[MESH_D_FRAG], nfrag = p[MESH_D_NFRAG];
        unsigned total = mesh_get16(p + MESH_D_TOTAL);
        size_t chunk = len - MESH_D_LEN;
        if (nfrag == 0 || nfrag > AKIRA_MESH_FRAG_MAX || frag >= nfrag ||
            total > AKIRA_MESH_MSG_MAX)
            return AKIRA_EFORMAT;
        /* a fragment says where it goes: frag * its length, the last one ends at total */
        if (frag + 1 < nfrag) {
            if (chunk == 0 || (size_t)(frag + 1) * chunk > total) return AKIRA_EFORMAT;
        } else if (chunk > total || (nfrag == 1 && chunk != total)) {
            return AKIRA_EFORMAT;
        }
        return 0;
    }
    default: return AKIRA_EFORMAT;
    }
}

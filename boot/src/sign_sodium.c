/*
 * Image signing on the host (akira/boot_crypto_sodium.h): the layout of docs/boot.md.
 */
#include <string.h>

#include <sodium.h>

#include <akira/boot_crypto_sodium.h>
#include <akira/err.h>

#define PROT_LEN (4u + 4u + 4u)                              /* info + SEC_CNT */
#define TLV_LEN  (4u + (4u + 32u) + (4u + 32u) + (4u + 64u)) /* info + 3 entries */

size_t akira_boot_image_size(const struct akira_boot_sign_opts *o, size_t n)
{
    return o->hdr_size + n + (o->has_sec_cnt ? PROT_LEN : 0) + TLV_LEN;
}

static size_t put_tlv(uint8_t *out, size_t at, uint16_t type, const void *val, uint16_t len)
{
    out[at] = (uint8_t)type;
    out[at + 1] = (uint8_t)(type >> 8);
    out[at + 2] = (uint8_t)len;
    out[at + 3] = (uint8_t)(len >> 8);
    memcpy(out + at + 4, val, len);
    return at + 4u + len;
}

static size_t put_info(uint8_t *out, size_t at, uint16_t magic, uint16_t tot)
{
    out[at] = (uint8_t)magic;
    out[at + 1] = (uint8_t)(magic >> 8);
    out[at + 2] = (uint8_t)tot;
    out[at + 3] = (uint8_t)(tot >> 8);
    return at + 4;
}

int akira_boot_image_sign(const uint8_t *payload, size_t n, const struct akira_boot_sign_opts *o,
                          const uint8_t sk[64], uint8_t *out)
{
    if (!o || !sk || !out || (!payload && n) || o->hdr_size < AKIRA_FW_HEADER_LEN ||
        n > 0xFFFFFFFFu - o->hdr_size)
        return AKIRA_EINVAL;
    const struct akira_fw_crypto *c = akira_boot_crypto_sodium();
    if (!c) return AKIRA_ENOTSUP;
    struct akira_fw_header h = {.magic = AKIRA_FW_IMAGE_MAGIC,
                                .load_addr = o->load_addr,
                                .hdr_size = o->hdr_size,
                                .protect_tlv_size = (uint16_t)(o->has_sec_cnt ? PROT_LEN : 0),
                                .img_size = (uint32_t)n,
                                .ver = o->ver};
    memset(out, 0, o->hdr_size);
    akira_fw_header_encode(&h, out);
    if (n) memcpy(out + o->hdr_size, payload, n);
    size_t at = o->hdr_size + n;
    if (o->has_sec_cnt) {
        uint8_t v[4] = {(uint8_t)o->sec_cnt, (uint8_t)(o->sec_cnt >> 8),
                        (uint8_t)(o->sec_cnt >> 16), (uint8_t)(o->sec_cnt >> 24)};
        at = put_info(out, at, AKIRA_FW_TLV_PROT_MAGIC, PROT_LEN);
        at = put_tlv(out, at, AKIRA_FW_TLV_SEC_CNT, v, 4);
    }
    uint8_t digest[AKIRA_FW_HASH_LEN], keyhash[AKIRA_FW_HASH_LEN], sig[AKIRA_FW_SIG_LEN];
    struct akira_fw_sha256 st;
    c->sha256_init(&st);
    c->sha256_update(&st, out, at);
    c->sha256_final(&st, digest);
    akira_fw_key_hash(c, sk + 32, keyhash); /* libsodium's secret key ends with the public */
    if (crypto_sign_detached(sig, NULL, digest, sizeof digest, sk) != 0) return AKIRA_ENOTSUP;
    at = put_info(out, at, AKIRA_FW_TLV_INFO_MAGIC, TLV_LEN);
    at = put_tlv(out, at, AKIRA_FW_TLV_SHA256, digest, sizeof digest);
    at = put_tlv(out, at, AKIRA_FW_TLV_KEYHASH, keyhash, sizeof keyhash);
    put_tlv(out, at, AKIRA_FW_TLV_ED25519, sig, sizeof sig);
    return AKIRA_OK;
}

/*
 * MCUboot image format and slot trailers (akira/fw_image.h, docs/boot.md).
 */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/fw_image.h>

#include "le.h"

const uint8_t akira_fw_spki_prefix[AKIRA_FW_SPKI_PREFIX_LEN] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                                0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

/* 0x77c295f3 0x60d2ef7f 0x3f5a6a7c 0x8079b62c, each little endian. */
const uint8_t akira_fw_trailer_magic[AKIRA_FW_TRAILER_MAGIC_LEN] = {
    0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x3f, 0x5a, 0x6a, 0x7c, 0x80, 0x79, 0xb6, 0x2c};

#define PIECE 256u

void akira_fw_header_encode(const struct akira_fw_header *h, uint8_t out[AKIRA_FW_HEADER_LEN])
{
    memset(out, 0, AKIRA_FW_HEADER_LEN);
    akira_le_put32(out + 0, h->magic);
    akira_le_put32(out + 4, h->load_addr);
    akira_le_put16(out + 8, h->hdr_size);
    akira_le_put16(out + 10, h->protect_tlv_size);
    akira_le_put32(out + 12, h->img_size);
    akira_le_put32(out + 16, h->flags);
    out[20] = h->ver.major;
    out[21] = h->ver.minor;
    akira_le_put16(out + 22, h->ver.revision);
    akira_le_put32(out + 24, h->ver.build);
    /* 28..31: padding, zero */
}

void akira_fw_header_decode(const uint8_t in[AKIRA_FW_HEADER_LEN], struct akira_fw_header *h)
{
    h->magic = akira_le_get32(in + 0);
    h->load_addr = akira_le_get32(in + 4);
    h->hdr_size = akira_le_get16(in + 8);
    h->protect_tlv_size = akira_le_get16(in + 10);
    h->img_size = akira_le_get32(in + 12);
    h->flags = akira_le_get32(in + 16);
    h->ver.major = in[20];
    h->ver.minor = in[21];
    h->ver.revision = akira_le_get16(in + 22);
    h->ver.build = akira_le_get32(in + 24);
}

int akira_fw_version_cmp(const struct akira_fw_version *a, const struct akira_fw_version *b)
{
    uint64_t ka = ((uint64_t)a->major << 24) | ((uint64_t)a->minor << 16) | a->revision;
    uint64_t kb = ((uint64_t)b->major << 24) | ((uint64_t)b->minor << 16) | b->revision;
    if (ka != kb) return ka < kb ? -1 : 1;
    if (a->build != b->build) return a->build < b->build ? -1 : 1;
    return 0;
}

void akira_fw_version_str(const struct akira_fw_version *v, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u+%lu", v->major, v->minor, v->revision, (unsigned long)v->build);
}

static int parse_num(const char **s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    const char *p = *s;
    if (*p < '0' || *p > '9') return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > max) return -1;
        p++;
    }
    *s = p;
    *out = v;
    return 0;
}

int akira_fw_version_parse(const char *s, struct akira_fw_version *v)
{
    unsigned long ma, mi, re, bu = 0;
    if (!s || !v) return AKIRA_EINVAL;
    if (parse_num(&s, 255, &ma) || *s++ != '.' || parse_num(&s, 255, &mi) || *s++ != '.' ||
        parse_num(&s, 65535, &re))
        return AKIRA_EINVAL;
    if (*s == '+' && (s++, parse_num(&s, 0xFFFFFFFFul, &bu))) return AKIRA_EINVAL;
    if (*s) return AKIRA_EINVAL;
    v->major = (uint8_t)ma;
    v->minor = (uint8_t)mi;
    v->revision = (uint16_t)re;
    v->build = (uint32_t)bu;
    return AKIRA_OK;
}

void akira_fw_key_hash(const struct akira_fw_crypto *c, const uint8_t pub[AKIRA_FW_PUBKEY_LEN],
                       uint8_t out[AKIRA_FW_HASH_LEN])
{
    struct akira_fw_sha256 st;
    c->sha256_init(&st);
    c->sha256_update(&st, akira_fw_spki_prefix, sizeof akira_fw_spki_prefix);
    c->sha256_update(&st, pub, AKIRA_FW_PUBKEY_LEN);
    c->sha256_final(&st, out);
}

static int slot_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    return akira_flash_area_read(ctx, off, buf, len);
}

uint32_t akira_fw_slot_image_max(const struct akira_flash_area *slot)
{
    return slot->size > slot->sector_size ? slot->size - slot->sector_size : 0;
}

void akira_fw_reader_slot(struct akira_fw_reader *r, const struct akira_flash_area *slot)
{
    r->read = slot_read;
    r->ctx = (void *)slot;
    r->size = akira_fw_slot_image_max(slot);
}

static int fail(const char **why, const char *msg, int rc)
{
    if (why) *why = msg;
    return rc;
}

/* Walk one TLV area at `off` whose info must carry `magic` (and, for the protected
 * area, total `want_tot`). Records what it knows into info. */
static int walk_tlvs(const struct akira_fw_reader *r, uint32_t off, uint16_t magic,
                     uint32_t want_tot, struct akira_fw_info *info, bool *has_hash,
                     uint8_t hash[AKIRA_FW_HASH_LEN], const char **why, uint32_t *tot_out)
{
    uint8_t b[4];
    if ((uint64_t)off + 4 > r->size)
        return fail(why, "truncated: the TLV area runs past the end of the image data",
                    AKIRA_EFORMAT);
    if (r->read(r->ctx, off, b, 4)) return fail(why, "read failed", AKIRA_EIO);
    if (akira_le_get16(b) != magic)
        return fail(why,
                    magic == AKIRA_FW_TLV_INFO_MAGIC ? "bad TLV area magic (truncated image?)"
                                                     : "bad protected TLV area magic",
                    AKIRA_EFORMAT);
    uint32_t tot = akira_le_get16(b + 2);
    if (tot < 4 || (want_tot && tot != want_tot))
        return fail(why, "TLV area size does not match the header", AKIRA_EFORMAT);
    if ((uint64_t)off + tot > r->size)
        return fail(why, "truncated: the TLV area runs past the end of the image data",
                    AKIRA_EFORMAT);
    uint32_t end = off + tot;
    for (uint32_t p = off + 4; p < end;) {
        uint8_t th[4];
        if (end - p < 4) return fail(why, "a TLV entry is cut", AKIRA_EFORMAT);
        if (r->read(r->ctx, p, th, 4)) return fail(why, "read failed", AKIRA_EIO);
        uint16_t type = akira_le_get16(th), len = akira_le_get16(th + 2);
        p += 4;
        if (len > end - p) return fail(why, "a TLV entry runs past its area", AKIRA_EFORMAT);
        void *dst = NULL;
        size_t want = 0;
        bool prot = magic == AKIRA_FW_TLV_PROT_MAGIC;
        uint8_t cnt[4];
        uint8_t spki[AKIRA_FW_SPKI_LEN];
        switch (type) {
        case AKIRA_FW_TLV_SHA256:
            if (!prot && !*has_hash) dst = hash, want = AKIRA_FW_HASH_LEN, *has_hash = true;
            break;
        case AKIRA_FW_TLV_KEYHASH:
            if (!prot && !info->has_keyhash)
                dst = info->keyhash, want = AKIRA_FW_HASH_LEN, info->has_keyhash = true;
            break;
        case AKIRA_FW_TLV_ED25519:
            if (!prot && !info->is_signed)
                dst = info->sig, want = AKIRA_FW_SIG_LEN, info->is_signed = true;
            break;
        case AKIRA_FW_TLV_SEC_CNT:
            if (prot && !info->has_sec_cnt) dst = cnt, want = 4, info->has_sec_cnt = true;
            break;
        case AKIRA_FW_TLV_PUBKEY:
            if (!prot && !info->has_keyhash) dst = spki, want = AKIRA_FW_SPKI_LEN;
            break;
        default: break;
        }
        if (dst) {
            if (len != want) return fail(why, "a TLV entry has the wrong length", AKIRA_EFORMAT);
            if (r->read(r->ctx, p, dst, len)) return fail(why, "read failed", AKIRA_EIO);
            if (dst == cnt) info->sec_cnt = akira_le_get32(cnt);
            if (dst == spki) {
                if (memcmp(spki, akira_fw_spki_prefix, AKIRA_FW_SPKI_PREFIX_LEN))
                    return fail(why, "the public key TLV is not an Ed25519 key", AKIRA_EFORMAT);
                /* Keep the raw key in keyhash's place; verify hashes it (flag below). */
                memcpy(info->keyhash, spki + AKIRA_FW_SPKI_PREFIX_LEN, AKIRA_FW_PUBKEY_LEN);
                info->key_index = -2; /* marks "keyhash holds the key itself" */
            }
        }
        p += len;
    }
    *tot_out = tot;
    return AKIRA_OK;
}

int akira_fw_image_parse(const struct akira_fw_reader *r, const struct akira_fw_crypto *c,
                         struct akira_fw_info *info, const char **why)
{
    if (!r || !c || !info) return AKIRA_EINVAL;
    memset(info, 0, sizeof *info);
    info->key_index = -1;
    uint8_t buf[PIECE];
    if (r->size < AKIRA_FW_HEADER_LEN)
        return fail(why, "truncated: shorter than an image header", AKIRA_EFORMAT);
    if (r->read(r->ctx, 0, buf, AKIRA_FW_HEADER_LEN)) return fail(why, "read failed", AKIRA_EIO);
    akira_fw_header_decode(buf, &info->hdr);
    const struct akira_fw_header *h = &info->hdr;
    if (h->magic != AKIRA_FW_IMAGE_MAGIC)
        return fail(why, "no image magic (not an MCUboot image, or an empty slot)", AKIRA_ENOEXEC);
    if (h->hdr_size < AKIRA_FW_HEADER_LEN)
        return fail(why, "header size below 32 bytes", AKIRA_EFORMAT);
    if (h->flags & AKIRA_FW_F_ENCRYPTED_MASK)
        return fail(why, "encrypted images are not supported", AKIRA_ENOTSUP);
    if (h->flags & AKIRA_FW_F_NON_BOOTABLE)
        return fail(why, "the image is marked non-bootable", AKIRA_ENOTSUP);
    uint64_t prot_off = (uint64_t)h->hdr_size + h->img_size;
    if (prot_off + h->protect_tlv_size + 4 > r->size)
        return fail(why, "truncated: the image runs past the end of its data", AKIRA_EFORMAT);
    bool has_hash = false;
    uint8_t want_hash[AKIRA_FW_HASH_LEN];
    uint32_t ptot = 0, tot = 0;
    int rc;
    if (h->protect_tlv_size) {
        rc = walk_tlvs(r, (uint32_t)prot_off, AKIRA_FW_TLV_PROT_MAGIC, h->protect_tlv_size, info,
                       &has_hash, want_hash, why, &ptot);
        if (rc) return rc;
    }
    rc = walk_tlvs(r, (uint32_t)prot_off + h->protect_tlv_size, AKIRA_FW_TLV_INFO_MAGIC, 0, info,
                   &has_hash, want_hash, why, &tot);
    if (rc) return rc;
    info->tlv_end = (uint32_t)prot_off + ptot + tot;
    /* The hash covers header, padding, payload and the protected TLV area. */
    struct akira_fw_sha256 st;
    c->sha256_init(&st);
    uint32_t hashed = (uint32_t)prot_off + h->protect_tlv_size;
    for (uint32_t off = 0; off < hashed;) {
        uint32_t n = hashed - off < PIECE ? hashed - off : PIECE;
        if (r->read(r->ctx, off, buf, n)) return fail(why, "read failed", AKIRA_EIO);
        c->sha256_update(&st, buf, n);
        off += n;
    }
    c->sha256_final(&st, info->hash);
    if (!has_hash) return fail(why, "no SHA-256 TLV", AKIRA_ESIG);
    if (memcmp(want_hash, info->hash, AKIRA_FW_HASH_LEN))
        return fail(why, "bad hash: the image's bytes do not match its SHA-256", AKIRA_ESIG);
    return AKIRA_OK;
}

int akira_fw_image_verify(const struct akira_fw_reader *r, const struct akira_fw_crypto *c,
                          const struct akira_fw_key *keys, size_t nkeys, struct akira_fw_info *info,
                          const char **why)
{
    int rc = akira_fw_image_parse(r, c, info, why);
    if (rc) return rc;
    bool raw_key = info->key_index == -2;
    info->key_index = -1;
    if (!info->is_signed) return fail(why, "unsigned: no Ed25519 signature TLV", AKIRA_ESIG);
    if (!info->has_keyhash && !raw_key)
        return fail(why, "no key hash TLV: cannot tell which key signed", AKIRA_ESIG);
    for (size_t i = 0; i < nkeys; i++) {
        bool match;
        if (raw_key) {
            match = !memcmp(keys[i].pub, info->keyhash, AKIRA_FW_PUBKEY_LEN);
        } else {
            uint8_t kh[AKIRA_FW_HASH_LEN];
            akira_fw_key_hash(c, keys[i].pub, kh);
            match = !memcmp(kh, info->keyhash, AKIRA_FW_HASH_LEN);
        }
        if (!match) continue;
        if (!c->ed25519_verify(info->sig, info->hash, AKIRA_FW_HASH_LEN, keys[i].pub))
            return fail(why, "bad signature", AKIRA_ESIG);
        info->key_index = (int)i;
        return AKIRA_OK;
    }
    return fail(why, "signed by an unknown key", AKIRA_ESIG);
}

/* --- trailers ---------------------------------------------------------------------------- */

static bool flag_set(uint8_t b)
{
    return b != AKIRA_FLASH_ERASED;
}

int akira_fw_trailer_read(const struct akira_flash_area *fa, uint32_t end,
                          struct akira_fw_trailer *t)
{
    uint8_t b[AKIRA_FW_TRAILER_SWAP_SIZE_OFF];
    if (end < sizeof b) return AKIRA_EINVAL;
    int rc = akira_flash_area_read(fa, end - (uint32_t)sizeof b, b, sizeof b);
    if (rc) return rc;
    const uint8_t *e = b + sizeof b; /* offsets count back from here */
    t->magic =
        !memcmp(e - AKIRA_FW_TRAILER_MAGIC_OFF, akira_fw_trailer_magic, AKIRA_FW_TRAILER_MAGIC_LEN);
    t->image_ok = flag_set(e[-(int)AKIRA_FW_TRAILER_IMAGE_OK_OFF]);
    t->copy_done = flag_set(e[-(int)AKIRA_FW_TRAILER_COPY_DONE_OFF]);
    t->swap_info = e[-(int)AKIRA_FW_TRAILER_SWAP_INFO_OFF];
    t->swap_size = akira_le_get32(e - AKIRA_FW_TRAILER_SWAP_SIZE_OFF);
    return AKIRA_OK;
}

int akira_fw_trailer_write(const struct akira_flash_area *fa, uint32_t end, uint32_t off,
                           const void *val, size_t len)
{
    uint8_t b[AKIRA_FW_TRAILER_ALIGN];
    uint32_t wb = fa->write_block_size;
    uint32_t n = (uint32_t)((len + wb - 1) / wb * wb);
    if (len == 0 || n > sizeof b || off > end) return AKIRA_EINVAL;
    memset(b, AKIRA_FLASH_ERASED, sizeof b);
    memcpy(b, val, len);
    return akira_flash_area_write(fa, end - off, b, n);
}

int akira_fw_trailer_write_magic(const struct akira_flash_area *fa, uint32_t end)
{
    return akira_flash_area_write(fa, end - AKIRA_FW_TRAILER_MAGIC_OFF, akira_fw_trailer_magic,
                                  AKIRA_FW_TRAILER_MAGIC_LEN);
}

int akira_fw_slot_set_pending(const struct akira_flash_area *secondary, bool permanent)
{
    uint32_t end = secondary->size;
    uint32_t tsec = end - secondary->sector_size;
    if (!akira_flash_area_is_erased(secondary, tsec, secondary->sector_size)) return AKIRA_ESTATE;
    uint8_t one = AKIRA_FW_FLAG_SET;
    int rc = permanent
                 ? akira_fw_trailer_write(secondary, end, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1)
                 : AKIRA_OK;
    return rc ? rc : akira_fw_trailer_write_magic(secondary, end);
}

int akira_fw_slot_confirm(const struct akira_flash_area *primary)
{
    struct akira_fw_trailer t;
    int rc = akira_fw_trailer_read(primary, primary->size, &t);
    if (rc) return rc;
    if (!t.magic) return AKIRA_ESTATE;
    if (t.image_ok) return AKIRA_OK;
    uint8_t one = AKIRA_FW_FLAG_SET;
    return akira_fw_trailer_write(primary, primary->size, AKIRA_FW_TRAILER_IMAGE_OK_OFF, &one, 1);
}

bool akira_fw_slot_in_test(const struct akira_flash_area *primary)
{
    struct akira_fw_trailer t;
    if (akira_fw_trailer_read(primary, primary->size, &t)) return false;
    return t.magic && t.copy_done && !t.image_ok;
}

enum akira_fw_swap_type akira_fw_swap_type_get(const struct akira_flash_area *primary,
                                               const struct akira_flash_area *secondary)
{
    struct akira_fw_trailer p, s;
    if (akira_fw_trailer_read(secondary, secondary->size, &s) == AKIRA_OK && s.magic)
        return s.image_ok ? AKIRA_FW_SWAP_PERM : AKIRA_FW_SWAP_TEST;
    if (akira_fw_trailer_read(primary, primary->size, &p) == AKIRA_OK && p.magic && p.copy_done &&
        !p.image_ok)
        return AKIRA_FW_SWAP_REVERT;
    return AKIRA_FW_SWAP_NONE;
}

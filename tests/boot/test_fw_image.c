/*
 * The MCUboot image format (akira/fw_image.h) against images whose bytes are written
 * out here by hand from MCUboot's specification (design.md / imgtool.md), not by our
 * encoder: a header, a payload, the TLV area SHA-256 / KEYHASH / ED25519 in imgtool's
 * order, so an image imgtool makes with an Ed25519 key is accepted. Then each bad
 * input the issue lists, refused with its error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <akira/boot_crypto_sodium.h>
#include <akira/err.h>
#include <akira/fw_image.h>

#define PAYLOAD 100u

static uint8_t pub[32], sk[64], pub2[32], sk2[64];
static uint8_t img[512];
static size_t img_len;

struct buf {
    const uint8_t *d;
    size_t n;
};

static int buf_read(void *ctx, uint32_t off, void *out, uint32_t len)
{
    struct buf *b = ctx;
    if ((uint64_t)off + len > b->n) return AKIRA_EIO;
    memcpy(out, b->d + off, len);
    return 0;
}

/* The image, byte by byte. with_prot adds a protected TLV area with a security
 * counter of 7; pubkey_tlv puts the whole key (TLV 0x02, DER) instead of its hash. */
static size_t build(uint8_t *o, bool with_prot, bool pubkey_tlv, const uint8_t *skey)
{
    static const uint8_t spki[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                     0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    const uint8_t hdr[32] = {
        0x3d,
        0xb8,
        0xf3,
        0x96, /* ih_magic 0x96f3b83d, LE */
        0x00,
        0x00,
        0x00,
        0x00, /* ih_load_addr */
        0x20,
        0x00, /* ih_hdr_size 32 */
        (uint8_t)(with_prot ? 12 : 0),
        0x00, /* ih_protect_tlv_size */
        PAYLOAD,
        0x00,
        0x00,
        0x00, /* ih_img_size */
        0x00,
        0x00,
        0x00,
        0x00, /* ih_flags */
        0x01,
        0x02,
        0x03,
        0x00,
        0x04,
        0x00,
        0x00,
        0x00, /* version 1.2.3+4 */
        0x00,
        0x00,
        0x00,
        0x00, /* _pad1 */
    };
    size_t at = 0;
    memcpy(o, hdr, 32);
    at = 32;
    for (unsigned i = 0; i < PAYLOAD; i++)
        o[at++] = (uint8_t)(i * 7 + 1);
    if (with_prot) {
        const uint8_t prot[12] = {0x08, 0x69, 0x0c, 0x00,  /* protected info, total 12 */
                                  0x50, 0x00, 0x04, 0x00,  /* SEC_CNT, 4 bytes */
                                  0x07, 0x00, 0x00, 0x00}; /* 7 */
        memcpy(o + at, prot, 12);
        at += 12;
    }
    uint8_t digest[32];
    crypto_hash_sha256(digest, o, at); /* header + payload + protected TLVs */
    uint16_t tot = (uint16_t)(4 + 36 + (pubkey_tlv ? 48 : 36) + 68);
    o[at++] = 0x07, o[at++] = 0x69, o[at++] = (uint8_t)tot, o[at++] = (uint8_t)(tot >> 8);
    o[at++] = 0x10, o[at++] = 0x00, o[at++] = 32, o[at++] = 0x00;
    memcpy(o + at, digest, 32), at += 32;
    if (pubkey_tlv) {
        o[at++] = 0x02, o[at++] = 0x00, o[at++] = 44, o[at++] = 0x00;
        memcpy(o + at, spki, 12), at += 12;
        memcpy(o + at, skey + 32, 32), at += 32;
    } else {
        uint8_t der[44], kh[32];
        memcpy(der, spki, 12);
        memcpy(der + 12, skey + 32, 32);
        crypto_hash_sha256(kh, der, sizeof der);
        o[at++] = 0x01, o[at++] = 0x00, o[at++] = 32, o[at++] = 0x00;
        memcpy(o + at, kh, 32), at += 32;
    }
    o[at++] = 0x24, o[at++] = 0x00, o[at++] = 64, o[at++] = 0x00;
    crypto_sign_detached(o + at, NULL, digest, 32, skey); /* Ed25519 over the digest */
    at += 64;
    return at;
}

static int check(const uint8_t *d, size_t n, struct akira_fw_info *info, const char **why)
{
    static struct akira_fw_key keys[2];
    keys[0].name = "other";
    memcpy(keys[0].pub, pub2, 32);
    keys[1].name = "dev";
    memcpy(keys[1].pub, pub, 32);
    struct buf b = {d, n};
    struct akira_fw_reader r = {buf_read, &b, (uint32_t)n};
    return akira_fw_image_verify(&r, akira_boot_crypto_sodium(), keys, 2, info, why);
}

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(i + 1);
    crypto_sign_seed_keypair(pub, sk, seed);
    seed[0] = 0x99;
    crypto_sign_seed_keypair(pub2, sk2, seed);
    img_len = build(img, false, false, sk);
    return 0;
}

static void hand_built_image_verifies(void **state)
{
    (void)state;
    struct akira_fw_info info;
    const char *why = NULL;
    assert_int_equal(check(img, img_len, &info, &why), AKIRA_OK);
    assert_int_equal(info.key_index, 1);
    assert_int_equal(info.hdr.ver.major, 1);
    assert_int_equal(info.hdr.ver.minor, 2);
    assert_int_equal(info.hdr.ver.revision, 3);
    assert_int_equal(info.hdr.ver.build, 4);
    assert_int_equal(info.hdr.img_size, PAYLOAD);
    assert_int_equal(info.tlv_end, img_len);
    assert_false(info.has_sec_cnt);
    /* Our encoder writes the same 32 header bytes. */
    uint8_t enc[32];
    akira_fw_header_encode(&info.hdr, enc);
    assert_memory_equal(enc, img, 32);
}

static void protected_counter_and_pubkey_tlv(void **state)
{
    (void)state;
    uint8_t o[512];
    struct akira_fw_info info;
    const char *why = NULL;
    size_t n = build(o, true, false, sk);
    assert_int_equal(check(o, n, &info, &why), AKIRA_OK);
    assert_true(info.has_sec_cnt);
    assert_int_equal(info.sec_cnt, 7);
    n = build(o, false, true, sk2);
    assert_int_equal(check(o, n, &info, &why), AKIRA_OK);
    assert_int_equal(info.key_index, 0);
    /* The protected area is under the hash: changing the counter breaks it. */
    n = build(o, true, false, sk);
    o[32 + PAYLOAD + 8] = 9;
    assert_int_equal(check(o, n, &info, &why), AKIRA_ESIG);
    assert_string_equal(why, "bad hash: the image's bytes do not match its SHA-256");
}

static void bad_inputs_refused(void **state)
{
    (void)state;
    uint8_t o[512];
    struct akira_fw_info info;
    const char *why = NULL;
    /* truncated: every length short of the whole image */
    for (size_t n = 0; n < img_len; n++) {
        int rc = check(img, n, &info, &why);
        assert_true(rc == AKIRA_EFORMAT || rc == AKIRA_ENOEXEC);
    }
    assert_int_equal(check(img, img_len - 1, &info, &why), AKIRA_EFORMAT);
    assert_non_null(strstr(why, "truncated"));
    /* wrong magic */
    memcpy(o, img, img_len);
    o[0] ^= 1;
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_ENOEXEC);
    /* bad hash: one payload bit */
    memcpy(o, img, img_len);
    o[40] ^= 0x10;
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_ESIG);
    assert_non_null(strstr(why, "bad hash"));
    /* bad signature */
    memcpy(o, img, img_len);
    o[img_len - 1] ^= 1;
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_ESIG);
    assert_string_equal(why, "bad signature");
    /* unknown key: signed and hashed right, by a key the verifier lacks */
    uint8_t sk3[64], pub3[32];
    crypto_sign_keypair(pub3, sk3);
    size_t n = build(o, false, false, sk3);
    assert_int_equal(check(o, n, &info, &why), AKIRA_ESIG);
    assert_string_equal(why, "signed by an unknown key");
    /* unsigned: only the hash TLV */
    memcpy(o, img, img_len);
    o[32 + PAYLOAD + 2] = 4 + 36;
    assert_int_equal(check(o, 32 + PAYLOAD + 40, &info, &why), AKIRA_ESIG);
    assert_non_null(strstr(why, "unsigned"));
    /* too large for the reader (a slot): the header claims more than there is */
    memcpy(o, img, img_len);
    o[13] = 0x10; /* img_size + 4096 */
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_EFORMAT);
    /* bad TLV magic */
    memcpy(o, img, img_len);
    o[32 + PAYLOAD] = 0x08;
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_EFORMAT);
    /* encrypted flag */
    memcpy(o, img, img_len);
    o[16] = 0x04;
    assert_int_equal(check(o, img_len, &info, &why), AKIRA_ENOTSUP);
}

static void versions(void **state)
{
    (void)state;
    struct akira_fw_version a, b;
    assert_int_equal(akira_fw_version_parse("1.2.3", &a), AKIRA_OK);
    assert_int_equal(akira_fw_version_parse("1.2.3+4", &b), AKIRA_OK);
    assert_true(akira_fw_version_cmp(&a, &b) < 0);
    assert_int_equal(akira_fw_version_parse("1.10.0", &b), AKIRA_OK);
    assert_true(akira_fw_version_cmp(&a, &b) < 0);
    assert_int_equal(akira_fw_version_parse("256.0.0", &a), AKIRA_EINVAL);
    assert_int_equal(akira_fw_version_parse("1.2", &a), AKIRA_EINVAL);
    assert_int_equal(akira_fw_version_parse("1.2.3+", &a), AKIRA_EINVAL);
    char s[24];
    akira_fw_version_str(&b, s, sizeof s);
    assert_string_equal(s, "1.10.0+0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_built_image_verifies),
        cmocka_unit_test(protected_counter_and_pubkey_tlv),
        cmocka_unit_test(bad_inputs_refused),
        cmocka_unit_test(versions),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

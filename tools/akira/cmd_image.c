/*
 * `akira image sign|verify|info`: firmware images in MCUboot's format (docs/boot.md).
 *
 * sign wraps a payload (the firmware binary) as imgtool does with --pad-header: a
 * header of --header-size bytes (zero padded), the payload, a protected TLV area when a
 * security counter is given, then the TLVs SHA-256, KEYHASH and ED25519 (the signature
 * of the SHA-256 digest). Keys are the files of `akira keygen`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <akira/boot_crypto_sodium.h>
#include <akira/err.h>
#include <akira/fw_image.h>

#include "commands.h"
#include "util.h"

#define MAX_IMAGE   (64u * 1024u * 1024u)
#define MAX_PUBKEYS 8

static int image_usage(const char *msg)
{
    fprintf(stderr,
            "akira image: %s\n"
            "usage: akira image sign --key NAME.key --version MAJ.MIN.REV[+BUILD]\n"
            "                        [--header-size N] [--security-counter N] [--load-addr A]\n"
            "                        IN OUT\n"
            "       akira image verify IMAGE --pub NAME.pub [--pub ...]\n"
            "       akira image info IMAGE [--pub NAME.pub ...]\n",
            msg);
    return 2;
}

static int num_arg(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (end == s || *end || v > max) return -1;
    *out = v;
    return 0;
}

static int image_sign(int argc, char **argv)
{
    const char *keyfile = NULL, *ver = NULL, *in = NULL, *out_path = NULL;
    unsigned long hdr_size = 0x200, load = 0, cnt = 0;
    bool has_cnt = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool v = i + 1 < argc;
        if (!strcmp(a, "--key") && v) {
            keyfile = argv[++i];
        } else if (!strcmp(a, "--version") && v) {
            ver = argv[++i];
        } else if (!strcmp(a, "--header-size") && v) {
            if (num_arg(argv[++i], 0xFFFF, &hdr_size) || hdr_size < AKIRA_FW_HEADER_LEN)
                return image_usage("--header-size: 32..65535");
        } else if (!strcmp(a, "--security-counter") && v) {
            if (num_arg(argv[++i], 0xFFFFFFFFul, &cnt)) return image_usage("--security-counter");
            has_cnt = true;
        } else if (!strcmp(a, "--load-addr") && v) {
            if (num_arg(argv[++i], 0xFFFFFFFFul, &load)) return image_usage("--load-addr");
        } else if (a[0] == '-') {
            return image_usage("unknown option or missing value");
        } else if (!in) {
            in = a;
        } else if (!out_path) {
            out_path = a;
        } else {
            return image_usage("too many files");
        }
    }
    if (!keyfile || !ver || !in || !out_path)
        return image_usage("sign needs --key, --version, IN, OUT");
    struct akira_boot_sign_opts o = {.hdr_size = (uint16_t)hdr_size,
                                     .load_addr = (uint32_t)load,
                                     .has_sec_cnt = has_cnt,
                                     .sec_cnt = (uint32_t)cnt};
    if (akira_fw_version_parse(ver, &o.ver)) return image_usage("--version: MAJ.MIN.REV[+BUILD]");
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    if (tool_read_hex_file(keyfile, sk, sizeof sk, "secret key")) return 1;
    size_t n;
    uint8_t *payload = tool_read_file(in, MAX_IMAGE, &n);
    if (!payload) return 1;
    if (n >= 4 && payload[0] == 0x3d && payload[1] == 0xb8 && payload[2] == 0xf3 &&
        payload[3] == 0x96) {
        fprintf(stderr, "akira image sign: %s is already an image\n", in);
        free(payload);
        return 1;
    }
    size_t total = akira_boot_image_size(&o, n);
    uint8_t *img = malloc(total);
    int rc = img ? akira_boot_image_sign(payload, n, &o, sk, img) : AKIRA_ENOMEM;
    sodium_memzero(sk, sizeof sk);
    free(payload);
    if (rc) {
        fprintf(stderr, "akira image sign: %s\n", akira_err_str(rc));
        free(img);
        return 1;
    }
    rc = tool_write_file(out_path, img, total, 0644);
    free(img);
    if (rc) return 1;
    const struct akira_fw_version *vp = &o.ver;
    char vs[24];
    akira_fw_version_str(vp, vs, sizeof vs);
    printf("signed %s version %s: %zu bytes (header %lu, payload %zu)\n", out_path, vs, total,
           hdr_size, n);
    return 0;
}

struct file_reader {
    const uint8_t *data;
    size_t size;
};

static int file_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct file_reader *f = ctx;
    if ((uint64_t)off + len > f->size) return AKIRA_EIO;
    memcpy(buf, f->data + off, len);
    return AKIRA_OK;
}

/* verify (strict: exit 1 unless signed by one of the keys) and info (prints all). */
static int image_check(int argc, char **argv, bool strict)
{
    const char *path = NULL;
    struct akira_fw_key keys[MAX_PUBKEYS];
    size_t nkeys = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pub") && i + 1 < argc) {
            if (nkeys == MAX_PUBKEYS) return image_usage("too many --pub");
            keys[nkeys].name = argv[++i];
            if (tool_read_hex_file(argv[i], keys[nkeys].pub, AKIRA_FW_PUBKEY_LEN, "public key"))
                return 1;
            nkeys++;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            return image_usage("unexpected argument");
        }
    }
    if (!path) return image_usage("expects IMAGE");
    if (strict && !nkeys) return image_usage("verify needs --pub NAME.pub");
    const struct akira_fw_crypto *c = akira_boot_crypto_sodium();
    if (!c) return 1;
    size_t n;
    uint8_t *data = tool_read_file(path, MAX_IMAGE, &n);
    if (!data) return 1;
    struct file_reader fr = {data, n};
    struct akira_fw_reader r = {file_read, &fr, (uint32_t)n};
    struct akira_fw_info info;
    const char *why = "";
    int rc = nkeys ? akira_fw_image_verify(&r, c, keys, nkeys, &info, &why)
                   : akira_fw_image_parse(&r, c, &info, &why);
    free(data);
    if (!strict && info.hdr.magic == AKIRA_FW_IMAGE_MAGIC) {
        char vs[24], hx[2 * AKIRA_FW_HASH_LEN + 1];
        akira_fw_version_str(&info.hdr.ver, vs, sizeof vs);
        printf("%s: %zu bytes\n  version %s\n  header size %u, payload %lu bytes, load address "
               "0x%08lx, flags 0x%08lx\n",
               path, n, vs, info.hdr.hdr_size, (unsigned long)info.hdr.img_size,
               (unsigned long)info.hdr.load_addr, (unsigned long)info.hdr.flags);
        if (info.has_sec_cnt) printf("  security counter %lu\n", (unsigned long)info.sec_cnt);
        tool_hex(info.hash, sizeof info.hash, hx);
        printf("  sha256 %s\n", hx);
        if (info.has_keyhash) {
            tool_hex(info.keyhash, sizeof info.keyhash, hx);
            printf("  key hash %s\n", hx);
        }
        printf("  signature %s\n", info.is_signed ? "Ed25519" : "none");
    }
    if (rc) {
        printf("%s: INVALID: %s (%s)\n", path, why, akira_err_str(rc));
        return 1;
    }
    if (nkeys)
        printf("%s: valid, signed by %s\n", path, keys[info.key_index].name);
    else
        printf("%s: hash ok, signature not checked (give --pub NAME.pub)\n", path);
    return 0;
}

int akira_tool_image(int argc, char **argv)
{
    if (argc < 2) return image_usage("expects sign, verify or info");
    if (!strcmp(argv[1], "sign")) return image_sign(argc - 1, argv + 1);
    if (!strcmp(argv[1], "verify")) return image_check(argc - 1, argv + 1, true);
    if (!strcmp(argv[1], "info")) return image_check(argc - 1, argv + 1, false);
    return image_usage("expects sign, verify or info");
}

/*
 * Package commands of the `akira` tool: keygen, pack, inspect.
 *
 * Key files are text, so a public key can be pasted into the device shell
 * (`keys add NAME HEX`): NAME.pub holds 64 hex digits (the 32-byte Ed25519 public
 * key) and a newline; NAME.key holds 128 hex digits (libsodium's 64-byte secret key:
 * seed then public key) and a newline, mode 0600.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/package.h>
#include <akira/wasm.h>

#include "aot_format.h"
#include "commands.h"
#include "util.h"

#define MAX_WASM (16u * 1024u * 1024u)

extern char **environ;

static int usage_err(const char *cmd, const char *msg)
{
    fprintf(stderr, "akira %s: %s (see akira help)\n", cmd, msg);
    return 2;
}

int akira_tool_keygen(int argc, char **argv)
{
    if (argc != 2) return usage_err("keygen", "expects NAME");
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN], sk[AKIRA_PKG_SECKEY_LEN];
    if (akira_package_keygen(pub, sk) != AKIRA_OK) {
        fprintf(stderr, "akira keygen: no crypto library\n");
        return 1;
    }
    char path[4096], text[2 * AKIRA_PKG_SECKEY_LEN + 2];
    tool_hex(sk, sizeof sk, text);
    strcat(text, "\n");
    snprintf(path, sizeof path, "%s.key", argv[1]);
    if (tool_write_file(path, text, strlen(text), 0600)) return 1;
    tool_hex(pub, sizeof pub, text);
    strcat(text, "\n");
    snprintf(path, sizeof path, "%s.pub", argv[1]);
    if (tool_write_file(path, text, strlen(text), 0644)) return 1;
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    char idhex[2 * AKIRA_PKG_KEY_ID_LEN + 1];
    (void)akira_package_key_id(pub, id); /* keygen succeeded: the backend has SHA-512 */
    tool_hex(id, sizeof id, idhex);
    printf("wrote %s.key (secret: keep it) and %s.pub, key id %s\n", argv[1], argv[1], idhex);
    const char *base = strrchr(argv[1], '/');
    printf("trust it on a device: keys add %s %s", base ? base + 1 : argv[1], text);
    return 0;
}

/* Read a LEB128 u32 at *pos below end. */
static int leb(const uint8_t *p, size_t *pos, size_t end, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= end) return -1;
        uint8_t b = p[(*pos)++];
        if (shift == 28 && (b & 0x70u)) return -1;
        v |= (uint32_t)(b & 0x7Fu) << shift;
        if (!(b & 0x80u)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Copy the module's sections into out, leaving out our custom sections (manifest,
 * signature, native code).
 * Returns the length or 0 (reason printed). */
static size_t strip(const uint8_t *in, size_t n, uint8_t *out, const char *path)
{
    static const uint8_t magic[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    if (n < 8 || memcmp(in, magic, 8) != 0) {
        fprintf(stderr, "akira pack: %s: not a wasm module (magic, version 1)\n", path);
        return 0;
    }
    memcpy(out, in, 8);
    size_t o = 8, pos = 8;
    while (pos < n) {
        size_t start = pos++;
        uint32_t len;
        if (leb(in, &pos, n, &len) || len > n - pos) {
            fprintf(stderr, "akira pack: %s: section at offset %zu is cut or malformed\n", path,
                    start);
            return 0;
        }
        size_t end = pos + len;
        bool ours = false;
        if (in[start] == 0) {
            uint32_t nl;
            size_t p = pos;
            if (!leb(in, &p, end, &nl) && nl <= end - p) {
                ours =
                    (nl == strlen(AKIRA_MANIFEST_SECTION) &&
                     !memcmp(in + p, AKIRA_MANIFEST_SECTION, nl)) ||
                    (nl == strlen(AKIRA_SIGNATURE_SECTION) &&
                     !memcmp(in + p, AKIRA_SIGNATURE_SECTION, nl)) ||
                    (nl > strlen(AKIRA_AOT_SECTION_PREFIX) &&
                     !memcmp(in + p, AKIRA_AOT_SECTION_PREFIX, strlen(AKIRA_AOT_SECTION_PREFIX)));
            }
        }
        if (!ours) {
            memcpy(out + o, in + start, end - start);
            o += end - start;
        }
        pos = end;
    }
    return o;
}

struct flag {
    const char *opt;
    const char *key;
};

static const struct flag manifest_flags[] = {
    {"--name", "name"},
    {"--version", "version"},
    {"--entry", "entry"},
    {"--caps", "capabilities"},
    {"--memory-quota", "memory_quota"},
    {"--stack-size", "stack_size"},
    {"--heap-size", "heap_size"},
    {"--thread-stack", "thread_stack"},
    {"--restart", "restart"},
    {"--description", "description"},
    {"--author", "author"},
};

static int read_key(const char *path, uint8_t sk[AKIRA_PKG_SECKEY_LEN])
{
    return tool_read_hex_file(path, sk, AKIRA_PKG_SECKEY_LEN, "secret key");
}

/* akira-aot beside this tool (build/bin), else the one on PATH; $AKIRA_AOT wins. */
static void aot_tool_path(char *buf, size_t cap)
{
    const char *env = getenv("AKIRA_AOT");
    if (env && env[0]) {
        snprintf(buf, cap, "%s", env);
        return;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = 0;
            snprintf(buf, cap, "%s/akira-aot", self);
            if (access(buf, X_OK) == 0) return;
        }
    }
    snprintf(buf, cap, "akira-aot");
}

static size_t leb_len(size_t v)
{
    size_t n = 1;
    while (v >>= 7)
        n++;
    return n;
}

/* Bytes of a custom section `name` with `len` bytes of payload. */
static size_t section_len(const char *name, size_t len)
{
    size_t nl = strlen(name), body = leb_len(nl) + nl + len;
    return 1 + leb_len(body) + body;
}

/* Append the AOT section `code` (n bytes) as `name` at out[o], after a padding section
 * "akira-aot.pad" when needed so that its payload, and so its image (at its alignment
 * within the payload), starts at the image's alignment within the package: app-store
 * slots keep packages sector-aligned in flash, so a device with memory-mapped flash can
 * run the image in place (docs/aot.md). out has room for n + 64 + 2 * 4096 more bytes.
 * New length. */
static size_t put_aligned(uint8_t *out, size_t o, const char *name, const uint8_t *code, size_t n)
{
    static const char pad_name[] = AKIRA_AOT_SECTION_PREFIX "pad";
    uint32_t align = n >= AW_AOT_HEADER_SIZE ? aw_aot_rd32(code + AW_AOT_OFF_IMGALIGN) : 1;
    if (align == 0 || align > 4096 || (align & (align - 1))) align = 1;
    size_t at = o + section_len(name, n) - n; /* where the payload starts */
    size_t want = (align - at % align) % align;
    if (want) {
        size_t x = 0;
        while ((section_len(pad_name, x) - want) % align != 0)
            x++;
        uint8_t *zero = calloc(1, x + 1);
        if (!zero) return 0;
        o = akira_package_section_put(out, o, pad_name, zero, x);
        free(zero);
    }
    return akira_package_section_put(out, o, name, code, n);
}

/* Compile the package so far (out[0..o)) for `target` with akira-aot and append the
 * native code as section "akira-aot.TARGET". New length, or 0 (reason printed). */
static size_t add_aot(uint8_t **outp, size_t o, size_t *cap, const char *target)
{
    char dir[] = "/tmp/akira-pack-XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char in[64], sec[64], tool[4200];
    snprintf(in, sizeof in, "%s/app.wasm", dir);
    snprintf(sec, sizeof sec, "%s/app.aot", dir);
    aot_tool_path(tool, sizeof tool);
    size_t res = 0;
    if (tool_write_file(in, *outp, o, 0600) == 0) {
        char *const argv[] = {tool, "-q", "-t", (char *)target, "-o", sec, in, NULL};
        pid_t pid;
        int st = -1;
        if (posix_spawnp(&pid, tool, NULL, NULL, argv, environ) == 0 &&
            waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            size_t n;
            uint8_t *code = tool_read_file(sec, MAX_WASM, &n);
            char name[48];
            snprintf(name, sizeof name, "%s%s", AKIRA_AOT_SECTION_PREFIX, target);
            size_t need = o + n + 64 + 2 * 4096;
            uint8_t *grown = code && need > *cap ? realloc(*outp, need) : *outp;
            if (code && grown) {
                if (need > *cap) *cap = need;
                *outp = grown;
                res = put_aligned(*outp, o, name, code, n);
                printf("native code for %s: %zu bytes\n", target, n);
            }
            free(code);
        } else {
            fprintf(stderr, "akira pack: %s could not compile the module for %s\n", tool, target);
        }
    }
    unlink(in);
    unlink(sec);
    rmdir(dir);
    return res;
}

int akira_tool_pack(int argc, char **argv)
{
    const char *aot[4];
    unsigned naot = 0;
    const char *in = NULL, *out_path = NULL, *mfile = NULL, *keyfile = NULL;
    char text[AKIRA_MANIFEST_MAX + 1] = "";
    size_t tlen = 0;
    bool flags = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(a, "-o") && has_val) {
            out_path = argv[++i];
        } else if (!strcmp(a, "--manifest") && has_val) {
            mfile = argv[++i];
        } else if (!strcmp(a, "--key") && has_val) {
            keyfile = argv[++i];
        } else if (!strcmp(a, "--aot") && has_val) {
            if (naot == sizeof aot / sizeof aot[0]) return usage_err("pack", "too many --aot");
            aot[naot++] = argv[++i];
        } else if (!strcmp(a, "--autostart")) {
            tlen += (size_t)snprintf(text + tlen, sizeof text - tlen, "autostart: true\n");
            flags = true;
        } else if (a[0] == '-' && a[1] == '-') {
            const struct flag *f = NULL;
            for (size_t k = 0; k < sizeof manifest_flags / sizeof manifest_flags[0]; k++) {
                if (!strcmp(a, manifest_flags[k].opt)) f = &manifest_flags[k];
            }
            if (!f || !has_val) {
                fprintf(stderr, "akira pack: unknown option or missing value: %s\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (strchr(v, '\n')) return usage_err("pack", "a value holds a newline");
            tlen += (size_t)snprintf(text + tlen, sizeof text - tlen, "%s: %s\n", f->key, v);
            flags = true;
        } else if (!in) {
            in = a;
        } else {
            return usage_err("pack", "more than one input file");
        }
        if (tlen >= sizeof text - 1) return usage_err("pack", "manifest too long");
    }
    if (!in || !out_path) return usage_err("pack", "expects IN.wasm -o OUT.wasm");
    if (!!mfile == flags) return usage_err("pack", "give --manifest FILE or the manifest flags");
    if (mfile) {
        size_t n;
        uint8_t *t = tool_read_file(mfile, AKIRA_MANIFEST_MAX, &n);
        if (!t) return 1;
        memcpy(text, t, n);
        tlen = n;
        free(t);
    }
    struct akira_manifest m;
    struct akira_manifest_error e;
    int rc = akira_manifest_parse(text, tlen, &m, &e);
    if (rc) {
        fprintf(stderr, "akira pack: manifest: %s: %s\n", e.field, e.reason);
        return 1;
    }
    char canon[AKIRA_MANIFEST_MAX];
    int clen = akira_manifest_format(&m, canon, sizeof canon);
    if (clen < 0) {
        fprintf(stderr, "akira pack: manifest too long\n");
        return 1;
    }
    uint8_t sk[AKIRA_PKG_SECKEY_LEN];
    if (keyfile && read_key(keyfile, sk)) return 1;

    size_t n;
    uint8_t *wasm = tool_read_file(in, MAX_WASM, &n);
    if (!wasm) return 1;
    size_t cap = n + AKIRA_MANIFEST_MAX + 256;
    uint8_t *out = malloc(cap);
    size_t o = out ? strip(wasm, n, out, in) : 0;
    free(wasm);
    if (!o) {
        free(out);
        return 1;
    }
    o = akira_package_section_put(out, o, AKIRA_MANIFEST_SECTION, canon, (size_t)clen);
    /* The device refuses a module its engine cannot load: say so here already. */
    aw_error err;
    memset(&err, 0, sizeof err);
    aw_module *mod = aw_module_load_buffer(NULL, out, o, &err);
    if (!mod) {
        fprintf(stderr, "akira pack: %s: the module does not load: %s %s\n", in, err.section,
                err.msg);
        free(out);
        return 1;
    }
    aw_module_delete(mod);
    for (unsigned k = 0; k < naot; k++) {
        o = add_aot(&out, o, &cap, aot[k]);
        if (!o) {
            free(out);
            return 1;
        }
    }
    if (cap < o + 256) {
        uint8_t *g = realloc(out, o + 256);
        if (!g) {
            free(out);
            return 1;
        }
        out = g;
    }
    char idhex[2 * AKIRA_PKG_KEY_ID_LEN + 1] = "";
    if (keyfile) {
        uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN];
        if (akira_package_sign(out, o, sk, payload) != AKIRA_OK) {
            fprintf(stderr, "akira pack: %s: signing failed (not a valid secret key)\n", keyfile);
            free(out);
            return 1;
        }
        tool_hex(payload, AKIRA_PKG_KEY_ID_LEN, idhex);
        o = akira_package_section_put(out, o, AKIRA_SIGNATURE_SECTION, payload, sizeof payload);
    }
    rc = tool_write_file(out_path, out, o, 0644);
    free(out);
    if (rc) return 1;
    printf("packed %s %s into %s: %zu bytes, %s%s\n", m.name, m.version, out_path, o,
           keyfile ? "signed by key id " : "unsigned", idhex);
    return 0;
}

int akira_tool_inspect(int argc, char **argv)
{
    const char *path = NULL, *pubfile = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pub") && i + 1 < argc) {
            pubfile = argv[++i];
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            return usage_err("inspect", "expects APP.wasm [--pub NAME.pub]");
        }
    }
    if (!path) return usage_err("inspect", "expects APP.wasm [--pub NAME.pub]");
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN];
    if (pubfile && tool_read_hex_file(pubfile, pub, sizeof pub, "public key")) return 1;
    size_t n;
    uint8_t *data = tool_read_file(path, MAX_WASM, &n);
    if (!data) return 1;
    struct akira_package_buf b = {data, n};
    struct akira_package pkg;
    struct akira_manifest_error e;
    int rc = akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, &pkg, &e);
    if (rc) {
        printf("%s: not an app package: %s: %s\n", path, e.field, e.reason);
        free(data);
        return 1;
    }
    char text[AKIRA_MANIFEST_MAX];
    akira_manifest_format(&pkg.manifest, text, sizeof text);
    printf("%s: %zu bytes\nmanifest:\n", path, n);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        printf("  %s\n", line);
    int status = 0;
    if (!pkg.is_signed) {
        printf("signature: none (unsigned)\n");
    } else {
        char idhex[2 * AKIRA_PKG_KEY_ID_LEN + 1];
        tool_hex(pkg.key_id, sizeof pkg.key_id, idhex);
        printf("signature: Ed25519ph by key id %s over %u bytes: ", idhex,
               (unsigned)pkg.sig_section_offset);
        if (!pubfile) {
            printf("not verified (give --pub NAME.pub)\n");
        } else {
            rc = akira_package_verify(akira_package_buf_read, &b, &pkg, pub);
            if (rc == AKIRA_OK) {
                printf("valid (%s)\n", pubfile);
            } else {
                printf("INVALID with %s (%s)\n", pubfile, akira_err_str(rc));
                status = 1;
            }
        }
    }
    free(data);
    return status;
}

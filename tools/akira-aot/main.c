/*
 * akira-aot: ahead-of-time compiler of WebAssembly apps (host tool, docs/aot.md).
 *
 *   akira-aot [-t x86_64] [-O0..3] [--cc CC] [--emit-c FILE] -o OUT.aot INPUT
 *
 * INPUT is a .wasm module or an app package (a module with its manifest). It is loaded
 * and validated by the engine itself, translated to C (translate.c), compiled by the
 * system C compiler into a position-independent object without libc, laid out as an
 * image (objfile.c) and written as the payload of an AOT section (aot_format.h), bound
 * to the module's bytecode hash and the engine's AOT ABI. `akira pack --aot` puts that
 * payload into the package as the custom section "akira-aot.<target>".
 *
 * Exit status: 0 done, 1 the module cannot be compiled (reason on stderr), 2 usage.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "akira/wasm.h"
#include "aot_format.h"
#include "aot_sha256.h"
#include "module.h"
#include "objfile.h"
#include "translate.h"

extern char **environ;

static int usage(void)
{
    fprintf(stderr, "usage: akira-aot [-t x86_64] [-O0|-O1|-O2|-O3] [--cc CC] [--emit-c FILE] "
                    "-o OUT.aot INPUT.wasm\n");
    return 2;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    fclose(f);
    *size = len;
    return buf;
}

static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int target_of(const char *name)
{
    if (strcmp(name, "x86_64") == 0) return AW_AOT_TARGET_X86_64;
    if (strcmp(name, "thumbv7em") == 0) return AW_AOT_TARGET_THUMBV7EM;
    return 0;
}

static int run(char *const argv[])
{
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0) return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int buf_read(void *ctx, uint32_t off, void *dst, uint32_t len)
{
    const sbuf *b = ctx;
    if (off > b->len || len > b->len - off) return -1;
    memcpy(dst, b->p + off, len);
    return 0;
}

int main(int argc, char **argv)
{
    const char *target_name = "x86_64", *out = NULL, *in = NULL, *cc = "gcc", *emit_c = NULL;
    const char *opt = "-O2";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            target_name = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--cc") == 0 && i + 1 < argc)
            cc = argv[++i];
        else if (strcmp(argv[i], "--emit-c") == 0 && i + 1 < argc)
            emit_c = argv[++i];
        else if (strncmp(argv[i], "-O", 2) == 0 && strlen(argv[i]) == 3)
            opt = argv[i];
        else if (argv[i][0] == '-')
            return usage();
        else if (!in)
            in = argv[i];
        else
            return usage();
    }
    if (!in || !out) return usage();
    int target = target_of(target_name);
    if (target != AW_AOT_TARGET_X86_64) {
        fprintf(stderr, "akira-aot: target %s is not supported (x86_64)\n", target_name);
        return 2;
    }
    size_t size;
    uint8_t *wasm = read_file(in, &size);
    if (!wasm || size > 0x7fffffffu) {
        fprintf(stderr, "akira-aot: %s: cannot read\n", in);
        return 1;
    }
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, wasm, size, &err);
    if (!m) {
        fprintf(stderr, "akira-aot: %s: %s: %s (section %s, offset %u)\n", in,
                aw_status_str(err.status), err.msg, err.section, err.offset);
        return 1;
    }
    sbuf c = {0};
    char why[200];
    if (aot_translate(m, wasm, size, target, &c, why, sizeof why) != 0) {
        fprintf(stderr, "akira-aot: %s: %s\n", in, why);
        return 1;
    }
    char dir[] = "/tmp/akira-aot-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "akira-aot: no temporary directory\n");
        return 1;
    }
    char cpath[64], opath[64];
    snprintf(cpath, sizeof cpath, "%s/m.c", dir);
    snprintf(opath, sizeof opath, "%s/m.o", dir);
    if (write_file(cpath, c.p, c.len) != 0 || (emit_c && write_file(emit_c, c.p, c.len) != 0)) {
        fprintf(stderr, "akira-aot: cannot write the C file\n");
        return 1;
    }
    char *const cmd[] = {(char *)cc,
                         "-std=gnu11",
                         (char *)opt,
                         "-ffreestanding",
                         "-fPIC",
                         "-fno-plt",
                         "-fno-stack-protector",
                         "-fno-asynchronous-unwind-tables",
                         "-fno-unwind-tables",
                         "-fno-tree-loop-distribute-patterns",
                         "-fno-math-errno",
                         "-fno-trapping-math",
                         "-fno-builtin",
                         "-fcf-protection=none",
                         "-march=x86-64-v2",
                         "-w",
                         "-c",
                         cpath,
                         "-o",
                         opath,
                         NULL};
    int rc = run(cmd);
    size_t osize = 0;
    uint8_t *obj = rc == 0 ? read_file(opath, &osize) : NULL;
    unlink(cpath);
    unlink(opath);
    rmdir(dir);
    if (!obj) {
        fprintf(stderr, "akira-aot: %s: the C compiler failed (status %d)\n", in, rc);
        return 1;
    }
    aot_image img;
    if (aot_object_extract(obj, osize, target, &img, why, sizeof why) != 0) {
        fprintf(stderr, "akira-aot: %s: %s\n", in, why);
        return 1;
    }
    sbuf src = {.p = (char *)wasm, .len = size};
    uint8_t hash[32];
    if (aw_aot_module_hash(buf_read, &src, (uint32_t)size, hash) != 0) {
        fprintf(stderr, "akira-aot: %s: cannot hash the module\n", in);
        return 1;
    }
    sbuf sec = {0};
    uint8_t hdr[AW_AOT_HEADER_SIZE] = {0};
    sb_put(&sec, hdr, sizeof hdr);
    sb_put(&sec, img.relocs.p, img.relocs.len);
    sb_put(&sec, img.image.p, img.image.len);
    uint8_t *h = (uint8_t *)sec.p;
    uint32_t fields[][2] = {{AW_AOT_OFF_MAGIC, AW_AOT_MAGIC},
                            {AW_AOT_OFF_ABI, AW_AOT_ABI},
                            {AW_AOT_OFF_TARGET, (uint32_t)target},
                            {AW_AOT_OFF_FLAGS, 0},
                            {AW_AOT_OFF_IMGSIZE, (uint32_t)img.image.len},
                            {AW_AOT_OFF_IMGALIGN, img.align},
                            {AW_AOT_OFF_ROOT, img.root},
                            {AW_AOT_OFF_NRELOCS, img.nrelocs},
                            {AW_AOT_OFF_NFUNCS, m->nfuncs - m->nfunc_imports}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        for (int k = 0; k < 4; k++)
            h[fields[i][0] + k] = (uint8_t)(fields[i][1] >> (8 * k));
    memcpy(h + AW_AOT_OFF_HASH, hash, 32);
    uint32_t sum = aw_aot_checksum(h, (uint32_t)sec.len);
    for (int k = 0; k < 4; k++)
        h[AW_AOT_OFF_CHECKSUM + k] = (uint8_t)(sum >> (8 * k));
    if (write_file(out, sec.p, sec.len) != 0) {
        fprintf(stderr, "akira-aot: %s: cannot write\n", out);
        return 1;
    }
    printf("%s: %u functions, %zu bytecode bytes -> %u code bytes, %zu section bytes\n", out,
           m->nfuncs - m->nfunc_imports, size, img.code_bytes, sec.len);
    aw_module_delete(m);
    free(wasm);
    free(obj);
    sb_free(&c);
    sb_free(&sec);
    return 0;
}

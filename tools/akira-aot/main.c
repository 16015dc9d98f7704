/*
 * akira-aot: ahead-of-time compiler of WebAssembly apps (host tool, docs/aot.md).
 *
 *   akira-aot [-t|--target x86_64|thumbv7em] [-O0..3] [--bounds guard|check]
 *             [--interrupt async|poll] [--cc CC] [--emit-c FILE] [-q]
 *             -o OUT.aot INPUT
 *   akira-aot [...] --each INPUT...     writes INPUT.aot beside each input
 *
 * --bounds: `guard` (x86_64's default) leaves loads and stores unchecked, for memories
 * with guard pages (native_sim); `check` (thumbv7em's only mode) checks each one.
 * --interrupt: `async` (x86_64's default) leaves the interrupt poll out of loop headers,
 * for a port that interrupts native code by a signal (native_sim); `poll` (thumbv7em's
 * only mode) reads the interrupt flag at each loop header.
 *
 * --each compiles all inputs with one run of the C compiler (much cheaper than one run
 * per module: the spec suite has 1,200 small ones); an input the engine refuses as a
 * module is reported and skipped; an input the translator refuses (SIMD) gets
 * INPUT.interp, one line saying why, instead of INPUT.aot (it stays on the interpreter).
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
    fprintf(
        stderr,
        "usage: akira-aot [-t|--target x86_64|thumbv7em] [-O0|-O1|-O2|-O3] [--bounds guard|check] "
        "[--interrupt async|poll] "
        "[--cc CC] [--emit-c FILE] [-q] -o OUT.aot INPUT.wasm\n"
        "       akira-aot [options] --each INPUT.wasm...\n");
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

/* INPUT.interp: the reason a module of an --each run has no native code. */
static int write_marker(const char *path, const char *why)
{
    char name[4096];
    if (snprintf(name, sizeof name, "%s.interp", path) >= (int)sizeof name) return -1;
    char line[300];
    int n = snprintf(line, sizeof line, "%s\n", why);
    return write_file(name, line, n > 0 && n < (int)sizeof line ? (size_t)n : 0);
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

/* One input of this run. */
typedef struct input {
    const char *path;
    char *out;
    uint8_t *wasm;
    size_t size;
    aw_module *m;
    int ok; /* translated */
} input;

static int write_section(input *in, int target, unsigned flags, const uint8_t *obj, size_t osize,
                         unsigned k, int quiet)
{
    char root[32], why[200];
    snprintf(root, sizeof root, "m%u_aot_root", k);
    aot_image img;
    if (aot_object_extract(obj, osize, target, root, &img, why, sizeof why) != 0) {
        fprintf(stderr, "akira-aot: %s: %s\n", in->path, why);
        return -1;
    }
    sbuf src = {.p = (char *)in->wasm, .len = in->size};
    uint8_t hash[32];
    if (aw_aot_module_hash(buf_read, &src, (uint32_t)in->size, hash) != 0) {
        fprintf(stderr, "akira-aot: %s: cannot hash the module\n", in->path);
        return -1;
    }
    sbuf sec = {0};
    uint8_t hdr[AW_AOT_HEADER_SIZE] = {0};
    sb_put(&sec, hdr, sizeof hdr);
    sb_put(&sec, img.relocs.p, img.relocs.len);
    /* the image at its alignment within the section */
    uint32_t pad = (img.align - (uint32_t)sec.len % img.align) % img.align;
    static const uint8_t zeros[4096];
    sb_put(&sec, zeros, pad);
    sb_put(&sec, img.image.p, img.image.len);
    uint8_t *h = (uint8_t *)sec.p;
    const aw_module *m = in->m;
    uint32_t fields[][2] = {{AW_AOT_OFF_MAGIC, AW_AOT_MAGIC},
                            {AW_AOT_OFF_ABI, AW_AOT_ABI},
                            {AW_AOT_OFF_TARGET, (uint32_t)target},
                            {AW_AOT_OFF_FLAGS, flags | (img.pic ? AW_AOT_FLAG_PIC : 0)},
                            {AW_AOT_OFF_IMGSIZE, (uint32_t)img.image.len},
                            {AW_AOT_OFF_IMGALIGN, img.align},
                            {AW_AOT_OFF_ROOT, img.root},
                            {AW_AOT_OFF_NRELOCS, img.nrelocs},
                            {AW_AOT_OFF_NFUNCS, m->nfuncs - m->nfunc_imports},
                            {AW_AOT_OFF_IMGPAD, pad}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        for (int b = 0; b < 4; b++)
            h[fields[i][0] + b] = (uint8_t)(fields[i][1] >> (8 * b));
    memcpy(h + AW_AOT_OFF_HASH, hash, 32);
    uint32_t sum = aw_aot_checksum(h, (uint32_t)sec.len);
    for (int b = 0; b < 4; b++)
        h[AW_AOT_OFF_CHECKSUM + b] = (uint8_t)(sum >> (8 * b));
    int rc = write_file(in->out, sec.p, sec.len);
    if (rc != 0)
        fprintf(stderr, "akira-aot: %s: cannot write\n", in->out);
    else if (!quiet)
        printf("%s: %u functions, %zu bytecode bytes -> %u code bytes, %zu section bytes\n",
               in->out, m->nfuncs - m->nfunc_imports, in->size, img.code_bytes, sec.len);
    sb_free(&img.image);
    sb_free(&img.relocs);
    sb_free(&sec);
    return rc;
}

int main(int argc, char **argv)
{
    const char *target_name = "x86_64", *out = NULL, *cc = NULL, *emit_c = NULL;
    const char *opt = "-O2", *bounds = NULL, *intr = NULL;
    int each = 0, quiet = 0;
    input *ins = calloc((size_t)argc, sizeof *ins);
    unsigned nin = 0;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--target") == 0) && i + 1 < argc)
            target_name = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--cc") == 0 && i + 1 < argc)
            cc = argv[++i];
        else if (strcmp(argv[i], "--bounds") == 0 && i + 1 < argc)
            bounds = argv[++i];
        else if (strcmp(argv[i], "--interrupt") == 0 && i + 1 < argc)
            intr = argv[++i];
        else if (strcmp(argv[i], "--emit-c") == 0 && i + 1 < argc)
            emit_c = argv[++i];
        else if (strcmp(argv[i], "--each") == 0)
            each = 1;
        else if (strcmp(argv[i], "-q") == 0)
            quiet = 1;
        else if (strncmp(argv[i], "-O", 2) == 0 && strlen(argv[i]) == 3)
            opt = argv[i];
        else if (argv[i][0] == '-')
            return usage();
        else
            ins[nin++].path = argv[i];
    }
    if (!nin || (each ? out != NULL : (nin != 1 || !out))) return usage();
    int target = target_of(target_name);
    if (!target) {
        fprintf(stderr, "akira-aot: target %s is not supported (x86_64, thumbv7em)\n", target_name);
        return 2;
    }
    if (!cc) cc = target == AW_AOT_TARGET_X86_64 ? "gcc" : "arm-none-eabi-gcc";
    if (bounds && strcmp(bounds, "guard") != 0 && strcmp(bounds, "check") != 0) return usage();
    int guard = target == AW_AOT_TARGET_X86_64 && (!bounds || strcmp(bounds, "guard") == 0);
    if (intr && strcmp(intr, "async") != 0 && strcmp(intr, "poll") != 0) return usage();
    if (intr && strcmp(intr, "async") == 0 && target != AW_AOT_TARGET_X86_64) {
        fprintf(stderr, "akira-aot: --interrupt async: x86_64 only (%s polls)\n", target_name);
        return 2;
    }
    int async = target == AW_AOT_TARGET_X86_64 && (!intr || strcmp(intr, "async") == 0);
    unsigned flags = (guard ? AW_AOT_FLAG_GUARD : 0u) | (async ? AW_AOT_FLAG_ASYNC : 0u);
    int status = 0;
    sbuf c = {0};
    aot_prelude(target, &c);
    unsigned ntr = 0;
    for (unsigned k = 0; k < nin; k++) {
        input *in = &ins[k];
        in->wasm = read_file(in->path, &in->size);
        if (!in->wasm || in->size > 0x7fffffffu) {
            fprintf(stderr, "akira-aot: %s: cannot read\n", in->path);
            status = 1;
            continue;
        }
        aw_error err;
        in->m = aw_module_load_buffer(NULL, in->wasm, in->size, &err);
        if (!in->m) {
            /* --each: a module the engine refuses has no native code (the spec suite's
             * invalid modules); alone, it is an error */
            if (!each || !quiet)
                fprintf(stderr, "akira-aot: %s: %s: %s (section %s, offset %u)\n", in->path,
                        aw_status_str(err.status), err.msg, err.section, err.offset);
            if (!each) status = 1;
            continue;
        }
        char pfx[16], why[200];
        snprintf(pfx, sizeof pfx, "m%u_", k);
        sbuf one = {0};
        if (aot_translate(in->m, in->wasm, in->size, target, flags, pfx, &one, why, sizeof why) !=
            0) {
            sb_free(&one);
            if (each) {
                /* --each: a module the translator refuses (SIMD) stays on the interpreter,
                 * as the runtime would run it; INPUT.interp says why, so that a test can
                 * tell it from a module whose native code went missing */
                if (!quiet) fprintf(stderr, "akira-aot: %s: %s (interpreter)\n", in->path, why);
                if (write_marker(in->path, why) != 0) status = 1;
                continue;
            }
            fprintf(stderr, "akira-aot: %s: %s\n", in->path, why);
            status = 1;
            continue;
        }
        sb_put(&c, one.p, one.len);
        sb_free(&one);
        in->ok = 1;
        ntr++;
        if (each) {
            size_t n = strlen(in->path) + 5;
            in->out = malloc(n);
            snprintf(in->out, n, "%s.aot", in->path);
        } else {
            in->out = strdup(out);
        }
    }
    if (emit_c && write_file(emit_c, c.p, c.len) != 0) {
        fprintf(stderr, "akira-aot: cannot write %s\n", emit_c);
        return 1;
    }
    if (ntr) {
        char dir[] = "/tmp/akira-aot-XXXXXX";
        if (!mkdtemp(dir)) {
            fprintf(stderr, "akira-aot: no temporary directory\n");
            return 1;
        }
        char cpath[64], opath[64];
        snprintf(cpath, sizeof cpath, "%s/m.c", dir);
        snprintf(opath, sizeof opath, "%s/m.o", dir);
        if (write_file(cpath, c.p, c.len) != 0) {
            fprintf(stderr, "akira-aot: cannot write the C file\n");
            return 1;
        }
        /* x86-64: position-independent, externals through GOT slots; Cortex-M4F:
         * position-independent, every helper through a slot of the table r9 points to
         * (objfile_arm.c), so the image can run in place in flash,
         * and no sibling calls: each call keeps a frame, so the stack check at the
         * entries of functions that call bounds the depth (translate.c) */
        char *const x86[] = {"-fPIC", "-fno-plt", "-fcf-protection=none", "-march=x86-64-v2", NULL};
        char *const arm[] = {"-mcpu=cortex-m4",
                             "-mthumb",
                             "-mfloat-abi=hard",
                             "-mfpu=fpv4-sp-d16",
                             "-mlong-calls",
                             "-fpic",
                             "-msingle-pic-base",
                             "-mpic-register=r9",
                             "-fno-optimize-sibling-calls",
                             NULL};
        char *const common[] = {"-std=gnu11",
                                "-ffreestanding",
                                "-ffunction-sections",
                                "-fdata-sections",
                                "-fno-stack-protector",
                                "-fno-asynchronous-unwind-tables",
                                "-fno-unwind-tables",
                                "-fno-tree-loop-distribute-patterns",
                                "-fno-math-errno",
                                "-fsignaling-nans",
                                "-fno-builtin",
                                "-w",
                                "-c",
                                NULL};
        char *cmd[40];
        int nc = 0;
        cmd[nc++] = (char *)cc;
        cmd[nc++] = (char *)opt;
        for (char *const *a = common; *a; a++)
            cmd[nc++] = *a;
        for (char *const *a = target == AW_AOT_TARGET_X86_64 ? x86 : arm; *a; a++)
            cmd[nc++] = *a;
        cmd[nc++] = cpath;
        cmd[nc++] = "-o";
        cmd[nc++] = opath;
        cmd[nc] = NULL;
        int rc = run(cmd);
        size_t osize = 0;
        uint8_t *obj = rc == 0 ? read_file(opath, &osize) : NULL;
        unlink(cpath);
        unlink(opath);
        rmdir(dir);
        if (!obj) {
            fprintf(stderr, "akira-aot: the C compiler failed (status %d)\n", rc);
            return 1;
        }
        for (unsigned k = 0; k < nin; k++)
            if (ins[k].ok && write_section(&ins[k], target, flags, obj, osize, k, quiet) != 0)
                status = 1;
        free(obj);
    }
    for (unsigned k = 0; k < nin; k++) {
        aw_module_delete(ins[k].m);
        free(ins[k].wasm);
        free(ins[k].out);
    }
    free(ins);
    sb_free(&c);
    return status;
}

/*
 * akira-spectest: runs the WebAssembly spec testsuite, as converted by Debian wabt's
 * `wast2json --enable-all FILE.wast -o DIR/FILE.json`, on the AkiraOS engine.
 *
 *   akira-spectest [-v] [--kinds] [--aot] FILE.json...
 *
 * --aot runs every module on the native code akira-aot wrote beside it (X.wasm.aot);
 * a module without it fails.
 *
 * Prints "FILE.json: N passed, N failed, N skipped" per file (after its failures, one
 * per line with the .wast line number) and last "N passed, N failed, N skipped" over
 * all files; --kinds puts a line per command kind before that last line. Exit status
 * 0 if nothing failed, 1 if something did, 2 on bad usage.
 */
#include "runner.h"

#include <akira/vmem.h>
#include <akira/wasm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, nc + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = nc;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *size = len;
    return buf;
}

static void print_kinds(const akira_spec_counts *c)
{
    for (int k = 0; k < AKIRA_SPEC_KIND_COUNT; k++) {
        const akira_spec_tally *t = &c->by_kind[k];
        if (!t->passed && !t->failed && !t->skipped) continue;
        if (k <= AKIRA_SPEC_KIND_ACTION)
            printf("  %s: %lu ok, %lu failed\n", akira_spec_kind_name(k), t->passed, t->failed);
        else
            printf("  %s: %lu passed, %lu failed, %lu skipped\n", akira_spec_kind_name(k),
                   t->passed, t->failed, t->skipped);
    }
}

int main(int argc, char **argv)
{
    /* --aot: x86-64's native code leaves the bounds to guard pages; as deep as the
     * interpreter's 10,000 frames: the main thread has megabytes */
    static const aw_vmem vmem = {
        .reserve = akira_vmem_reserve, .commit = akira_vmem_commit, .release = akira_vmem_release};
    /* and its loops are interrupted asynchronously (no loop-header polls) */
    static const aw_async_intr async = {.self = akira_async_intr_self,
                                        .kick = akira_async_intr_kick};
    akira_spec_options opt = {.verbose = false,
                              .out = stdout,
                              .read_file = read_file,
                              .aot_vmem = &vmem,
                              .aot_async = &async,
                              .native_stack = 4u << 20};
    akira_spec_counts total;
    bool kinds = false;
    int first = 1;
    memset(&total, 0, sizeof total);
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-v") == 0 || strcmp(argv[first], "--verbose") == 0)
            opt.verbose = true;
        else if (strcmp(argv[first], "--aot") == 0)
            opt.aot = true;
        else if (strcmp(argv[first], "--kinds") == 0)
            kinds = true;
        else
            break;
    }
    if (first >= argc || argv[first][0] == '-') {
        fprintf(stderr, "usage: akira-spectest [-v] [--kinds] [--aot] FILE.json...\n"
                        "  runs wast2json command lists on the engine\n");
        return 2;
    }
    if (opt.aot) akira_fault_hook_set(aw_aot_fault), akira_async_intr_set(aw_aot_interrupt_pc);
    for (int i = first; i < argc; i++)
        akira_spec_runner_run_file(argv[i], &opt, &total);
    if (kinds) print_kinds(&total);
    if (opt.aot) printf("%lu modules on native code\n", total.aot_modules);
    printf("%lu passed, %lu failed, %lu skipped\n", total.passed, total.failed, total.skipped);
    return total.failed ? 1 : 0;
}

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

#include <stdio.h>
#include <string.h>

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
    akira_spec_options opt = {.verbose = false, .out = stdout};
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
    for (int i = first; i < argc; i++)
        akira_spec_runner_run_file(argv[i], &opt, &total);
    if (kinds) print_kinds(&total);
    if (opt.aot) printf("%lu modules on native code\n", total.aot_modules);
    printf("%lu passed, %lu failed, %lu skipped\n", total.passed, total.failed, total.skipped);
    return total.failed ? 1 : 0;
}

/*
 * akira-spectest: runs the WebAssembly spec testsuite, as converted by Debian wabt's
 * `wast2json --enable-all FILE.wast -o DIR/FILE.json`, on the AkiraOS engine.
 *
 *   akira-spectest [-v] FILE.json...
 *
 * Prints "FILE.json: N passed, N failed, N skipped" per file (after its failures, one
 * per line with the .wast line number) and last "N passed, N failed, N skipped" over
 * all files. Exit status 0 if nothing failed, 1 if something did, 2 on bad usage.
 */
#include "runner.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    akira_spec_options opt = {.verbose = false, .out = stdout};
    akira_spec_counts total = {0, 0, 0};
    int first = 1;
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--verbose") == 0)) {
        opt.verbose = true;
        first = 2;
    }
    if (first >= argc || argv[first][0] == '-') {
        fprintf(stderr, "usage: akira-spectest [-v] FILE.json...\n"
                        "  runs wast2json command lists on the engine\n");
        return 2;
    }
    for (int i = first; i < argc; i++)
        akira_spec_runner_run_file(argv[i], &opt, &total);
    printf("%lu passed, %lu failed, %lu skipped\n", total.passed, total.failed, total.skipped);
    return total.failed ? 1 : 0;
}

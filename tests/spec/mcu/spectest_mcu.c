/*
 * akira-spectest on the Cortex-M4F board (mps2_an386 in QEMU): the host tool's runner
 * (tools/akira-spectest/runner.c, json.c, value.c, host.c, the same sources) with this
 * main, which reads every file from the host through semihosting.
 *
 * QEMU passes the command line with -semihosting-config ...,arg=spectest[,arg=--aot],
 * arg=LIST: LIST is a file of command-list paths (FILE.json), one per line. --aot runs
 * every module on the thumbv7em native code beside it (X.wasm.aot, akira-aot -t
 * thumbv7em: explicit bounds checks, position-independent), copied to executable RAM
 * (akira_exec_alloc; execute in place has its own tests). Prints the host tool's lines
 * (per file, then "N modules on native code" with --aot and the total), then the test
 * runner's end line (tests/kernel/mcu/runner.c ends QEMU with the status: 0 if nothing
 * failed).
 *
 * Memory: the image's linker script (spectest.ld) puts the C heap in the 16 MiB PSRAM;
 * the runner runs in a thread with a stack of RUN_STACK bytes from that heap, of which
 * native code may use NATIVE_STACK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/kernel.h>
#include <akira/semihost.h>
#include <akira/thread.h>

#include "runner.h"

#define RUN_STACK    (256u * 1024u)
#define NATIVE_STACK (192u * 1024u)
#define CMDLINE_MAX  512

/* opt.read_file through semihosting: one read of the whole file. */
static char *host_read_file(const char *path, size_t *size)
{
    int fd = akira_semihost_open(path, AKIRA_SH_MODE_RB);
    if (fd < 0) return NULL;
    long n = akira_semihost_flen(fd);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && n > 0 && akira_semihost_read(fd, buf, (size_t)n) != 0) {
        free(buf);
        buf = NULL;
    }
    akira_semihost_close(fd);
    if (!buf) return NULL;
    buf[n] = '\0';
    *size = (size_t)n;
    return buf;
}

/* What the board cannot run: memories grown past its 16 MiB of PSRAM (the C heap, all
 * of it). memory.grow returns -1 there, as the spec allows when memory runs out, but
 * these assertions expect the growth: call's and call_indirect's as-memory.grow-value
 * grows a 1-page memory by 0x132 pages (19.2 MiB), memory_grow's a 3-page one by 800
 * (50.2 MiB); memory_grow.wast:48 expects the size after that growth (803 pages). */
static const char *const too_big[] = {
    "call.wast:359", "call_indirect.wast:603", "memory_grow.wast:45", "memory_grow.wast:48", NULL,
};

typedef struct run {
    akira_spec_options opt;
    const char *list;
    int status;
} run;

static int run_list(void *arg)
{
    run *w = arg;
    size_t size = 0;
    char *list = host_read_file(w->list, &size);
    if (!list) {
        printf("cannot read the list %s\n", w->list);
        return 2;
    }
    akira_spec_counts total;
    memset(&total, 0, sizeof total);
    for (char *line = list, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next) *next++ = '\0';
        if (*line) akira_spec_runner_run_file(line, &w->opt, &total);
    }
    free(list);
    printf("%lu skipped on this board\n", total.excluded);
    if (w->opt.aot) printf("%lu modules on native code\n", total.aot_modules);
    printf("%lu passed, %lu failed, %lu skipped\n", total.passed, total.failed, total.skipped);
    return total.failed ? 1 : 0;
}

int main(void)
{
    static char cmdline[CMDLINE_MAX];
    static run w = {.opt = {.read_file = host_read_file,
                            .aot_vmem = NULL, /* explicit bounds checks */
                            .native_stack = NATIVE_STACK,
                            .exclude = too_big,
                            .exclude_why = "memory past the board's 16 MiB"}};
    if (akira_semihost_cmdline(cmdline, sizeof cmdline) != 0) {
        printf("no semihosting command line\n");
        return 2;
    }
    w.opt.out = stdout;
    /* spectest [--aot] LIST */
    for (char *tok = strtok(cmdline, " "); tok; tok = strtok(NULL, " ")) {
        if (strcmp(tok, "--aot") == 0)
            w.opt.aot = true;
        else
            w.list = tok;
    }
    if (!w.list || akira_kernel_init() != 0) {
        printf("usage: spectest [--aot] LIST (semihosting arguments)\n");
        return 2;
    }
    akira_thread_t *t;
    int status = 2;
    if (akira_thread_create(&t, "spectest", run_list, &w, AKIRA_PRIO_DEFAULT, RUN_STACK) != 0 ||
        akira_thread_join(t, AKIRA_FOREVER, &status) != 0) {
        printf("cannot start the runner's thread\n");
        return 2;
    }
    return status;
}

/*
 * akira-wasm - run or validate a WebAssembly module on the AkiraOS engine.
 *
 *   akira-wasm run [options] app.wasm [args...]        run _start with WASI preview1
 *   akira-wasm run --invoke FUNC [options] app.wasm [args...]
 *                                                      call export FUNC, print results
 *   akira-wasm validate app.wasm                       decode + validate + compile only
 *
 * Options (before app.wasm; everything after it belongs to the app):
 *   --dir HOSTDIR[::GUEST]
 *                   preopen HOSTDIR as fd 3, 4, ... under the guest name GUEST
 *                   (default HOSTDIR); the app reaches files only below these
 *   --env K=V       add K=V to the app's environment (the host's is not passed)
 *   --stack SIZE    operand stack size in bytes (suffix k or m), default 512k
 *   --max-memory SIZE  cap on the app's linear memory (64k pages, suffix k/m/g);
 *                   memory.grow past it fails (malloc returns NULL), a module whose
 *                   minimum exceeds it does not instantiate
 *   --invoke FUNC   call FUNC with args parsed by its parameter types; results are
 *                   printed one per line as TYPE:VALUE (i32:42, f64:0.5)
 *
 * Exit status:
 *   the app's proc_exit status (0 when _start or FUNC returns)
 *   2    load, validation or link error (the message names the section, offset, or
 *        the import), or a bad --dir
 *   64   usage error (bad option, or an --invoke argument that does not parse)
 *   130  interrupted (SIGINT)
 *   134  trap; stderr says "akira-wasm: trap: <kind>", e.g. integer divide by zero
 */
#include "file_reader.h"
#include "value.h"
#include "wasi.h"

#include <akira/wasm.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_LOAD        2
#define EXIT_USAGE       64
#define EXIT_INTERRUPTED 130
#define EXIT_TRAP        134

#define MAX_LIST 64 /* --dir and --env entries */

typedef struct options {
    const char *invoke;
    const char *path;
    int app_argc;
    char **app_argv; /* app_argv[0] is the module path */
    char *dirs[MAX_LIST];
    int ndirs;
    char *envs[MAX_LIST];
    int nenvs;
    uint32_t stack_slots;
    uint32_t max_pages; /* 0: the engine's default (4 GiB) */
} options;

/* The store being run, for the SIGINT handler (aw_store_interrupt is signal-safe), and
 * whether Ctrl-C came: a blocked WASI call traps on it (wasi.h), and a run that ends
 * after it is reported as interrupted even if the app got to finish. */
static aw_store *volatile running_store;
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
    aw_store *s = running_store;
    if (s) aw_store_interrupt(s);
}

static void usage(FILE *out)
{
    fputs("usage: akira-wasm run [--dir HOSTDIR[::GUEST]] [--env K=V] [--stack SIZE]\n"
          "                      [--max-memory SIZE] app.wasm [args...]\n"
          "       akira-wasm run --invoke FUNC [options] app.wasm [args...]\n"
          "       akira-wasm validate app.wasm\n"
          "exit: app status; 2 load/link error; 64 usage; 130 interrupted; 134 trap\n",
          out);
}

/* Bytes with an optional k/m/g suffix, at least `min`, divided by `unit` into *out. */
static int parse_size(const char *s, uint64_t min, uint64_t unit, uint32_t *out)
{
    char *end;
    if (*s < '0' || *s > '9') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10, end++;
    else if (*end == 'm' || *end == 'M')
        shift = 20, end++;
    else if (*end == 'g' || *end == 'G')
        shift = 30, end++;
    if (*end || v > (UINT64_MAX >> shift)) return -1;
    v <<= shift;
    if (v < min || v / unit > UINT32_MAX) return -1;
    *out = (uint32_t)(v / unit);
    return 0;
}

static int parse_run_options(int argc, char **argv, options *o)
{
    int i = 2;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "akira-wasm: %s needs a value\n", opt);
            return -1;
        }
        char *val = argv[++i];
        if (strcmp(opt, "--dir") == 0 && o->ndirs < MAX_LIST) {
            o->dirs[o->ndirs++] = val;
        } else if (strcmp(opt, "--env") == 0 && o->nenvs < MAX_LIST) {
            if (!strchr(val, '=')) {
                fprintf(stderr, "akira-wasm: --env %s: expected K=V\n", val);
                return -1;
            }
            o->envs[o->nenvs++] = val;
        } else if (strcmp(opt, "--stack") == 0) {
            if (parse_size(val, 64, 8, &o->stack_slots) != 0) {
                fprintf(stderr, "akira-wasm: --stack %s: expected bytes >= 64 (k/m suffix)\n", val);
                return -1;
            }
        } else if (strcmp(opt, "--max-memory") == 0) {
            if (parse_size(val, 65536, 65536, &o->max_pages) != 0 || o->max_pages > 65536) {
                fprintf(stderr, "akira-wasm: --max-memory %s: expected 64k..4g (k/m/g suffix)\n",
                        val);
                return -1;
            }
        } else if (strcmp(opt, "--invoke") == 0) {
            o->invoke = val;
        } else {
            fprintf(stderr, "akira-wasm: unknown or repeated-too-often option %s\n", opt);
            return -1;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "akira-wasm: no module given\n");
        return -1;
    }
    o->path = argv[i];
    o->app_argv = &argv[i];
    o->app_argc = argc - i;
    return 0;
}

static void print_load_error(const char *path, const aw_error *err)
{
    fprintf(stderr, "akira-wasm: %s: %s", path, aw_status_str(err->status));
    if (err->section[0]) fprintf(stderr, ": %s section", err->section);
    fprintf(stderr, " at offset 0x%x", (unsigned)err->offset);
    if (err->msg[0]) fprintf(stderr, ": %s", err->msg);
    fputc('\n', stderr);
}

static aw_module *load(const char *path, const aw_config *cfg, akira_cli_file *file)
{
    char msg[256];
    if (akira_cli_file_open(file, path, msg, sizeof msg) != 0) {
        fprintf(stderr, "akira-wasm: %s\n", msg);
        return NULL;
    }
    aw_error err;
    memset(&err, 0, sizeof err);
    aw_module *m = aw_module_load(cfg, akira_cli_file_read, file, file->size, &err);
    if (!m) {
        print_load_error(path, &err);
        akira_cli_file_close(file);
    }
    return m;
}

static int cmd_validate(int argc, char **argv)
{
    if (argc != 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    aw_config cfg = {0};
    akira_cli_file file;
    aw_module *m = load(argv[2], &cfg, &file);
    if (!m) return EXIT_LOAD;
    aw_module_delete(m);
    akira_cli_file_close(&file);
    return 0;
}

/* Status for a failed call or instantiation: proc_exit, interrupt, trap or error. */
static int failure_status(const akira_cli_wasi *w, const aw_error *err)
{
    fflush(stdout);
    if (w->core.exited) return (int)(w->core.exit_code & 0xff);
    if (err->status == AW_ERR_TRAP) {
        if (err->trap == AW_TRAP_INTERRUPTED || got_sigint) {
            fprintf(stderr, "akira-wasm: interrupted\n");
            return EXIT_INTERRUPTED;
        }
        const char *kind = aw_trap_str(err->trap);
        fprintf(stderr, "akira-wasm: trap: %s", kind);
        if (err->msg[0] && strcmp(err->msg, kind) != 0) fprintf(stderr, " (%s)", err->msg);
        fputc('\n', stderr);
        return EXIT_TRAP;
    }
    fprintf(stderr, "akira-wasm: %s", aw_status_str(err->status));
    if (err->msg[0]) fprintf(stderr, ": %s", err->msg);
    fputc('\n', stderr);
    return EXIT_LOAD;
}

static int call_export(aw_store *s, aw_instance *inst, const options *o, akira_cli_wasi *w)
{
    aw_error err;
    memset(&err, 0, sizeof err);
    const char *name = o->invoke ? o->invoke : "_start";
    aw_func *f = aw_instance_func(inst, name);
    if (!f) {
        fprintf(stderr, "akira-wasm: %s: no exported function %s\n", o->path, name);
        return EXIT_LOAD;
    }
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(f, &np, &pt, &nr, &rt);
    for (uint32_t i = 0; i < np + nr; i++) {
        if ((i < np ? pt[i] : rt[i - np]) == AW_V128) {
            fprintf(stderr, "akira-wasm: %s%s: v128 arguments and results cannot be passed here\n",
                    name, aw_func_signature(f));
            return EXIT_USAGE;
        }
    }
    int nargs = o->invoke ? o->app_argc - 1 : 0;
    if ((uint32_t)nargs != np) {
        fprintf(stderr, "akira-wasm: %s%s takes %u arguments, %d given\n", name,
                aw_func_signature(f), np, nargs);
        return EXIT_USAGE;
    }
    aw_val *args = calloc(np + 1, sizeof *args), *res = calloc(nr + 1, sizeof *res);
    int status = 0;
    if (!args || !res) {
        fprintf(stderr, "akira-wasm: out of memory\n");
        status = EXIT_LOAD;
        goto out;
    }
    for (uint32_t i = 0; i < np; i++) {
        if (!akira_cli_value_parse(pt[i], o->app_argv[i + 1], &args[i])) {
            fprintf(stderr, "akira-wasm: argument %u '%s' is not a valid %s (%s%s)\n", i + 1,
                    o->app_argv[i + 1], akira_cli_value_type_name(pt[i]), name,
                    aw_func_signature(f));
            status = EXIT_USAGE;
            goto out;
        }
    }
    /* A WASI reactor sets up its libc in _initialize before any other export runs. */
    aw_func *init = o->invoke ? aw_instance_func(inst, "_initialize") : NULL;
    if (init && init != f && aw_call(s, init, NULL, 0, NULL, 0, &err) != AW_OK) {
        status = failure_status(w, &err);
        goto out;
    }
    if (aw_call(s, f, args, np, res, nr, &err) != AW_OK) {
        status = failure_status(w, &err);
        goto out;
    }
    fflush(stdout);
    for (uint32_t i = 0; i < nr; i++)
        akira_cli_value_print(stdout, rt[i], res[i]);
out:
    if (status == 0 && got_sigint && !w->core.exited) {
        fprintf(stderr, "akira-wasm: interrupted\n");
        status = EXIT_INTERRUPTED;
    }
    free(args);
    free(res);
    return status;
}

static int cmd_run(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    o.stack_slots = 64 * 1024;
    if (parse_run_options(argc, argv, &o) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    aw_config cfg = {.stack_slots = o.stack_slots, .max_memory_pages = o.max_pages};
    akira_cli_file file;
    aw_module *m = load(o.path, &cfg, &file);
    if (!m) return EXIT_LOAD;

    int status = EXIT_LOAD;
    char msg[256];
    static akira_cli_wasi w; /* ~90 KiB: not on the stack */
    aw_import *imports = NULL;
    aw_store *s = aw_store_new(&cfg);
    if (!s) {
        fprintf(stderr, "akira-wasm: out of memory\n");
        goto out_module;
    }
    if (akira_cli_wasi_init(&w, o.app_argc, o.app_argv, o.nenvs, o.envs, o.ndirs, o.dirs, msg,
                            sizeof msg) != 0) {
        fprintf(stderr, "akira-wasm: %s\n", msg);
        goto out_store;
    }
    w.interrupted = &got_sigint;
    if (akira_cli_wasi_imports(&w, s, m, &imports, msg, sizeof msg) != 0) {
        fprintf(stderr, "akira-wasm: %s: %s\n", o.path, msg);
        goto out_wasi;
    }
    running_store = s;
    struct sigaction sa = {.sa_handler = on_sigint};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    /* A closed pipe or a file size limit is the app's business: its write gets EPIPE or
     * EFBIG instead of the runner dying of SIGPIPE (`app | head -1`) or SIGXFSZ. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);

    aw_error err;
    memset(&err, 0, sizeof err);
    aw_instance *inst = aw_instantiate(s, m, imports, aw_module_import_count(m), &err);
    if (!inst) {
        /* a start function may trap or exit; anything else is a link error */
        if (err.status == AW_ERR_TRAP)
            status = failure_status(&w, &err);
        else
            print_load_error(o.path, &err);
    } else {
        status = call_export(s, inst, &o, &w);
    }
    running_store = NULL;
    fflush(stdout);
    free(imports);
out_wasi:
    akira_cli_wasi_free(&w);
out_store:
    aw_store_delete(s);
out_module:
    aw_module_delete(m);
    akira_cli_file_close(&file);
    return status;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "validate") == 0) return cmd_validate(argc, argv);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return EXIT_USAGE;
}

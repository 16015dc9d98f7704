/* runner.c - one wast2json command list on the engine (see runner.h). */
#include "runner.h"

#include <akira/exec_mem.h>

#include "host.h"
#include "json.h"
#include "value.h"

#include <akira/wasm.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

typedef struct loaded {
    uint8_t *bytes; /* the module's reader context: freed after the module */
    aw_module *mod;
} loaded;

typedef struct named {
    char *name;
    aw_instance *inst;
} named;

typedef struct file_run {
    const akira_spec_options *opt;
    akira_spec_counts *counts;
    const char *source;   /* the .wast's base name, for failure lines */
    char *dir;            /* folder of the .json: module files are relative to it */
    unsigned line;        /* of the command being run */
    akira_spec_kind kind; /* of the command being run */
    aw_store *store;
    akira_spec_host host;
    aw_instance *current; /* the last module defined, NULL after one failed */
    loaded *mods;
    size_t nmods, capmods;
    named *names, *regs; /* "$M" names of modules; names registered with `register` */
    size_t nnames, capnames, nregs, capregs;
} file_run;

static void failure(file_run *r, const char *fmt, ...)
{
    va_list ap;
    r->counts->failed++;
    r->counts->by_kind[r->kind].failed++;
    fprintf(r->opt->out, "  %s:%u: ", r->source, r->line);
    va_start(ap, fmt);
    vfprintf(r->opt->out, fmt, ap);
    va_end(ap);
    fputc('\n', r->opt->out);
}

static void pass(file_run *r)
{
    r->counts->passed++;
    r->counts->by_kind[r->kind].passed++;
}

static void skip(file_run *r)
{
    r->counts->skipped++;
    r->counts->by_kind[r->kind].skipped++;
}

const char *akira_spec_kind_name(akira_spec_kind k)
{
    static const char *const names[AKIRA_SPEC_KIND_COUNT] = {
        "module",
        "register",
        "action",
        "assert_return",
        "assert_trap",
        "assert_exhaustion",
        "assert_invalid",
        "assert_malformed (binary)",
        "assert_malformed (text)",
        "assert_unlinkable",
        "assert_uninstantiable",
        "other",
    };
    return k < AKIRA_SPEC_KIND_COUNT ? names[k] : "?";
}

static akira_spec_kind kind_of(const char *type, const akira_spec_json *cmd)
{
    static const struct {
        const char *type;
        akira_spec_kind kind;
    } kinds[] = {
        {"module", AKIRA_SPEC_KIND_MODULE},
        {"register", AKIRA_SPEC_KIND_REGISTER},
        {"action", AKIRA_SPEC_KIND_ACTION},
        {"assert_return", AKIRA_SPEC_KIND_ASSERT_RETURN},
        {"assert_trap", AKIRA_SPEC_KIND_ASSERT_TRAP},
        {"assert_exhaustion", AKIRA_SPEC_KIND_ASSERT_EXHAUSTION},
        {"assert_invalid", AKIRA_SPEC_KIND_ASSERT_INVALID},
        {"assert_unlinkable", AKIRA_SPEC_KIND_ASSERT_UNLINKABLE},
        {"assert_uninstantiable", AKIRA_SPEC_KIND_ASSERT_UNINSTANTIABLE},
    };
    if (strcmp(type, "assert_malformed") == 0) {
        const char *mt = akira_spec_json_get_str(cmd, "module_type");
        return mt && strcmp(mt, "binary") != 0 ? AKIRA_SPEC_KIND_ASSERT_MALFORMED_TEXT
                                               : AKIRA_SPEC_KIND_ASSERT_MALFORMED_BINARY;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(type, kinds[i].type) == 0) return kinds[i].kind;
    return AKIRA_SPEC_KIND_OTHER;
}

static bool push(void **arr, size_t *n, size_t *cap, size_t size, const void *item)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        void *na = realloc(*arr, nc * size);
        if (!na) return false;
        *arr = na;
        *cap = nc;
    }
    memcpy((char *)*arr + *n * size, item, size);
    (*n)++;
    return true;
}

/* A later definition of the same name wins, as in the reference interpreter. */
static aw_instance *find_named(const named *list, size_t n, const char *name)
{
    for (size_t i = n; i-- > 0;)
        if (strcmp(list[i].name, name) == 0) return list[i].inst;
    return NULL;
}

static bool add_named(named **list, size_t *n, size_t *cap, const char *name, aw_instance *inst)
{
    named e = {strdup(name), inst};
    if (!e.name) return false;
    if (!push((void **)list, n, cap, sizeof e, &e)) {
        free(e.name);
        return false;
    }
    return true;
}

/* --aot: the module's native code is FILENAME.aot beside it (akira-aot's output); a
 * module that must run and has none, or whose section the engine refuses, fails. */
static bool attach_aot(file_run *r, const char *filename, aw_module *m, aw_error *err)
{
    static const aw_aot_exec exec = {
        .alloc = akira_exec_alloc, .seal = akira_exec_seal, .free = akira_exec_free};
    size_t plen = strlen(r->dir) + strlen(filename) + 8;
    char *path = malloc(plen);
    if (!path) return false;
    snprintf(path, plen, "%s/%s.aot", r->dir, filename);
    size_t size = 0;
    uint8_t *bytes = (uint8_t *)r->opt->read_file(path, &size);
    free(path);
    if (!bytes) {
        memset(err, 0, sizeof *err);
        err->status = AW_ERR_IO;
        snprintf(err->msg, sizeof err->msg, "no AOT code %s.aot", filename);
        return false;
    }
    aw_status st = aw_module_attach_aot_buffer(m, bytes, size, &exec, err);
    free(bytes);
    if (st == AW_OK) r->counts->aot_modules++;
    return st == AW_OK;
}

/* Load the module file `filename`. NULL with *err filled when the engine refuses it;
 * a module that loads is kept (with its bytes) until the file's store is deleted,
 * since instances, even partly initialised ones, run its code in place. */
static aw_module *load_module(file_run *r, const char *filename, aw_error *err)
{
    memset(err, 0, sizeof *err);
    size_t plen = strlen(r->dir) + strlen(filename) + 2;
    char *path = malloc(plen);
    if (!path) {
        err->status = AW_ERR_NOMEM;
        return NULL;
    }
    snprintf(path, plen, "%s/%s", r->dir, filename);
    size_t size = 0;
    uint8_t *bytes = (uint8_t *)r->opt->read_file(path, &size);
    free(path);
    if (!bytes) {
        err->status = AW_ERR_IO;
        snprintf(err->msg, sizeof err->msg, "cannot read %s", filename);
        return NULL;
    }
    aw_module *m = aw_module_load_buffer(NULL, bytes, size, err);
    if (m && r->opt->aot && !attach_aot(r, filename, m, err)) {
        aw_module_delete(m);
        m = NULL;
    }
    loaded l = {bytes, m};
    if (!m || !push((void **)&r->mods, &r->nmods, &r->capmods, sizeof l, &l)) {
        if (m) {
            aw_module_delete(m);
            err->status = AW_ERR_NOMEM;
            m = NULL;
        }
        free(bytes);
    }
    return m;
}

/* Resolve every import of `m` by (module, name) against the registered instances,
 * then the spectest module; an import found nowhere is left out, so that
 * aw_instantiate reports it as unknown. */
static aw_instance *instantiate(file_run *r, const aw_module *m, aw_error *err)
{
    uint32_t n = aw_module_import_count(m);
    aw_import *imports = calloc(n ? n : 1, sizeof *imports);
    if (!imports) {
        memset(err, 0, sizeof *err);
        err->status = AW_ERR_NOMEM;
        return NULL;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_desc d;
        if (!aw_module_import(m, i, &d)) continue;
        aw_instance *from = find_named(r->regs, r->nregs, d.module);
        aw_extern ext;
        if (from) {
            if (aw_instance_export(from, d.name, &ext) != AW_OK) continue;
        } else if (strcmp(d.module, "spectest") == 0) {
            const aw_extern *h = akira_spec_host_find(&r->host, d.name);
            if (!h) continue;
            ext = *h;
        } else {
            continue;
        }
        imports[k].module = d.module;
        imports[k].name = d.name;
        imports[k].ext = ext;
        k++;
    }
    aw_instance *inst = aw_instantiate(r->store, m, imports, k, err);
    free(imports);
    /* native code for guard pages runs only on a memory with them: every memory of an
     * --aot run's store has them (opt->aot_vmem), and code with explicit checks runs on
     * any memory, so an instance left on the interpreter is a failure */
    if (inst && strcmp(aw_module_tier(m), aw_instance_tier(inst)) != 0)
        failure(r, "an instance of a module with native code runs on the interpreter");
    return inst;
}

static const char *why_of(const aw_error *err)
{
    if (err->status == AW_ERR_TRAP) return aw_trap_str(err->trap);
    return err->msg[0] ? err->msg : aw_status_str(err->status);
}

/* The reference interpreter's messages may carry detail after the testsuite's text
 * ("uninitialized element 2"), so either one being a prefix of the other agrees. */
static bool same_text(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return strncmp(a, b, la < lb ? la : lb) == 0;
}

/* ---- actions --------------------------------------------------------------------- */

typedef struct action_result {
    aw_status status;
    aw_error err;
    uint32_t n;
    uint8_t types[MAX_ARGS];
    aw_val vals[2 * MAX_ARGS]; /* as aw_call returns them: a v128 takes two */
} action_result;

static bool has_v128(const akira_spec_json *list)
{
    if (!list || list->kind != AKIRA_SPEC_JSON_ARRAY) return false;
    for (size_t i = 0; i < list->len; i++) {
        const char *t = akira_spec_json_get_str(&list->items[i], "type");
        if (t && strcmp(t, "v128") == 0) return true;
    }
    return false;
}

static const char *field_of(const akira_spec_json *action, size_t *len)
{
    const akira_spec_json *f = akira_spec_json_get(action, "field");
    if (!f || f->kind != AKIRA_SPEC_JSON_STRING) return NULL;
    *len = f->len;
    return f->str;
}

/* Run an invoke or get. False (and a failure reported) when the command itself is
 * broken: no such module or export, arguments that do not fit. A trap is not a
 * broken command: it comes back in res->status. */
static bool run_action(file_run *r, const akira_spec_json *action, action_result *res)
{
    memset(res, 0, sizeof *res);
    const char *type = akira_spec_json_get_str(action, "type");
    const char *modname = akira_spec_json_get_str(action, "module");
    size_t flen = 0;
    const char *field = field_of(action, &flen);
    aw_instance *inst = modname ? find_named(r->names, r->nnames, modname) : r->current;
    if (!type || !field) {
        failure(r, "action without type or field");
        return false;
    }
    if (!inst) {
        failure(r, "%s %s: no module %s", type, field, modname ? modname : "defined");
        return false;
    }
    aw_extern ext;
    if (aw_instance_export_n(inst, field, flen, &ext) != AW_OK) {
        failure(r, "%s %s: no such export", type, field);
        return false;
    }
    if (strcmp(type, "get") == 0) {
        if (ext.kind != AW_EXTERN_GLOBAL) {
            failure(r, "get %s: not a global", field);
            return false;
        }
        res->status = AW_OK;
        res->n = 1;
        res->types[0] = (uint8_t)aw_global_type(ext.of.global);
        if (res->types[0] == AW_V128)
            aw_global_get_v128(ext.of.global, (uint8_t *)res->vals);
        else
            res->vals[0] = aw_global_get(ext.of.global);
        return true;
    }
    if (strcmp(type, "invoke") != 0 || ext.kind != AW_EXTERN_FUNC) {
        failure(r, "%s %s: not an invoke of a function", type, field);
        return false;
    }
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(ext.of.func, &np, &pt, &nr, &rt);
    const akira_spec_json *args = akira_spec_json_get(action, "args");
    size_t nargs = args && args->kind == AKIRA_SPEC_JSON_ARRAY ? args->len : 0;
    if (nargs != np || np > MAX_ARGS || nr > MAX_ARGS) {
        failure(r, "invoke %s: %zu arguments for %s", field, nargs, aw_func_signature(ext.of.func));
        return false;
    }
    aw_val argv[2 * MAX_ARGS];
    uint32_t nslots = 0;
    for (uint32_t i = 0; i < np; i++) {
        akira_spec_value v;
        char why[96];
        if (!akira_spec_value_parse(&args->items[i], false, &v, why, sizeof why)) {
            failure(r, "invoke %s: argument %u: %s", field, i, why);
            return false;
        }
        if (v.type != pt[i]) {
            failure(r, "invoke %s: argument %u has the wrong type for %s", field, i,
                    aw_func_signature(ext.of.func));
            return false;
        }
        if (v.type == AW_V128) {
            memcpy(&argv[nslots], v.v128, 16);
            nslots += 2;
        } else {
            argv[nslots++] = v.val;
        }
    }
    res->n = nr;
    memcpy(res->types, rt, nr);
    uint32_t rslots = nr;
    for (uint32_t i = 0; i < nr; i++)
        rslots += rt[i] == AW_V128;
    res->status = aw_call(r->store, ext.of.func, argv, nslots, res->vals, rslots, &res->err);
    return true;
}

static const char *action_name(const akira_spec_json *cmd)
{
    const char *f = akira_spec_json_get_str(akira_spec_json_get(cmd, "action"), "field");
    return f ? f : "?";
}

/* ---- commands -------------------------------------------------------------------- */

static void cmd_module(file_run *r, const akira_spec_json *cmd)
{
    const char *file = akira_spec_json_get_str(cmd, "filename");
    const char *name = akira_spec_json_get_str(cmd, "name");
    aw_error err;
    r->current = NULL;
    if (!file) {
        failure(r, "module without filename");
        return;
    }
    aw_module *m = load_module(r, file, &err);
    if (!m) {
        failure(r, "module %s: %s: %s (section %s, offset %u)", file, aw_status_str(err.status),
                err.msg, err.section, err.offset);
        return;
    }
    aw_instance *inst = instantiate(r, m, &err);
    if (!inst) {
        failure(r, "module %s: %s: %s", file, aw_status_str(err.status), why_of(&err));
        return;
    }
    r->current = inst;
    if (name && !add_named(&r->names, &r->nnames, &r->capnames, name, inst))
        failure(r, "out of memory");
}

static void cmd_register(file_run *r, const akira_spec_json *cmd)
{
    const char *as = akira_spec_json_get_str(cmd, "as");
    const char *name = akira_spec_json_get_str(cmd, "name");
    aw_instance *inst = name ? find_named(r->names, r->nnames, name) : r->current;
    if (!as || !inst) {
        failure(r, "register %s: no module %s", as ? as : "?", name ? name : "defined");
        return;
    }
    if (!add_named(&r->regs, &r->nregs, &r->capregs, as, inst)) failure(r, "out of memory");
}

static void cmd_action(file_run *r, const akira_spec_json *cmd)
{
    action_result res;
    if (!run_action(r, akira_spec_json_get(cmd, "action"), &res)) return;
    if (res.status != AW_OK)
        failure(r, "action %s: %s: %s", action_name(cmd), aw_status_str(res.status),
                why_of(&res.err));
}

static void cmd_assert_return(file_run *r, const akira_spec_json *cmd)
{
    const akira_spec_json *expected = akira_spec_json_get(cmd, "expected");
    size_t nexp = expected && expected->kind == AKIRA_SPEC_JSON_ARRAY ? expected->len : 0;
    action_result res;
    if (!run_action(r, akira_spec_json_get(cmd, "action"), &res)) return;
    const char *what = action_name(cmd);
    if (res.status != AW_OK) {
        failure(r, "assert_return %s: %s: %s", what, aw_status_str(res.status), why_of(&res.err));
        return;
    }
    if (nexp != res.n) {
        failure(r, "assert_return %s: %u results, expected %zu", what, res.n, nexp);
        return;
    }
    for (uint32_t i = 0, k = 0; i < res.n; k += res.types[i] == AW_V128 ? 2 : 1, i++) {
        akira_spec_value want;
        char why[96], got_s[160], want_s[160];
        if (!akira_spec_value_parse(&expected->items[i], true, &want, why, sizeof why)) {
            failure(r, "assert_return %s: result %u: %s", what, i, why);
            return;
        }
        bool ok;
        if (res.types[i] == AW_V128) {
            const uint8_t *bytes = (const uint8_t *)&res.vals[k];
            akira_spec_value_format_v128(&want, bytes, got_s, sizeof got_s);
            ok = want.type == AW_V128 && akira_spec_value_matches_v128(&want, bytes);
        } else {
            akira_spec_value_format(res.types[i], res.vals[k], got_s, sizeof got_s);
            ok = want.type == res.types[i] && akira_spec_value_matches(&want, res.vals[k]);
        }
        akira_spec_value_format_expected(&want, want_s, sizeof want_s);
        if (!ok) {
            failure(r, "assert_return %s: result %u is %s, expected %s", what, i, got_s, want_s);
            return;
        }
    }
    pass(r);
}

/* assert_trap and assert_exhaustion: the action must trap with the expected text. */
static void cmd_assert_trap(file_run *r, const akira_spec_json *cmd, const char *kind)
{
    const char *text = akira_spec_json_get_str(cmd, "text");
    action_result res;
    if (!run_action(r, akira_spec_json_get(cmd, "action"), &res)) return;
    const char *what = action_name(cmd);
    if (res.status != AW_ERR_TRAP) {
        failure(r, "%s %s: %s, expected trap \"%s\"", kind, what, aw_status_str(res.status),
                text ? text : "");
        return;
    }
    if (text && !same_text(aw_trap_str(res.err.trap), text)) {
        failure(r, "%s %s: trapped with \"%s\", expected \"%s\"", kind, what,
                aw_trap_str(res.err.trap), text);
        return;
    }
    pass(r);
}

/* assert_invalid, binary assert_malformed: loading must fail with this class. */
static void cmd_assert_rejected(file_run *r, const akira_spec_json *cmd, const char *kind,
                                aw_status want)
{
    const char *file = akira_spec_json_get_str(cmd, "filename");
    const char *text = akira_spec_json_get_str(cmd, "text");
    aw_error err;
    if (!file) {
        failure(r, "%s without filename", kind);
        return;
    }
    aw_module *m = load_module(r, file, &err);
    if (m) {
        failure(r, "%s %s: loads, expected \"%s\"", kind, file, text ? text : "");
        return;
    }
    if (err.status != want) {
        failure(r, "%s %s: %s (%s), expected %s \"%s\"", kind, file, aw_status_str(err.status),
                err.msg, aw_status_str(want), text ? text : "");
        return;
    }
    pass(r);
}

/* assert_unlinkable, assert_uninstantiable: the module loads, instantiation fails. */
static void cmd_assert_instantiate(file_run *r, const akira_spec_json *cmd, const char *kind,
                                   aw_status want)
{
    const char *file = akira_spec_json_get_str(cmd, "filename");
    const char *text = akira_spec_json_get_str(cmd, "text");
    aw_error err;
    if (!file) {
        failure(r, "%s without filename", kind);
        return;
    }
    aw_module *m = load_module(r, file, &err);
    if (!m) {
        failure(r, "%s %s: does not load: %s: %s", kind, file, aw_status_str(err.status), err.msg);
        return;
    }
    if (instantiate(r, m, &err)) {
        failure(r, "%s %s: instantiates, expected \"%s\"", kind, file, text ? text : "");
        return;
    }
    if (err.status != want) {
        failure(r, "%s %s: %s (%s), expected %s \"%s\"", kind, file, aw_status_str(err.status),
                why_of(&err), aw_status_str(want), text ? text : "");
        return;
    }
    if (want == AW_ERR_TRAP && text && !same_text(aw_trap_str(err.trap), text)) {
        failure(r, "%s %s: trapped with \"%s\", expected \"%s\"", kind, file, aw_trap_str(err.trap),
                text);
        return;
    }
    pass(r);
}

static bool is_assertion(const char *type)
{
    return strncmp(type, "assert_", 7) == 0;
}

static bool excluded(const file_run *r)
{
    char here[96];
    snprintf(here, sizeof here, "%s:%u", r->source, r->line);
    for (const char *const *e = r->opt->exclude; e && *e; e++)
        if (strcmp(*e, here) == 0) return true;
    return false;
}

/* Whether a command carries a v128 value (SIMD) in its arguments or results. */
static bool uses_v128(const akira_spec_json *cmd)
{
    return has_v128(akira_spec_json_get(akira_spec_json_get(cmd, "action"), "args")) ||
           has_v128(akira_spec_json_get(cmd, "expected"));
}

static void run_command(file_run *r, const akira_spec_json *cmd, bool simd_file)
{
    const char *type = akira_spec_json_get_str(cmd, "type");
    const akira_spec_json *line = akira_spec_json_get(cmd, "line");
    r->line = line && line->kind == AKIRA_SPEC_JSON_NUMBER ? (unsigned)line->number : 0;
    r->kind = AKIRA_SPEC_KIND_OTHER;
    if (!type) {
        failure(r, "command without type");
        return;
    }
    r->kind = kind_of(type, cmd);
    /* an engine built without SIMD cannot run these: skipped, not failed */
    if (!aw_simd_supported() && (simd_file || (is_assertion(type) && uses_v128(cmd)))) {
        if (is_assertion(type)) skip(r);
        return;
    }
    if (is_assertion(type) && excluded(r)) {
        skip(r);
        r->counts->excluded++;
        fprintf(r->opt->out, "  %s:%u: skipped: %s\n", r->source, r->line, r->opt->exclude_why);
        return;
    }
    unsigned long failed_before = r->counts->failed;
    if (r->opt->verbose) fprintf(r->opt->out, "  %s:%u: %s\n", r->source, r->line, type);
    if (strcmp(type, "module") == 0)
        cmd_module(r, cmd);
    else if (strcmp(type, "register") == 0)
        cmd_register(r, cmd);
    else if (strcmp(type, "action") == 0)
        cmd_action(r, cmd);
    else if (strcmp(type, "assert_return") == 0)
        cmd_assert_return(r, cmd);
    else if (strcmp(type, "assert_trap") == 0)
        cmd_assert_trap(r, cmd, type);
    else if (strcmp(type, "assert_exhaustion") == 0)
        cmd_assert_trap(r, cmd, type);
    else if (strcmp(type, "assert_invalid") == 0)
        cmd_assert_rejected(r, cmd, type, AW_ERR_INVALID);
    else if (strcmp(type, "assert_malformed") == 0) {
        const char *mt = akira_spec_json_get_str(cmd, "module_type");
        if (mt && strcmp(mt, "binary") != 0)
            skip(r);
        else
            cmd_assert_rejected(r, cmd, type, AW_ERR_MALFORMED);
    } else if (strcmp(type, "assert_unlinkable") == 0)
        cmd_assert_instantiate(r, cmd, type, AW_ERR_UNLINKABLE);
    else if (strcmp(type, "assert_uninstantiable") == 0)
        cmd_assert_instantiate(r, cmd, type, AW_ERR_TRAP);
    else
        failure(r, "unknown command type %s", type);
    if (!is_assertion(type) && r->counts->failed == failed_before)
        r->counts->by_kind[r->kind].passed++; /* worked: shown per kind, not in the total */
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void free_named(named *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].name);
    free(list);
}

bool akira_spec_runner_run_file(const char *json_path, const akira_spec_options *opt,
                                akira_spec_counts *counts)
{
    akira_spec_counts mine;
    memset(&mine, 0, sizeof mine);
    file_run r = {
        .opt = opt, .counts = &mine, .source = base_name(json_path), .kind = AKIRA_SPEC_KIND_OTHER};
    size_t size = 0;
    char why[128] = "";
    char *text = opt->read_file(json_path, &size);
    akira_spec_json *doc = text ? akira_spec_json_parse(text, size, why, sizeof why) : NULL;
    free(text);
    const akira_spec_json *cmds = akira_spec_json_get(doc, "commands");
    r.dir = strdup(json_path);
    if (r.dir) {
        char *slash = strrchr(r.dir, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(r.dir, ".");
    }
    /* --aot: memories with guard pages when the native code has no bounds checks, and
     * asynchronous interruption when it has no loop-header polls (x86-64's default) */
    aw_config cfg = {.vmem = opt->aot ? opt->aot_vmem : NULL,
                     .async_intr = opt->aot ? opt->aot_async : NULL};
    r.store = aw_store_new(&cfg);
    if (r.store) aw_store_set_native_stack(r.store, opt->native_stack);
    bool ok = cmds && cmds->kind == AKIRA_SPEC_JSON_ARRAY && r.dir && r.store &&
              akira_spec_host_init(&r.host, r.store, opt->verbose);
    if (!ok) {
        failure(&r, "cannot run: %s",
                !text   ? "cannot read the file"
                : !doc  ? why
                : !cmds ? "no command list"
                        : "out of memory");
    } else {
        const char *src = akira_spec_json_get_str(doc, "source_filename");
        if (src) r.source = base_name(src);
        bool simd = strncmp(base_name(json_path), "simd_", 5) == 0;
        for (size_t i = 0; i < cmds->len; i++)
            run_command(&r, &cmds->items[i], simd);
    }
    fprintf(opt->out, "%s: %lu passed, %lu failed, %lu skipped\n", json_path, mine.passed,
            mine.failed, mine.skipped);
    counts->passed += mine.passed;
    counts->failed += mine.failed;
    counts->skipped += mine.skipped;
    counts->aot_modules += mine.aot_modules;
    counts->excluded += mine.excluded;
    for (int k = 0; k < AKIRA_SPEC_KIND_COUNT; k++) {
        counts->by_kind[k].passed += mine.by_kind[k].passed;
        counts->by_kind[k].failed += mine.by_kind[k].failed;
        counts->by_kind[k].skipped += mine.by_kind[k].skipped;
    }
    /* The store first: its instances run the modules' code. */
    if (r.store) aw_store_delete(r.store);
    for (size_t i = 0; i < r.nmods; i++) {
        aw_module_delete(r.mods[i].mod);
        free(r.mods[i].bytes);
    }
    free(r.mods);
    free_named(r.names, r.nnames);
    free_named(r.regs, r.nregs);
    free(r.dir);
    akira_spec_json_free(doc);
    return ok;
}

/*
 * aot_diff: the differential test of the two tiers (docs/aot.md).
 *
 *   aot_diff FILE.wasm...     (FILE.wasm.aot beside each, written by akira-aot --each)
 *
 * Every module the engine loads is instantiated twice, once on the interpreter and
 * once on its native code, each in its own store with the same host stubs (imported
 * functions return zeros); then every exported function whose parameters are numbers
 * is called with the same arguments (zeros, then ones, then -1s) on both, in the same
 * order. Status, trap reason, every result bit (NaNs: both NaN) and the whole linear
 * memory must agree after each call. The interpreter runs under an instruction budget:
 * a call that would not end is abandoned on both sides and the module stops there.
 * A call-depth trap on one side only is counted apart (the tiers' stack limits are
 * different resources), not as a mismatch. Modules with non-function imports are
 * skipped. Prints a summary; exit 1 on any mismatch or a loadable module without
 * native code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/exec_mem.h>
#include <akira/vmem.h>
#include <akira/wasm.h>

static unsigned long n_mods, n_skipped, n_calls, n_limits, n_bad, n_interp;

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(len > 0 ? (size_t)len : 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* A host stub: results are zeros (io already holds the arguments; clear the results). */
static aw_status stub(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    uint32_t nres = (uint32_t)(uintptr_t)user;
    for (uint32_t i = 0; i < nres; i++)
        io[i].u64 = 0;
    return AW_OK;
}

typedef struct tier {
    aw_store *s;
    aw_instance *inst;
} tier;

/* Instantiate m with stubs for its function imports; false if it has others. */
static bool make(tier *t, const aw_module *m, aw_error *err, bool budget)
{
    uint32_t n = aw_module_import_count(m);
    aw_import *imps = calloc(n ? n : 1, sizeof *imps);
    /* the native side's memories have guard pages (akira-aot's default code needs them) */
    static const aw_vmem vmem = {
        .reserve = akira_vmem_reserve, .commit = akira_vmem_commit, .release = akira_vmem_release};
    /* and asynchronous interruption (the default code has no loop-header polls) */
    static const aw_async_intr async = {.self = akira_async_intr_self,
                                        .kick = akira_async_intr_kick};
    aw_config cfg = {.vmem = budget ? NULL : &vmem, .async_intr = budget ? NULL : &async};
    t->s = aw_store_new(&cfg);
    aw_store_set_native_stack(t->s, 1u << 20);
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_desc d;
        aw_module_import(m, i, &d);
        if (d.kind != AW_EXTERN_FUNC) {
            free(imps);
            return false;
        }
        const char *close = strchr(d.signature, ')');
        uint32_t nres = close ? (uint32_t)strlen(close + 1) : 0;
        imps[i].module = d.module;
        imps[i].name = d.name;
        imps[i].ext.kind = AW_EXTERN_FUNC;
        imps[i].ext.of.func = aw_host_func_new(t->s, d.signature, stub, (void *)(uintptr_t)nres);
    }
    if (budget) aw_store_set_budget(t->s, 20u * 1000u * 1000u);
    t->inst = aw_instantiate(t->s, m, imps, n, err);
    free(imps);
    return true;
}

static bool same_val(uint8_t type, aw_val a, aw_val b)
{
    if (type == AW_F32) return a.u32 == b.u32 || (isnan(a.f32) && isnan(b.f32));
    if (type == AW_F64) return a.u64 == b.u64 || (isnan(a.f64) && isnan(b.f64));
    if (type == AW_I32) return a.u32 == b.u32;
    if (type == AW_I64) return a.u64 == b.u64;
    return (a.ref == NULL) == (b.ref == NULL);
}

static void bad(const char *path, const char *what, const char *name)
{
    printf("  %s: %s: %s\n", path, name, what);
    n_bad++;
}

static void run_module(const char *path)
{
    size_t n, an;
    uint8_t *wasm = slurp(path, &n);
    if (!wasm) return;
    aw_error err;
    aw_module *mi = aw_module_load_buffer(NULL, wasm, n, &err);
    if (!mi) {
        free(wasm);
        return; /* not a module the engine runs: nothing to compare */
    }
    char apath[4096];
    snprintf(apath, sizeof apath, "%s.aot", path);
    uint8_t *sec = slurp(apath, &an);
    aw_module *ma = aw_module_load_buffer(NULL, wasm, n, &err);
    static const aw_aot_exec exec = {
        .alloc = akira_exec_alloc, .seal = akira_exec_seal, .free = akira_exec_free};
    if (!sec) {
        /* akira-aot --each left it on the interpreter (SIMD) and said so beside it */
        char ipath[4100];
        snprintf(ipath, sizeof ipath, "%s.interp", path);
        size_t in;
        uint8_t *why = slurp(ipath, &in);
        if (why) {
            free(why);
            n_interp++;
            goto out;
        }
    }
    if (!sec || aw_module_attach_aot_buffer(ma, sec, an, &exec, &err) != AW_OK) {
        bad(path, sec ? err.msg : "no native code", "module");
        goto out;
    }
    n_mods++;
    tier I = {0}, A = {0};
    aw_error ei, ea;
    if (!make(&I, mi, &ei, true) || !make(&A, ma, &ea, false)) {
        n_skipped++;
        n_mods--;
        goto done;
    }
    if (!I.inst) {
        if (ei.status == AW_ERR_LIMIT) goto done; /* the start function does not end */
        if (A.inst || ea.status != ei.status || ea.trap != ei.trap)
            bad(path, "instantiation differs", "start");
        goto done;
    }
    if (!A.inst) {
        bad(path, ea.msg, "instantiate (aot only)");
        goto done;
    }
    if (strcmp(aw_instance_tier(A.inst), "interp") == 0) {
        bad(path, "the native side's instance runs on the interpreter", "instantiate");
        goto done;
    }
    for (uint32_t e = 0; e < aw_module_export_count(mi); e++) {
        aw_extern_desc d;
        aw_module_export(mi, e, &d);
        if (d.kind != AW_EXTERN_FUNC || strpbrk(d.signature, "re")) continue;
        aw_func *fi = aw_instance_func(I.inst, d.name), *fa = aw_instance_func(A.inst, d.name);
        if (!fi || !fa) continue;
        uint32_t np, nr;
        const uint8_t *pt, *rt;
        aw_func_type(fi, &np, &pt, &nr, &rt);
        if (np > 16 || nr > 16) continue;
        for (int k = 0; k < 3; k++) {
            aw_val args[16], ri[16], ra[16];
            for (uint32_t i = 0; i < np; i++) {
                args[i].u64 = 0;
                if (pt[i] == AW_I32) args[i].i32 = k == 0 ? 0 : k == 1 ? 1 : -1;
                if (pt[i] == AW_I64) args[i].i64 = k == 0 ? 0 : k == 1 ? 1 : -1;
                if (pt[i] == AW_F32) args[i].f32 = k == 0 ? 0.0f : k == 1 ? 1.0f : -1.0f;
                if (pt[i] == AW_F64) args[i].f64 = k == 0 ? 0.0 : k == 1 ? 1.0 : -1.0;
            }
            aw_status si = aw_call(I.s, fi, args, np, ri, nr, &ei);
            if (si == AW_ERR_YIELD) {
                aw_abort(I.s);
                goto done; /* does not end: the states would part from here */
            }
            aw_status sa = aw_call(A.s, fa, args, np, ra, nr, &ea);
            n_calls++;
            bool exi = si == AW_ERR_TRAP && ei.trap == AW_TRAP_STACK_EXHAUSTED;
            bool exa = sa == AW_ERR_TRAP && ea.trap == AW_TRAP_STACK_EXHAUSTED;
            if (exi != exa) {
                n_limits++;
                goto done; /* different limits: the states part from here */
            }
            if (si != sa || (si == AW_ERR_TRAP && ei.trap != ea.trap)) {
                char why[200];
                snprintf(why, sizeof why, "interp %s/%s, aot %s/%s", aw_status_str(si),
                         si == AW_ERR_TRAP ? aw_trap_str(ei.trap) : "-", aw_status_str(sa),
                         sa == AW_ERR_TRAP ? aw_trap_str(ea.trap) : "-");
                bad(path, why, d.name);
                goto done;
            }
            for (uint32_t i = 0; si == AW_OK && i < nr; i++)
                if (!same_val(rt[i], ri[i], ra[i])) {
                    bad(path, "results differ", d.name);
                    goto done;
                }
            aw_memory *mI = aw_instance_memory(I.inst, 0), *mA = aw_instance_memory(A.inst, 0);
            if (mI && mA) {
                uint64_t sz = aw_memory_size(mI);
                if (sz != aw_memory_size(mA) ||
                    (sz && memcmp(aw_memory_ptr(mI, 0, sz), aw_memory_ptr(mA, 0, sz), sz) != 0)) {
                    bad(path, "memory differs", d.name);
                    goto done;
                }
            }
        }
    }
done:
    if (I.s) aw_store_delete(I.s);
    if (A.s) aw_store_delete(A.s);
out:
    aw_module_delete(mi);
    aw_module_delete(ma);
    free(sec);
    free(wasm);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: aot_diff FILE.wasm...\n");
        return 2;
    }
    akira_fault_hook_set(aw_aot_fault);
    akira_async_intr_set(aw_aot_interrupt_pc);
    for (int i = 1; i < argc; i++)
        run_module(argv[i]);
    printf("aot_diff: %lu modules, %lu calls compared, %lu mismatches, %lu call-depth limits "
           "apart, %lu skipped (non-function imports), %lu left on the interpreter (SIMD)\n",
           n_mods, n_calls, n_bad, n_limits, n_skipped, n_interp);
    return n_bad || n_mods == 0 ? 1 : 0;
}

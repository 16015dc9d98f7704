/*
 * api.c - calling into a store: aw_call (outermost or nested from a host function),
 * the budget's yield/resume/abort, interrupts and stack statistics.
 */
#include <stdio.h>
#include <string.h>

#include "aot.h"

static aw_status report(aw_store *s, aw_status st, aw_error *err)
{
    if (st == AW_ERR_TRAP) {
        memset(err, 0, sizeof *err);
        err->status = st;
        err->trap = s->trap;
        if (s->trap == AW_TRAP_HOST && s->trap_msg[0])
            snprintf(err->msg, sizeof err->msg, "%s", s->trap_msg);
        else
            snprintf(err->msg, sizeof err->msg, "%s", aw_trap_str(s->trap));
        s->trap_msg[0] = 0;
    } else if (st == AW_ERR_YIELD) {
        memset(err, 0, sizeof *err);
        err->status = st;
        snprintf(err->msg, sizeof err->msg, "budget exhausted: call aw_resume or aw_abort");
    }
    return st;
}

static aw_status args_error(aw_error *err, const char *msg)
{
    memset(err, 0, sizeof *err);
    err->status = AW_ERR_ARGS;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return AW_ERR_ARGS;
}

/* Finish a run: results out of `res` (the callee's frame), the stack top back to the
 * frame's base (slot `base` of the stack, which may have moved during the run). */
static aw_status finish(aw_store *s, aw_status st, size_t base, const aw_val *res, const aw_func *f,
                        aw_val *results, aw_error *err)
{
    if (st == AW_ERR_YIELD) {
        s->nest--;
        if (!s->nest) aw_store_stack_retire_free(s);
        return report(s, st, err);
    }
    if (st == AW_OK && f->type->rslots) memcpy(results, res, f->type->rslots * sizeof(aw_val));
    s->top = s->stack + base;
    s->nest--;
    if (!s->nest) aw_store_stack_retire_free(s);
    return report(s, st, err);
}

aw_status aw_call(aw_store *s, aw_func *f, const aw_val *args, uint32_t nargs, aw_val *results,
                  uint32_t nresults, aw_error *err)
{
    aw_error dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    if (!s || !f) return args_error(err, "no store or function");
    const aw_functype *t = f->type;
    if (nargs != t->pslots || nresults < t->rslots || (nargs && !args) || (t->rslots && !results))
        return args_error(err, "wrong number of arguments or results");
    if (s->susp.active && s->nest == 0)
        return args_error(err, "a call is suspended: aw_resume or aw_abort it first");
    if (s->nest >= AW_MAX_NESTING || (s->nframes >= s->frames_alloc && !aw_store_frames_grow(s))) {
        s->trap = AW_TRAP_STACK_EXHAUSTED;
        return report(s, AW_ERR_TRAP, err);
    }
    size_t off = (size_t)(s->top - s->stack);
    uint32_t need = t->pslots > t->rslots ? t->pslots : t->rslots;
    if (f->inst && f->code->frame_slots > need) need = f->code->frame_slots;
    /* nested (s->nest > 0): the host function that called holds a pointer into the
     * stack, so a stack replaced now stays allocated until the outermost return */
    if (off + need > s->stack_alloc && !aw_store_stack_grow(s, off + need, s->nest > 0)) {
        s->trap = AW_TRAP_STACK_EXHAUSTED;
        return report(s, AW_ERR_TRAP, err);
    }
    aw_val *base = s->stack + off;
    if (nargs) memcpy(base, args, nargs * sizeof(aw_val));
    s->nest++;
    if (f->inst && f->inst->aot && !s->budget) {
        /* native code; with a budget set, the interpreter (which can yield) runs it */
        s->top = base + need;
        /* native code and host functions write the results where they were given base,
         * kept allocated if a nested call moved the stack */
        return finish(s, aw_aot_run(s, f, base), off, base, f, results, err);
    }
    if (!f->inst) {
        const aw_hostfunc *h = (const aw_hostfunc *)f;
        s->top = base + need;
        s->trap_msg[0] = 0;
        s->trap = AW_TRAP_NONE;
        aw_status st = h->fn(NULL, h->user, base);
        if (st != AW_OK) {
            /* as in the interpreter: a nested trap passed on keeps its kind */
            if (s->trap == AW_TRAP_NONE || s->trap_msg[0]) s->trap = AW_TRAP_HOST;
            st = AW_ERR_TRAP;
        }
        return finish(s, st, off, base, f, results, err);
    }
    const aw_code *c = f->code;
    uint32_t entry = s->nframes;
    s->frames[entry].code = NULL; /* sentinel: returning through it ends the run */
    s->nframes++;
    if (c->nlocals > c->nparams)
        memset(base + c->nparams, 0, (size_t)(c->nlocals - c->nparams) * sizeof(aw_val));
    if (base + c->frame_slots > s->slot_peak) s->slot_peak = base + c->frame_slots;
    if (s->nest == 1) {
        s->budget_left = s->budget;
        s->susp.callee = f;
        s->susp.base = base;
        s->susp.entry = entry;
    }
    aw_status st = aw_interp_run(s, entry, f->inst, c, c->words, base);
    /* the interpreter leaves the results in the frame, wherever the stack now is */
    return finish(s, st, off, s->stack + off, f, results, err);
}

aw_status aw_resume(aw_store *s, aw_val *results, uint32_t nresults, aw_error *err)
{
    aw_error dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    if (!s || !s->susp.active || s->nest) return args_error(err, "no suspended call");
    const aw_func *f = s->susp.callee;
    if (nresults < f->type->rslots || (f->type->rslots && !results))
        return args_error(err, "wrong number of results");
    s->susp.active = false;
    s->nest++;
    s->budget_left = s->budget;
    aw_status st =
        aw_interp_run(s, s->susp.entry, s->susp.inst, s->susp.code, s->susp.pc, s->susp.fp);
    size_t off = (size_t)(s->susp.base - s->stack);
    return finish(s, st, off, s->susp.base, f, results, err);
}

void aw_abort(aw_store *s)
{
    if (!s || !s->susp.active || s->nest) return;
    s->susp.active = false;
    s->nframes = s->susp.entry;
    s->top = s->susp.base;
}

void aw_store_set_budget(aw_store *s, uint64_t units)
{
    s->budget = units;
}

void aw_store_interrupt(aw_store *s)
{
    atomic_store(&s->interrupt, 1);
    aw_aot_interrupt(s, true);
}

void aw_store_clear_interrupt(aw_store *s)
{
    atomic_store(&s->interrupt, 0);
    aw_aot_interrupt(s, false);
}

void aw_store_set_trap_msg(aw_store *s, const char *msg)
{
    snprintf(s->trap_msg, sizeof s->trap_msg, "%s", msg ? msg : "");
}

void aw_store_stack_peak(const aw_store *s, uint32_t *slots, uint32_t *depth)
{
    if (slots) *slots = (uint32_t)(s->slot_peak - s->stack);
    if (depth) *depth = s->peak_depth;
}

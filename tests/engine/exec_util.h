/*
 * exec_util.h - hand-built modules for the interpreter's unit tests: one function of
 * hand-assembled code.h words, instantiated without the loader, so the interpreter is
 * tested on exactly the code it is given.
 */
#ifndef AKIRA_TEST_EXEC_UTIL_H
#define AKIRA_TEST_EXEC_UTIL_H

#include <stdint.h>
#include <string.h>

#include "akira/wasm.h"
#include "module.h"
#include "runtime.h"

#define HB_MAXF 4

/* A module of up to HB_MAXF functions sharing types[], with one memory of 1..2 pages,
 * one funcref table of 4 entries and one mutable i64 global (initially 40). */
typedef struct hb {
    aw_module m;
    aw_functype types[HB_MAXF];
    uint8_t tbytes[HB_MAXF][8];
    uint32_t func_types[HB_MAXF];
    aw_funcdef funcs[HB_MAXF];
    aw_limits mem;
    aw_tabletype table;
    aw_globaltype gtype;
    aw_globaldef global;
    aw_exportdef exports[HB_MAXF];
    struct {
        uint32_t len; /* module names carry their length in front (see load.h) */
        char s[4];
    } names[HB_MAXF];
} hb;

/* sig: "(ii)i"-style. */
static inline void hb_type(hb *h, uint32_t t, const char *sig)
{
    aw_functype *ft = &h->types[t];
    uint32_t n = 0, np = 0;
    for (const char *p = sig + 1; *p; p++) {
        uint8_t v = 0;
        switch (*p) {
        case 'i': v = AW_I32; break;
        case 'I': v = AW_I64; break;
        case 'f': v = AW_F32; break;
        case 'F': v = AW_F64; break;
        case 'r': v = AW_FUNCREF; break;
        case ')': np = n; continue;
        }
        h->tbytes[t][n++] = v;
    }
    ft->nparams = ft->pslots = np;
    ft->nresults = ft->rslots = n - np;
    ft->types = h->tbytes[t];
    ft->sig = (char *)sig;
    if (t >= h->m.ntypes) h->m.ntypes = t + 1;
}

/* Function `f` of type `t`: words, locals (params included) and frame size. */
static inline void hb_func(hb *h, uint32_t f, uint32_t t, const uint32_t *words, uint32_t n,
                           uint32_t nlocals, uint32_t frame_slots)
{
    h->func_types[f] = t;
    h->funcs[f].type = t;
    h->funcs[f].code = (aw_code){(uint32_t *)words, n, h->types[t].nparams, nlocals, frame_slots};
    if (f >= h->m.nfuncs) h->m.nfuncs = f + 1;
}

static inline aw_module *hb_module(hb *h)
{
    h->m.types = h->types;
    h->m.func_types = h->func_types;
    h->m.funcs = h->funcs;
    h->mem = (aw_limits){1, 2, true};
    h->m.nmems = 1;
    h->m.mems = &h->mem;
    h->table = (aw_tabletype){AW_FUNCREF, {4, 4, true}};
    h->m.ntables = 1;
    h->m.tables = &h->table;
    /* one mutable i64 global, initially 40 */
    h->gtype = (aw_globaltype){AW_I64, true};
    h->global.type = h->gtype;
    h->global.init = (aw_constexpr){AW_CONST_I64, AW_I64, 0, {.i64 = 40}};
    h->m.nglobals = 1;
    h->m.global_types = &h->gtype;
    h->m.globals = &h->global;
    /* function f is exported as "f<digit>": that makes it referable as an aw_func */
    for (uint32_t f = 0; f < h->m.nfuncs; f++) {
        h->names[f].len = 2;
        h->names[f].s[0] = 'f';
        h->names[f].s[1] = (char)('0' + f);
        h->names[f].s[2] = 0;
        h->exports[f] = (aw_exportdef){h->names[f].s, AW_EXTERN_FUNC, f};
    }
    h->m.nexports = h->m.nfuncs;
    h->m.exports = h->exports;
    return &h->m;
}

/* Function `f` of an instance of a hand-built module. */
static inline aw_func *hb_fn(aw_instance *inst, uint32_t f)
{
    char name[3] = {'f', (char)('0' + f), 0};
    return aw_instance_func(inst, name);
}

#endif

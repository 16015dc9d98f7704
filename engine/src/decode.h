/*
 * decode.h - the section decoders' internal interface (engine-private): decode.c walks
 * the sections, decode_segments.c handles globals, element and data segments and
 * constant expressions.
 */
#ifndef AW_DECODE_H
#define AW_DECODE_H

#include "load.h"

/* Decode, validate and compile the whole module into L->m. Returns only on success;
 * failures unwind through aw_load_fail(). */
void aw_decode_module(aw_load *L);

uint8_t aw_decode_reftype(aw_load *L);
void aw_decode_globaltype(aw_load *L, aw_globaltype *g);

/* Fix the function / global index spaces once their section is known (or absent):
 * imported entities first, then `ndefined` of the module's own. Idempotent. */
void aw_decode_funcs_close(aw_load *L, uint32_t ndefined);
void aw_decode_globals_close(aw_load *L, uint32_t ndefined);

/* A constant expression producing `type` (0: any, reported through out->type). Only
 * imported immutable globals may be read, as Wasm 2.0 requires. */
void aw_decode_constexpr(aw_load *L, aw_constexpr *out, uint8_t type);

void aw_decode_global_section(aw_load *L);
void aw_decode_element_section(aw_load *L);
void aw_decode_data_section(aw_load *L);

/* Mark function `f` as referenceable by ref.func in bodies. */
static inline void aw_decode_declare(aw_load *L, uint32_t f)
{
    L->declared[f >> 3] |= (uint8_t)(1u << (f & 7));
}

#endif /* AW_DECODE_H */

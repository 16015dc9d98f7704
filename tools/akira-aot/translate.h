/*
 * translate.h - validated WebAssembly to C (the first stage of akira-aot).
 *
 * The module must already be loaded (decoded + validated) by the engine: the
 * translator trusts its structure and reads the function bodies again from `wasm`.
 * Output: one C translation unit with the sandbox built in (docs/aot.md).
 */
#ifndef AKIRA_AOT_TRANSLATE_H
#define AKIRA_AOT_TRANSLATE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"
#include "sbuf.h"

/* The declarations every generated file starts with (once per file). */
void aot_prelude(int target, sbuf *out);

/* Append the C of module m to out, every symbol named with `prefix` (several modules may
 * share one file), the root table as <prefix>aot_root. `flags` (aot_format.h): with
 * AW_AOT_FLAG_GUARD, loads and stores carry no bounds check (the memory must have guard
 * pages); with AW_AOT_FLAG_ASYNC, loop headers carry no interrupt poll (the port must
 * interrupt the code asynchronously). 0 on success; -1 with a reason in err (a
 * construct the translator refuses: SIMD). */
int aot_translate(const aw_module *m, const uint8_t *wasm, size_t size, int target, unsigned flags,
                  const char *prefix, sbuf *out, char *err, size_t errlen);

#endif

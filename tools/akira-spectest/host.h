/*
 * host.h - the `spectest` host module every spec script may import, as the reference
 * interpreter (spec/interpreter/host/spectest.ml) defines it:
 *   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64
 *   (functions of no result that print their arguments as "VALUE : TYPE" lines when
 *   verbose, else nothing), global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
 *   global_f64 = 666.6 (immutable), table (funcref, 10..20), memory (1..2 pages).
 */
#ifndef AKIRA_SPEC_HOST_H
#define AKIRA_SPEC_HOST_H

#include <akira/wasm.h>

#include <stdbool.h>
#include <stdint.h>

#define AKIRA_SPEC_HOST_EXPORTS 13

typedef struct akira_spec_host {
    const char *names[AKIRA_SPEC_HOST_EXPORTS];
    aw_extern exts[AKIRA_SPEC_HOST_EXPORTS];
    uint32_t count;
} akira_spec_host;

/* Create the spectest externs in store `s` (they live as long as the store). With
 * `verbose`, the print functions write their arguments to stdout. False if the store
 * refused an allocation. */
bool akira_spec_host_init(akira_spec_host *h, aw_store *s, bool verbose);

/* The extern exported as `name`, or NULL. */
const aw_extern *akira_spec_host_find(const akira_spec_host *h, const char *name);

#endif /* AKIRA_SPEC_HOST_H */

/* host.c - the spectest host module (see host.h). */
#include "host.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* `user` is the signature's parameter letters when printing is on, NULL when not. */
static aw_status print_args(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    const char *letters = user;
    if (!letters) return AW_OK;
    for (size_t i = 0; letters[i]; i++) {
        switch (letters[i]) {
        case 'i': printf("%" PRId32 " : i32\n", io[i].i32); break;
        case 'I': printf("%" PRId64 " : i64\n", io[i].i64); break;
        case 'f': printf("%.9g : f32\n", (double)io[i].f32); break;
        case 'F': printf("%.17g : f64\n", io[i].f64); break;
        }
    }
    return AW_OK;
}

static bool add(akira_spec_host *h, const char *name, aw_extern ext, bool made)
{
    if (!made) return false;
    h->names[h->count] = name;
    h->exts[h->count] = ext;
    h->count++;
    return true;
}

bool akira_spec_host_init(akira_spec_host *h, aw_store *s, bool verbose)
{
    static const struct {
        const char *name, *sig, *letters;
    } funcs[] = {
        {"print", "()", ""},
        {"print_i32", "(i)", "i"},
        {"print_i64", "(I)", "I"},
        {"print_f32", "(f)", "f"},
        {"print_f64", "(F)", "F"},
        {"print_i32_f32", "(if)", "if"},
        {"print_f64_f64", "(FF)", "FF"},
    };
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        aw_extern e = {.kind = AW_EXTERN_FUNC};
        e.of.func = aw_host_func_new(s, funcs[i].sig, print_args,
                                     verbose ? (void *)funcs[i].letters : NULL);
        if (!add(h, funcs[i].name, e, e.of.func != NULL)) return false;
    }
    aw_extern g = {.kind = AW_EXTERN_GLOBAL};
    g.of.global = aw_global_new(s, AW_I32, false, (aw_val){.i32 = 666});
    if (!add(h, "global_i32", g, g.of.global != NULL)) return false;
    g.of.global = aw_global_new(s, AW_I64, false, (aw_val){.i64 = 666});
    if (!add(h, "global_i64", g, g.of.global != NULL)) return false;
    g.of.global = aw_global_new(s, AW_F32, false, (aw_val){.f32 = 666.6f});
    if (!add(h, "global_f32", g, g.of.global != NULL)) return false;
    g.of.global = aw_global_new(s, AW_F64, false, (aw_val){.f64 = 666.6});
    if (!add(h, "global_f64", g, g.of.global != NULL)) return false;
    aw_extern t = {.kind = AW_EXTERN_TABLE};
    t.of.table = aw_table_new(s, AW_FUNCREF, 10, 20, true);
    if (!add(h, "table", t, t.of.table != NULL)) return false;
    aw_extern m = {.kind = AW_EXTERN_MEMORY};
    m.of.memory = aw_memory_new(s, 1, 2, true);
    return add(h, "memory", m, m.of.memory != NULL);
}

const aw_extern *akira_spec_host_find(const akira_spec_host *h, const char *name)
{
    for (uint32_t i = 0; i < h->count; i++)
        if (strcmp(h->names[i], name) == 0) return &h->exts[i];
    return NULL;
}

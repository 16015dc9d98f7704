/*
 * objfile.c - lay out a relocatable ELF object as an AOT image (see objfile.h).
 *
 * The object is read into a view that does not depend on its ELF class (elf_view). The
 * sections reachable from the module's root table through relocations (code is compiled
 * with -ffunction-sections, so several modules may share one object and each takes only
 * its own functions) are placed one after the other at their alignment; writable data
 * (.data, .bss) is refused: the image is shared and read-only. Then each target's code
 * resolves the relocations: on x86-64 (here) one 8-byte slot per external symbol (the
 * runtime helpers, reached through the slot like a GOT) follows the sections and every
 * PC-relative relocation is resolved here, since the layout is fixed; what stays for the
 * loader is "add the image address" (absolute pointers, e.g. the root table) and "store
 * helper k" (the slots). ARM: objfile_arm.c.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot_format.h"
#include "objfile.h"

static const char *const helper_names[] = {
#define AW_AOT_HELPER_NAME(n) "aot_rt_" #n,
    AW_AOT_HELPERS(AW_AOT_HELPER_NAME)
#undef AW_AOT_HELPER_NAME
#define AW_AOT_LIBCALL_NAME(n) #n,
        AW_AOT_LIBCALLS(AW_AOT_LIBCALL_NAME)
#undef AW_AOT_LIBCALL_NAME
};

int aot_helper_id(const char *name)
{
    for (int i = 0; i < AW_AOT_SYM_COUNT; i++)
        if (strcmp(name, helper_names[i]) == 0) return i;
    return -1;
}

void aot_add_reloc(aot_image *o, uint32_t off, uint32_t kind, uint32_t sym)
{
    sb_u32(&o->relocs, off);
    sb_u32(&o->relocs, kind | sym << 8);
    o->nrelocs++;
}

void elf_view_free(elf_view *v)
{
    free(v->sec);
    free(v->sym);
    free(v->rel);
    free(v->place);
    memset(v, 0, sizeof *v);
}

/* Read the section table, symbols and relocations of an ELF object of either class
 * (E = Elf32 / Elf64): the same code, once per class. */
#define VIEW_READ(E, R_SYM, R_TYPE)                                                                \
    do {                                                                                           \
        const E##_Ehdr *eh = (const E##_Ehdr *)obj;                                                \
        if (eh->e_shoff > size || (size - eh->e_shoff) / sizeof(E##_Shdr) < eh->e_shnum ||         \
            eh->e_shstrndx >= eh->e_shnum)                                                         \
            return "bad section table";                                                            \
        const E##_Shdr *sh = (const E##_Shdr *)(obj + eh->e_shoff);                                \
        const char *shstr = (const char *)obj + sh[eh->e_shstrndx].sh_offset;                      \
        v->nsec = eh->e_shnum;                                                                     \
        v->sec = calloc(v->nsec, sizeof *v->sec);                                                  \
        v->place = calloc(v->nsec, sizeof *v->place);                                              \
        if (!v->sec || !v->place) return "out of memory";                                          \
        size_t nrel = 0;                                                                           \
        for (unsigned i = 0; i < v->nsec; i++) {                                                   \
            if (sh[i].sh_type != SHT_NOBITS &&                                                     \
                (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset))                \
                return "section outside the object";                                               \
            v->sec[i] = (elf_sec){sh[i].sh_type,        sh[i].sh_info,      sh[i].sh_flags,        \
                                  sh[i].sh_size,        sh[i].sh_addralign, sh[i].sh_offset,       \
                                  shstr + sh[i].sh_name};                                          \
            if (sh[i].sh_type == SHT_REL) nrel += sh[i].sh_size / sizeof(E##_Rel);                 \
            if (sh[i].sh_type == SHT_RELA) nrel += sh[i].sh_size / sizeof(E##_Rela);               \
            if (sh[i].sh_type == SHT_SYMTAB) {                                                     \
                const E##_Sym *s = (const E##_Sym *)(obj + sh[i].sh_offset);                       \
                const char *str = (const char *)obj + sh[sh[i].sh_link].sh_offset;                 \
                v->nsyms = sh[i].sh_size / sizeof *s;                                              \
                v->sym = calloc(v->nsyms + 1, sizeof *v->sym);                                     \
                if (!v->sym) return "out of memory";                                               \
                for (size_t k = 0; k < v->nsyms; k++)                                              \
                    v->sym[k] =                                                                    \
                        (elf_sym){s[k].st_shndx, s[k].st_value, str + s[k].st_name, s[k].st_info}; \
            }                                                                                      \
        }                                                                                          \
        if (!v->sym) return "no symbol table";                                                     \
        v->rel = calloc(nrel + 1, sizeof *v->rel);                                                 \
        if (!v->rel) return "out of memory";                                                       \
        for (unsigned i = 0; i < v->nsec; i++) {                                                   \
            const uint8_t *p = obj + sh[i].sh_offset;                                              \
            if (sh[i].sh_type == SHT_REL)                                                          \
                for (size_t k = 0; k < sh[i].sh_size / sizeof(E##_Rel); k++) {                     \
                    const E##_Rel *r = (const E##_Rel *)p + k;                                     \
                    v->rel[v->nrel++] = (elf_rel){                                                 \
                        sh[i].sh_info, r->r_offset, R_TYPE(r->r_info), R_SYM(r->r_info), 0, 0};    \
                }                                                                                  \
            if (sh[i].sh_type == SHT_RELA)                                                         \
                for (size_t k = 0; k < sh[i].sh_size / sizeof(E##_Rela); k++) {                    \
                    const E##_Rela *r = (const E##_Rela *)p + k;                                   \
                    v->rel[v->nrel++] =                                                            \
                        (elf_rel){sh[i].sh_info,    r->r_offset, R_TYPE(r->r_info),                \
                                  R_SYM(r->r_info), r->r_addend, 1};                               \
                }                                                                                  \
        }                                                                                          \
    } while (0)

static const char *view_read(const uint8_t *obj, size_t size, int cls, int machine, elf_view *v)
{
    memset(v, 0, sizeof *v);
    const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)obj;
    if (size < sizeof(Elf64_Ehdr) || memcmp(obj, ELFMAG, SELFMAG) != 0 || obj[EI_CLASS] != cls ||
        e32->e_machine != machine || e32->e_type != ET_REL)
        return "not a relocatable ELF object for this target";
    if (cls == ELFCLASS64)
        VIEW_READ(Elf64, ELF64_R_SYM, ELF64_R_TYPE);
    else
        VIEW_READ(Elf32, ELF32_R_SYM, ELF32_R_TYPE);
    for (size_t i = 0; i < v->nrel; i++)
        if (v->rel[i].sym >= v->nsyms || v->rel[i].sec >= v->nsec) return "bad relocation";
    return NULL;
}

int elf_layout(const uint8_t *obj, size_t size, int cls, int machine, const char *root_name,
               elf_view *v, aot_image *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    const char *why = view_read(obj, size, cls, machine, v);
    uint8_t *need = NULL;
    unsigned *work = NULL;
    int rc = -1;
    if (why) {
        snprintf(err, errlen, "%s", why);
        goto out;
    }
    need = calloc(v->nsec, 1);
    work = calloc(v->nsec, sizeof *work);
    const elf_sym *root = NULL;
    for (size_t i = 0; i < v->nsyms; i++)
        if (v->sym[i].shndx != SHN_UNDEF && v->sym[i].shndx < v->nsec &&
            strcmp(v->sym[i].name, root_name) == 0)
            root = &v->sym[i];
    if (!need || !work || !root) {
        snprintf(err, errlen, "no %s in the object", root_name);
        goto out;
    }
    /* the sections reachable from the root table, as a linker's --gc-sections would */
    unsigned nwork = 0;
    need[root->shndx] = 1;
    work[nwork++] = root->shndx;
    while (nwork) {
        unsigned sec = work[--nwork];
        for (size_t k = 0; k < v->nrel; k++) {
            if (v->rel[k].sec != sec) continue;
            unsigned t = v->sym[v->rel[k].sym].shndx;
            if (t == SHN_UNDEF || t >= v->nsec || need[t]) continue;
            need[t] = 1;
            work[nwork++] = t;
        }
    }
    /* code first, then read-only data */
    uint64_t pos = 0, align = 16;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < v->nsec; i++) {
            const elf_sec *s = &v->sec[i];
            if (!need[i] || !(s->flags & SHF_ALLOC) || s->size == 0) continue;
            int exec = (s->flags & SHF_EXECINSTR) != 0;
            if (exec != (pass == 0)) continue;
            if (s->type == SHT_NOBITS ||
                ((s->flags & SHF_WRITE) && strncmp(s->name, ".data.rel.ro", 12) != 0)) {
                snprintf(err, errlen, "writable section %s (the image is read-only)", s->name);
                goto out;
            }
            uint64_t a = s->align ? s->align : 1;
            if (a > 4096) {
                snprintf(err, errlen, "section %s aligned to %llu", s->name, (unsigned long long)a);
                goto out;
            }
            if (a > align) align = a;
            pos = (pos + a - 1) / a * a;
            v->place[i] = pos + 1; /* 0 = not placed */
            pos += s->size;
            if (exec) o->code_bytes = (uint32_t)pos;
        }
    }
    v->end = (pos + 7) / 8 * 8;
    if (v->end > 0x7fffffffu) {
        snprintf(err, errlen, "image too large");
        goto out;
    }
    o->align = (uint32_t)align;
    o->root = (uint32_t)(v->place[root->shndx] - 1 + root->value);
    rc = 0;
out:
    free(need);
    free(work);
    return rc;
}

void elf_copy_sections(const uint8_t *obj, const elf_view *v, uint8_t *img)
{
    for (unsigned i = 0; i < v->nsec; i++)
        if (v->place[i]) memcpy(img + v->place[i] - 1, obj + v->sec[i].offset, v->sec[i].size);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        goto out;                                                                                  \
    } while (0)

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

int aot_object_extract(const uint8_t *obj, size_t size, int target, const char *root_name,
                       aot_image *o, char *err, size_t errlen)
{
    if (target == AW_AOT_TARGET_THUMBV7EM)
        return aot_object_extract_arm(obj, size, root_name, o, err, errlen);
    if (target != AW_AOT_TARGET_X86_64) {
        memset(o, 0, sizeof *o);
        snprintf(err, errlen, "objects for this target are not supported");
        return -1;
    }
    int rc = -1;
    int64_t *slot = NULL;
    elf_view v;
    if (elf_layout(obj, size, ELFCLASS64, EM_X86_64, root_name, &v, o, err, errlen) != 0) goto out;
    uint64_t got = v.end;
    slot = calloc(v.nsyms + 1, sizeof *slot);
    int nslots = 0;
    for (size_t i = 0; i < v.nsyms; i++)
        slot[i] = -1;
    /* slots for every symbol referenced through the GOT */
    for (size_t k = 0; k < v.nrel; k++) {
        const elf_rel *r = &v.rel[k];
        if (!v.place[r->sec]) continue;
        if (!r->rela) FAIL("REL relocations are not expected on x86-64");
        if ((r->type == R_X86_64_GOTPCREL || r->type == R_X86_64_GOTPCRELX ||
             r->type == R_X86_64_REX_GOTPCRELX) &&
            slot[r->sym] < 0)
            slot[r->sym] = nslots++;
    }
    uint64_t total = got + 8u * (uint64_t)nslots;
    if (total > 0x7fffffffu) FAIL("image too large");
    {
        uint8_t *zero = calloc(1, total + 1);
        sb_put(&o->image, zero, total);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    elf_copy_sections(obj, &v, img);
    /* fill the slots: helpers by the loader, our own symbols by base */
    for (size_t i = 0; i < v.nsyms; i++) {
        if (slot[i] < 0) continue;
        const elf_sym *y = &v.sym[i];
        uint32_t so = (uint32_t)(got + 8u * (uint64_t)slot[i]);
        if (y->shndx == SHN_UNDEF) {
            if (aot_helper_id(y->name) < 0)
                FAIL("the code needs %s, which the engine does not give", y->name);
            aot_add_reloc(o, so, AW_AOT_REL_HELPER, (uint32_t)aot_helper_id(y->name));
        } else if (y->shndx < v.nsec && v.place[y->shndx]) {
            put64(img + so, v.place[y->shndx] - 1 + y->value);
            aot_add_reloc(o, so, AW_AOT_REL_BASE, 0);
        } else {
            FAIL("slot for an unplaced symbol %s", y->name);
        }
    }
    for (size_t k = 0; k < v.nrel; k++) {
        const elf_rel *r = &v.rel[k];
        if (!v.place[r->sec]) continue;
        const elf_sym *y = &v.sym[r->sym];
        uint64_t P = v.place[r->sec] - 1 + r->offset;
        int64_t A = r->addend;
        int defined = y->shndx != SHN_UNDEF && y->shndx < v.nsec && v.place[y->shndx];
        uint64_t S = defined ? v.place[y->shndx] - 1 + y->value : 0;
        if (r->offset + (r->type == R_X86_64_64 ? 8 : 4) > v.sec[r->sec].size)
            FAIL("relocation outside its section");
        switch (r->type) {
        case R_X86_64_NONE: break;
        case R_X86_64_64:
            if (!defined) FAIL("absolute reference to %s", y->name);
            put64(img + P, S + (uint64_t)A);
            aot_add_reloc(o, (uint32_t)P, AW_AOT_REL_BASE, 0);
            break;
        case R_X86_64_PC32:
        case R_X86_64_PLT32: {
            if (!defined) FAIL("direct call to %s (not through a slot)", y->name);
            int64_t d = (int64_t)S + A - (int64_t)P;
            put32(img + P, (uint32_t)(int32_t)d);
            break;
        }
        case R_X86_64_GOTPCREL:
        case R_X86_64_GOTPCRELX:
        case R_X86_64_REX_GOTPCRELX: {
            uint64_t so = got + 8u * (uint64_t)slot[r->sym];
            int64_t d = (int64_t)so + A - (int64_t)P;
            put32(img + P, (uint32_t)(int32_t)d);
            break;
        }
        default: FAIL("relocation type %u is not handled", r->type);
        }
    }
    rc = 0;
out:
    free(slot);
    elf_view_free(&v);
    if (rc) {
        sb_free(&o->image);
        sb_free(&o->relocs);
    }
    return rc;
}

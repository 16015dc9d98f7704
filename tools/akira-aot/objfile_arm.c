/*
 * objfile_arm.c - lay out a Cortex-M4F relocatable object (ELF32 ARM, REL relocations)
 * as an AOT image, as objfile.c does for x86-64.
 *
 * The code is compiled with -mlong-calls -fno-pic: every call to a helper or compiler
 * routine and every absolute address (the root table, jump tables, constants) is a
 * 32-bit literal word with an R_ARM_ABS32 relocation. Words naming our own sections get
 * their value here and an AW_AOT_REL_BASE relocation (the loader adds the image's
 * address); words naming a helper get AW_AOT_REL_HELPER. Branches between our own
 * sections (R_ARM_THM_PC22 / THM_JUMP24) are resolved here; nothing else is accepted.
 * The image is position-independent through these relocations and is copied to RAM.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot_format.h"
#include "objfile.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        goto out;                                                                                  \
    } while (0)

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void add_reloc(aot_image *o, uint32_t off, uint32_t kind, uint32_t sym)
{
    sb_u32(&o->relocs, off);
    sb_u32(&o->relocs, kind | sym << 8);
    o->nrelocs++;
}

/* A Thumb-2 BL / B.W: write the branch offset (bytes, even, +-16 MiB). */
static int thumb_branch(uint8_t *p, int32_t off, int bl)
{
    if (off < -(1 << 24) || off >= (1 << 24) || (off & 1)) return -1;
    uint32_t s = (uint32_t)off >> 24 & 1, i1 = (uint32_t)off >> 23 & 1,
             i2 = (uint32_t)off >> 22 & 1;
    uint32_t j1 = (~i1 ^ s) & 1, j2 = (~i2 ^ s) & 1;
    uint16_t hi = (uint16_t)(0xf000 | s << 10 | ((uint32_t)off >> 12 & 0x3ff));
    uint16_t lo =
        (uint16_t)((bl ? 0xd000 : 0x9000) | j1 << 13 | j2 << 11 | ((uint32_t)off >> 1 & 0x7ff));
    memcpy(p, &hi, 2);
    memcpy(p + 2, &lo, 2);
    return 0;
}

int aot_object_extract_arm(const uint8_t *obj, size_t size, const char *root_name, aot_image *o,
                           char *err, size_t errlen)
{
    int rc = -1;
    uint32_t *place = NULL;
    uint8_t *need = NULL;
    unsigned *work = NULL;
    memset(o, 0, sizeof *o);
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)obj;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_ARM || eh->e_type != ET_REL)
        FAIL("not an ARM relocatable ELF object");
    if (eh->e_shoff > size || (size - eh->e_shoff) / sizeof(Elf32_Shdr) < eh->e_shnum)
        FAIL("bad section table");
    const Elf32_Shdr *sh = (const Elf32_Shdr *)(obj + eh->e_shoff);
    const char *shstr = (const char *)obj + sh[eh->e_shstrndx].sh_offset;
    unsigned nsec = eh->e_shnum;
    place = calloc(nsec, sizeof *place);
    need = calloc(nsec, 1);
    work = calloc(nsec, sizeof *work);
    const Elf32_Shdr *symtab = NULL;
    for (unsigned i = 0; i < nsec; i++)
        if (sh[i].sh_type == SHT_SYMTAB) symtab = &sh[i];
    if (!symtab) FAIL("no symbol table");
    const Elf32_Sym *syms = (const Elf32_Sym *)(obj + symtab->sh_offset);
    size_t nsyms = symtab->sh_size / sizeof(Elf32_Sym);
    const char *strtab = (const char *)obj + sh[symtab->sh_link].sh_offset;
    const Elf32_Sym *root = NULL;
    for (size_t i = 0; i < nsyms; i++)
        if (syms[i].st_shndx != SHN_UNDEF && syms[i].st_shndx < nsec &&
            strcmp(strtab + syms[i].st_name, root_name) == 0)
            root = &syms[i];
    if (!root) FAIL("no %s in the object", root_name);
    unsigned nwork = 0;
    need[root->st_shndx] = 1;
    work[nwork++] = root->st_shndx;
    while (nwork) {
        unsigned sec = work[--nwork];
        for (unsigned i = 0; i < nsec; i++) {
            if (sh[i].sh_type == SHT_RELA) FAIL("RELA relocations are not expected on ARM");
            if (sh[i].sh_type != SHT_REL || sh[i].sh_info != sec) continue;
            const Elf32_Rel *rl = (const Elf32_Rel *)(obj + sh[i].sh_offset);
            for (size_t k = 0; k < sh[i].sh_size / sizeof *rl; k++) {
                uint32_t si = ELF32_R_SYM(rl[k].r_info);
                if (si >= nsyms) FAIL("bad symbol index");
                unsigned t = syms[si].st_shndx;
                if (t == SHN_UNDEF || t >= nsec || need[t]) continue;
                need[t] = 1;
                work[nwork++] = t;
            }
        }
    }
    uint32_t pos = 0, align = 8;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < nsec; i++) {
            const Elf32_Shdr *s = &sh[i];
            if (!need[i] || !(s->sh_flags & SHF_ALLOC) || s->sh_size == 0) continue;
            const char *name = shstr + s->sh_name;
            int exec = (s->sh_flags & SHF_EXECINSTR) != 0;
            if (exec != (pass == 0)) continue;
            if (s->sh_type == SHT_NOBITS || (s->sh_flags & SHF_WRITE))
                FAIL("writable section %s (the image is read-only)", name);
            uint32_t a = s->sh_addralign ? s->sh_addralign : 1;
            if (a > 4096) FAIL("section %s aligned to %u", name, a);
            if (a > align) align = a;
            pos = (pos + a - 1) / a * a;
            place[i] = pos + 1; /* 0 = not placed */
            pos += s->sh_size;
            if (exec) o->code_bytes = pos;
            if (pos > 0x7fffffffu) FAIL("image too large");
        }
    }
    pos = (pos + 3) / 4 * 4;
    o->align = align;
    {
        uint8_t *zero = calloc(1, pos + 1);
        sb_put(&o->image, zero, pos);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    for (unsigned i = 0; i < nsec; i++)
        if (place[i]) memcpy(img + place[i] - 1, obj + sh[i].sh_offset, sh[i].sh_size);
    o->root = place[root->st_shndx] - 1 + root->st_value;
    for (unsigned i = 0; i < nsec; i++) {
        const Elf32_Shdr *s = &sh[i];
        if (s->sh_type != SHT_REL || s->sh_info >= nsec || !place[s->sh_info]) continue;
        uint32_t sbase = place[s->sh_info] - 1, ssize = sh[s->sh_info].sh_size;
        const Elf32_Rel *rl = (const Elf32_Rel *)(obj + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof *rl; k++) {
            uint32_t t = ELF32_R_TYPE(rl[k].r_info), si = ELF32_R_SYM(rl[k].r_info);
            const Elf32_Sym *y = &syms[si];
            const char *name = strtab + y->st_name;
            uint32_t P = sbase + rl[k].r_offset;
            int defined = y->st_shndx != SHN_UNDEF && y->st_shndx < nsec && place[y->st_shndx];
            /* S: the symbol's offset in the image, with the Thumb bit of a function */
            uint32_t S = defined ? place[y->st_shndx] - 1 + y->st_value : 0;
            if (rl[k].r_offset + 4 > ssize) FAIL("relocation outside its section");
            switch (t) {
            case R_ARM_NONE: break;
            case R_ARM_ABS32:
                if (defined) {
                    put32(img + P, S + get32(img + P));
                    add_reloc(o, P, AW_AOT_REL_BASE, 0);
                } else {
                    int h = aot_helper_id(name);
                    if (h < 0) FAIL("the code needs %s, which the engine does not give", name);
                    if (get32(img + P) != 0) FAIL("reference into helper %s", name);
                    add_reloc(o, P, AW_AOT_REL_HELPER, (uint32_t)h);
                }
                break;
            case R_ARM_THM_PC22:
            case R_ARM_THM_JUMP24: {
                if (!defined) FAIL("direct call to %s (not through a literal)", name);
                if (ELF32_ST_TYPE(y->st_info) == STT_FUNC && !(S & 1))
                    FAIL("call to ARM-state code %s", name);
                /* the addend in place is -4 (PC is the instruction + 4) */
                int32_t off = (int32_t)((S & ~1u) - P - 4);
                if (thumb_branch(img + P, off, t == R_ARM_THM_PC22) != 0)
                    FAIL("branch to %s out of range", name);
                break;
            }
            default: FAIL("relocation type %u is not handled", t);
            }
        }
    }
    rc = 0;
out:
    free(place);
    free(need);
    free(work);
    if (rc) {
        sb_free(&o->image);
        sb_free(&o->relocs);
    }
    return rc;
}

/*
 * objfile.c - lay out a relocatable ELF object as an AOT image (see objfile.h).
 *
 * Allocated sections (.text*, .rodata*, .data.rel.ro*) are placed one after the other
 * at their alignment, then one 8-byte slot per external symbol (the runtime helpers,
 * reached through the slot like a GOT). Every PC-relative relocation is resolved here,
 * since the layout is fixed; what stays for the loader is "add the image address"
 * (absolute pointers, e.g. the root table) and "store helper k" (the slots).
 * Writable data (.data, .bss) is refused: the image is shared and read-only.
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
};

static int helper_id(const char *name)
{
    for (int i = 0; i < AW_AOT_H_COUNT; i++)
        if (strcmp(name, helper_names[i]) == 0) return i;
    return -1;
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

static void add_reloc(aot_image *o, uint32_t off, uint32_t kind, uint32_t sym)
{
    sb_u32(&o->relocs, off);
    sb_u32(&o->relocs, kind | sym << 8);
    o->nrelocs++;
}

int aot_object_extract(const uint8_t *obj, size_t size, int target, aot_image *o, char *err,
                       size_t errlen)
{
    int rc = -1;
    uint64_t *place = NULL;
    int64_t *slot = NULL;
    memset(o, 0, sizeof *o);
    if (target != AW_AOT_TARGET_X86_64) {
        snprintf(err, errlen, "objects for this target are not supported");
        return -1;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 || eh->e_type != ET_REL)
        FAIL("not an x86-64 relocatable ELF object");
    if (eh->e_shoff > size || (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
        FAIL("bad section table");
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(obj + eh->e_shoff);
    const char *shstr = (const char *)obj + sh[eh->e_shstrndx].sh_offset;
    place = calloc(eh->e_shnum, sizeof *place);
    const Elf64_Shdr *symtab = NULL;
    uint64_t pos = 0, align = 16;
    /* code first, then read-only data */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < eh->e_shnum; i++) {
            const Elf64_Shdr *s = &sh[i];
            if (s->sh_type == SHT_SYMTAB) symtab = s;
            if (!(s->sh_flags & SHF_ALLOC) || s->sh_size == 0) continue;
            const char *name = shstr + s->sh_name;
            if (strcmp(name, ".eh_frame") == 0 || strncmp(name, ".note", 5) == 0) continue;
            int exec = (s->sh_flags & SHF_EXECINSTR) != 0;
            if (exec != (pass == 0)) continue;
            if (s->sh_type == SHT_NOBITS || ((s->sh_flags & SHF_WRITE) &&
                                             strncmp(name, ".data.rel.ro", 12) != 0))
                FAIL("writable section %s (the image is read-only)", name);
            uint64_t a = s->sh_addralign ? s->sh_addralign : 1;
            if (a > 4096) FAIL("section %s aligned to %llu", name, (unsigned long long)a);
            if (a > align) align = a;
            pos = (pos + a - 1) / a * a;
            place[i] = pos + 1; /* 0 = not placed */
            pos += s->sh_size;
            if (exec) o->code_bytes = (uint32_t)pos;
        }
    }
    if (!symtab) FAIL("no symbol table");
    const Elf64_Sym *syms = (const Elf64_Sym *)(obj + symtab->sh_offset);
    size_t nsyms = symtab->sh_size / sizeof(Elf64_Sym);
    const char *strtab = (const char *)obj + sh[symtab->sh_link].sh_offset;
    pos = (pos + 7) / 8 * 8;
    uint64_t got = pos;
    slot = calloc(nsyms, sizeof *slot);
    int nslots = 0;
    for (size_t i = 0; i < nsyms; i++)
        slot[i] = -1;
    /* slots for every symbol referenced through the GOT */
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *s = &sh[i];
        if (s->sh_type != SHT_RELA || !place[s->sh_info]) continue;
        const Elf64_Rela *rl = (const Elf64_Rela *)(obj + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof *rl; k++) {
            uint32_t t = ELF64_R_TYPE(rl[k].r_info), si = ELF64_R_SYM(rl[k].r_info);
            if ((t == R_X86_64_GOTPCREL || t == R_X86_64_GOTPCRELX ||
                 t == R_X86_64_REX_GOTPCRELX) &&
                slot[si] < 0)
                slot[si] = nslots++;
        }
    }
    uint64_t total = got + 8u * (uint64_t)nslots;
    if (total > 0x7fffffffu) FAIL("image too large");
    o->align = (uint32_t)align;
    o->image.len = 0;
    {
        uint8_t *zero = calloc(1, total + 1);
        sb_put(&o->image, zero, total);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    for (unsigned i = 0; i < eh->e_shnum; i++)
        if (place[i] && sh[i].sh_type != SHT_NOBITS)
            memcpy(img + place[i] - 1, obj + sh[i].sh_offset, sh[i].sh_size);
    /* symbol values in the image; undefined ones must be helpers */
    int have_root = 0;
    for (size_t i = 0; i < nsyms; i++) {
        const Elf64_Sym *y = &syms[i];
        const char *name = strtab + y->st_name;
        if (y->st_shndx == SHN_UNDEF) {
            if (i == 0 || !name[0] || strcmp(name, "_GLOBAL_OFFSET_TABLE_") == 0) continue;
            if (helper_id(name) < 0) FAIL("the code needs %s, which the engine does not give", name);
            if (slot[i] >= 0) add_reloc(o, (uint32_t)(got + 8u * slot[i]), AW_AOT_REL_HELPER,
                                        (uint32_t)helper_id(name));
            continue;
        }
        if (slot[i] >= 0 && y->st_shndx < eh->e_shnum && place[y->st_shndx]) {
            put64(img + got + 8u * slot[i], place[y->st_shndx] - 1 + y->st_value);
            add_reloc(o, (uint32_t)(got + 8u * slot[i]), AW_AOT_REL_BASE, 0);
        }
        if (strcmp(name, "aot_root") == 0 && y->st_shndx < eh->e_shnum && place[y->st_shndx]) {
            o->root = (uint32_t)(place[y->st_shndx] - 1 + y->st_value);
            have_root = 1;
        }
    }
    if (!have_root) FAIL("no aot_root in the object");
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *s = &sh[i];
        if (s->sh_type == SHT_REL) FAIL("REL relocations are not expected on x86-64");
        if (s->sh_type != SHT_RELA || !place[s->sh_info]) continue;
        uint64_t sbase = place[s->sh_info] - 1;
        const Elf64_Rela *rl = (const Elf64_Rela *)(obj + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof *rl; k++) {
            uint32_t t = ELF64_R_TYPE(rl[k].r_info), si = ELF64_R_SYM(rl[k].r_info);
            const Elf64_Sym *y = &syms[si];
            uint64_t P = sbase + rl[k].r_offset;
            int64_t A = rl[k].r_addend;
            int defined = y->st_shndx != SHN_UNDEF && y->st_shndx < eh->e_shnum &&
                          place[y->st_shndx];
            uint64_t S = defined ? place[y->st_shndx] - 1 + y->st_value : 0;
            if (P + 8 > total && t == R_X86_64_64) FAIL("relocation outside the image");
            if (P + 4 > total) FAIL("relocation outside the image");
            switch (t) {
            case R_X86_64_NONE: break;
            case R_X86_64_64:
                if (!defined) FAIL("absolute reference to %s", strtab + y->st_name);
                put64(img + P, S + (uint64_t)A);
                add_reloc(o, (uint32_t)P, AW_AOT_REL_BASE, 0);
                break;
            case R_X86_64_PC32:
            case R_X86_64_PLT32: {
                if (!defined) FAIL("direct call to %s (not through a slot)", strtab + y->st_name);
                int64_t v = (int64_t)S + A - (int64_t)P;
                put32(img + P, (uint32_t)(int32_t)v);
                break;
            }
            case R_X86_64_GOTPCREL:
            case R_X86_64_GOTPCRELX:
            case R_X86_64_REX_GOTPCRELX: {
                uint64_t so = got + 8u * (uint64_t)slot[si];
                int64_t v = (int64_t)so + A - (int64_t)P;
                put32(img + P, (uint32_t)(int32_t)v);
                break;
            }
            default: FAIL("relocation type %u is not handled", t);
            }
        }
    }
    rc = 0;
out:
    free(place);
    free(slot);
    if (rc) {
        sb_free(&o->image);
        sb_free(&o->relocs);
    }
    return rc;
}

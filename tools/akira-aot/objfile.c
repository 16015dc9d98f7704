/*
 * objfile.c - lay out a relocatable ELF object as an AOT image (see objfile.h).
 *
 * The sections reachable from the module's root table through relocations (code is
 * compiled with -ffunction-sections, so several modules may share one object and each
 * takes only its own functions) are placed one after the other at their alignment, then one 8-byte
 * slot per external symbol (the runtime helpers, reached through the slot like a GOT). Every
 * PC-relative relocation is resolved here, since the layout is fixed; what stays for the loader is
 * "add the image address" (absolute pointers, e.g. the root table) and "store helper k" (the
 * slots). Writable data (.data, .bss) is refused: the image is shared and read-only.
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

int aot_object_extract(const uint8_t *obj, size_t size, int target, const char *root_name,
                       aot_image *o, char *err, size_t errlen)
{
    int rc = -1;
    uint64_t *place = NULL;
    int64_t *slot = NULL;
    uint8_t *need = NULL;
    unsigned *work = NULL;
    memset(o, 0, sizeof *o);
    if (target == AW_AOT_TARGET_THUMBV7EM)
        return aot_object_extract_arm(obj, size, root_name, o, err, errlen);
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
    unsigned nsec = eh->e_shnum;
    place = calloc(nsec, sizeof *place);
    need = calloc(nsec, 1);
    work = calloc(nsec, sizeof *work);
    const Elf64_Shdr *symtab = NULL;
    for (unsigned i = 0; i < nsec; i++)
        if (sh[i].sh_type == SHT_SYMTAB) symtab = &sh[i];
    if (!symtab) FAIL("no symbol table");
    const Elf64_Sym *syms = (const Elf64_Sym *)(obj + symtab->sh_offset);
    size_t nsyms = symtab->sh_size / sizeof(Elf64_Sym);
    const char *strtab = (const char *)obj + sh[symtab->sh_link].sh_offset;

    /* the sections reachable from the root table, as a linker's --gc-sections would */
    const Elf64_Sym *root = NULL;
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
            if (sh[i].sh_type != SHT_RELA || sh[i].sh_info != sec) continue;
            const Elf64_Rela *rl = (const Elf64_Rela *)(obj + sh[i].sh_offset);
            for (size_t k = 0; k < sh[i].sh_size / sizeof *rl; k++) {
                uint32_t si = ELF64_R_SYM(rl[k].r_info);
                if (si >= nsyms) FAIL("bad symbol index");
                unsigned t = syms[si].st_shndx;
                if (t == SHN_UNDEF || t >= nsec || need[t]) continue;
                need[t] = 1;
                work[nwork++] = t;
            }
        }
    }
    uint64_t pos = 0, align = 16;
    /* code first, then read-only data */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < nsec; i++) {
            const Elf64_Shdr *s = &sh[i];
            if (!need[i] || !(s->sh_flags & SHF_ALLOC) || s->sh_size == 0) continue;
            const char *name = shstr + s->sh_name;
            int exec = (s->sh_flags & SHF_EXECINSTR) != 0;
            if (exec != (pass == 0)) continue;
            if (s->sh_type == SHT_NOBITS ||
                ((s->sh_flags & SHF_WRITE) && strncmp(name, ".data.rel.ro", 12) != 0))
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
    pos = (pos + 7) / 8 * 8;
    uint64_t got = pos;
    slot = calloc(nsyms, sizeof *slot);
    int nslots = 0;
    for (size_t i = 0; i < nsyms; i++)
        slot[i] = -1;
    /* slots for every symbol referenced through the GOT */
    for (unsigned i = 0; i < nsec; i++) {
        const Elf64_Shdr *s = &sh[i];
        if (s->sh_type != SHT_RELA || s->sh_info >= nsec || !place[s->sh_info]) continue;
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
    {
        uint8_t *zero = calloc(1, total + 1);
        sb_put(&o->image, zero, total);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    for (unsigned i = 0; i < nsec; i++)
        if (place[i]) memcpy(img + place[i] - 1, obj + sh[i].sh_offset, sh[i].sh_size);
    o->root = (uint32_t)(place[root->st_shndx] - 1 + root->st_value);
    /* fill the slots: helpers by the loader, our own symbols by base */
    for (size_t i = 0; i < nsyms; i++) {
        if (slot[i] < 0) continue;
        const Elf64_Sym *y = &syms[i];
        const char *name = strtab + y->st_name;
        uint32_t so = (uint32_t)(got + 8u * (uint64_t)slot[i]);
        if (y->st_shndx == SHN_UNDEF) {
            if (aot_helper_id(name) < 0)
                FAIL("the code needs %s, which the engine does not give", name);
            add_reloc(o, so, AW_AOT_REL_HELPER, (uint32_t)aot_helper_id(name));
        } else if (y->st_shndx < nsec && place[y->st_shndx]) {
            put64(img + so, place[y->st_shndx] - 1 + y->st_value);
            add_reloc(o, so, AW_AOT_REL_BASE, 0);
        } else {
            FAIL("slot for an unplaced symbol %s", name);
        }
    }
    for (unsigned i = 0; i < nsec; i++) {
        const Elf64_Shdr *s = &sh[i];
        if (s->sh_type == SHT_REL) FAIL("REL relocations are not expected on x86-64");
        if (s->sh_type != SHT_RELA || s->sh_info >= nsec || !place[s->sh_info]) continue;
        uint64_t sbase = place[s->sh_info] - 1, ssize = sh[s->sh_info].sh_size;
        const Elf64_Rela *rl = (const Elf64_Rela *)(obj + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof *rl; k++) {
            uint32_t t = ELF64_R_TYPE(rl[k].r_info), si = ELF64_R_SYM(rl[k].r_info);
            const Elf64_Sym *y = &syms[si];
            uint64_t P = sbase + rl[k].r_offset;
            int64_t A = rl[k].r_addend;
            int defined = y->st_shndx != SHN_UNDEF && y->st_shndx < nsec && place[y->st_shndx];
            uint64_t S = defined ? place[y->st_shndx] - 1 + y->st_value : 0;
            if (rl[k].r_offset + (t == R_X86_64_64 ? 8 : 4) > ssize)
                FAIL("relocation outside its section");
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
    free(need);
    free(work);
    if (rc) {
        sb_free(&o->image);
        sb_free(&o->relocs);
    }
    return rc;
}

/*
 * objfile_arm.c - lay out a Cortex-M4F relocatable object (ELF32 ARM, REL relocations)
 * as a position-independent AOT image (AW_AOT_FLAG_PIC); the sections are placed as for
 * x86-64 (objfile.c).
 *
 * The code is compiled with -fpic -msingle-pic-base -mpic-register=r9 -mlong-calls: its
 * own code and read-only data are reached PC-relative (R_ARM_REL32 literals, Thumb-2
 * branches, tbb/tbh tables), resolved here; every external symbol (helpers, compiler
 * routines) is a word of the slot table r9 points to, loaded through a literal holding
 * the slot's offset (R_ARM_GOT_BREL, elf.h's R_ARM_GOT32). The table is not in the image: the
 * section lists its slots (AW_AOT_REL_SLOT_HELPER, AW_AOT_REL_SLOT_IMAGE), one relocation per slot
 * in slot order, and the loader fills it in RAM. Absolute words (R_ARM_ABS32) are accepted only in
 * read-only data (the root table and its arrays) and become image offsets. So nothing in the image
 * is patched: it can run where it lies in flash (docs/aot.md).
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

/* A Thumb-2 BL / B.W: write the branch offset (bytes, even, +-16 MiB). */
static int thumb_branch(uint8_t *p, int32_t off, int bl)
{
    if (off < -(1 << 24) || off >= (1 << 24) || (off & 1)) return -1;
    uint32_t u = (uint32_t)off, s = u >> 24 & 1, i1 = u >> 23 & 1, i2 = u >> 22 & 1;
    uint32_t j1 = (~i1 ^ s) & 1, j2 = (~i2 ^ s) & 1;
    uint16_t hi = (uint16_t)(0xf000 | s << 10 | (u >> 12 & 0x3ff));
    uint16_t lo = (uint16_t)((bl ? 0xd000 : 0x9000) | j1 << 13 | j2 << 11 | (u >> 1 & 0x7ff));
    memcpy(p, &hi, 2);
    memcpy(p + 2, &lo, 2);
    return 0;
}

int aot_object_extract_arm(const uint8_t *obj, size_t size, const char *root_name, aot_image *o,
                           char *err, size_t errlen)
{
    int rc = -1;
    int32_t *slot = NULL;
    elf_view v;
    if (elf_layout(obj, size, ELFCLASS32, EM_ARM, root_name, &v, o, err, errlen) != 0) goto out;
    {
        uint8_t *zero = calloc(1, v.end + 1);
        sb_put(&o->image, zero, v.end);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    elf_copy_sections(obj, &v, img);
    o->pic = 1;
    slot = calloc(v.nsyms + 1, sizeof *slot);
    if (!slot) FAIL("out of memory");
    for (size_t i = 0; i < v.nsyms; i++)
        slot[i] = -1;
    /* the slots, in the order of first use; relocation k fills slot k */
    for (size_t k = 0; k < v.nrel; k++) {
        const elf_rel *r = &v.rel[k];
        if (!v.place[r->sec] || r->type != R_ARM_GOT32 || slot[r->sym] >= 0) continue;
        const elf_sym *y = &v.sym[r->sym];
        int defined = y->shndx != SHN_UNDEF && y->shndx < v.nsec && v.place[y->shndx];
        uint32_t so = 4u * o->nrelocs;
        if (o->nrelocs >= AW_AOT_MAX_SLOTS) FAIL("more than %u external symbols", AW_AOT_MAX_SLOTS);
        slot[r->sym] = (int32_t)o->nrelocs;
        if (defined) {
            uint64_t S = v.place[y->shndx] - 1 + y->value;
            if (S >= 1u << 24) FAIL("image too large for a slot of its own address");
            aot_add_reloc(o, so, AW_AOT_REL_SLOT_IMAGE, (uint32_t)S);
        } else {
            int h = aot_helper_id(y->name);
            if (h < 0) FAIL("the code needs %s, which the engine does not give", y->name);
            aot_add_reloc(o, so, AW_AOT_REL_SLOT_HELPER, (uint32_t)h);
        }
    }
    for (size_t k = 0; k < v.nrel; k++) {
        const elf_rel *r = &v.rel[k];
        if (!v.place[r->sec]) continue;
        if (r->rela) FAIL("RELA relocations are not expected on ARM");
        const elf_sym *y = &v.sym[r->sym];
        uint32_t P = (uint32_t)(v.place[r->sec] - 1 + r->offset);
        int defined = y->shndx != SHN_UNDEF && y->shndx < v.nsec && v.place[y->shndx];
        /* S: the symbol's offset in the image, with the Thumb bit of a function */
        uint32_t S = defined ? (uint32_t)(v.place[y->shndx] - 1 + y->value) : 0;
        if (r->offset + 4 > v.sec[r->sec].size) FAIL("relocation outside its section");
        int code = (v.sec[r->sec].flags & SHF_EXECINSTR) != 0;
        switch (r->type) {
        case R_ARM_NONE: break;
        case R_ARM_ABS32:
            /* the root table's pointers: image offsets (the loader adds the address) */
            if (!defined) FAIL("absolute reference to %s", y->name);
            if (code) FAIL("absolute address of %s in code (not position-independent)", y->name);
            put32(img + P, S + get32(img + P));
            break;
        case R_ARM_REL32: /* a literal a PC is added to */
            if (!defined) FAIL("PC-relative reference to %s", y->name);
            put32(img + P, S + get32(img + P) - P);
            break;
        case R_ARM_GOT32: /* R_ARM_GOT_BREL: a literal r9 is added to: the slot's offset in the
                             table */
            put32(img + P, 4u * (uint32_t)slot[r->sym] + get32(img + P));
            break;
        case R_ARM_THM_PC22: /* R_ARM_THM_CALL */
        case R_ARM_THM_JUMP24: {
            if (!defined) FAIL("direct call to %s (not through a slot)", y->name);
            if (ELF32_ST_TYPE(y->info) == STT_FUNC && !(S & 1))
                FAIL("call to ARM-state code %s", y->name);
            /* the addend in place is -4 (PC is the instruction + 4) */
            int32_t off = (int32_t)((S & ~1u) - P - 4);
            if (thumb_branch(img + P, off, r->type == R_ARM_THM_PC22) != 0)
                FAIL("branch to %s out of range", y->name);
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

/*
 * objfile_arm.c - lay out a Cortex-M4F relocatable object (ELF32 ARM, REL relocations)
 * as an AOT image; the sections are placed as for x86-64 (objfile.c).
 *
 * The code is compiled with -mlong-calls -fno-pic: every call to a helper or compiler
 * routine and every absolute address (the root table, jump tables, constants) is a
 * 32-bit literal word with an R_ARM_ABS32 relocation. Words naming our own sections get
 * their value here and an AW_AOT_REL_BASE relocation (the loader adds the image's
 * address); words naming a helper get AW_AOT_REL_HELPER. Branches between our own
 * sections (R_ARM_THM_CALL / THM_JUMP24) are resolved here; nothing else is accepted.
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
    elf_view v;
    if (elf_layout(obj, size, ELFCLASS32, EM_ARM, root_name, &v, o, err, errlen) != 0) goto out;
    {
        uint8_t *zero = calloc(1, v.end + 1);
        sb_put(&o->image, zero, v.end);
        free(zero);
    }
    uint8_t *img = (uint8_t *)o->image.p;
    elf_copy_sections(obj, &v, img);
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
        switch (r->type) {
        case R_ARM_NONE: break;
        case R_ARM_ABS32:
            if (defined) {
                put32(img + P, S + get32(img + P));
                aot_add_reloc(o, P, AW_AOT_REL_BASE, 0);
            } else {
                int h = aot_helper_id(y->name);
                if (h < 0) FAIL("the code needs %s, which the engine does not give", y->name);
                if (get32(img + P) != 0) FAIL("reference into helper %s", y->name);
                aot_add_reloc(o, P, AW_AOT_REL_HELPER, (uint32_t)h);
            }
            break;
        case R_ARM_THM_PC22: /* R_ARM_THM_CALL */
        case R_ARM_THM_JUMP24: {
            if (!defined) FAIL("direct call to %s (not through a literal)", y->name);
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
    elf_view_free(&v);
    if (rc) {
        sb_free(&o->image);
        sb_free(&o->relocs);
    }
    return rc;
}

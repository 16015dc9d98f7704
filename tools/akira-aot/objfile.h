/*
 * objfile.h - from the C compiler's relocatable ELF object to the image and relocation
 * list of an AOT section (aot_format.h).
 */
#ifndef AKIRA_AOT_OBJFILE_H
#define AKIRA_AOT_OBJFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

typedef struct aot_image {
    sbuf image;  /* bytes, PC-relative references resolved */
    sbuf relocs; /* pairs of u32: offset, kind | sym << 8 */
    uint32_t nrelocs;
    uint32_t align;
    uint32_t root;       /* offset of aot_root */
    uint32_t code_bytes; /* of executable sections */
    int pic;             /* AW_AOT_FLAG_PIC: relocations are slot fills, nothing patched */
} aot_image;

/* Lay out the part of object `obj` reachable from the symbol `root` for `target`; 0, or
 * -1 with a reason in err. */
int aot_object_extract(const uint8_t *obj, size_t size, int target, const char *root,
                       aot_image *out, char *err, size_t errlen);

/* ---- shared by the targets' layouts (objfile.c, objfile_arm.c) ---- */

/* An ELF object's sections, symbols and relocations, whatever its class. */
typedef struct elf_sec {
    uint32_t type, info;
    uint64_t flags, size, align, offset;
    const char *name;
} elf_sec;
typedef struct elf_sym {
    unsigned shndx;
    uint64_t value;
    const char *name;
    unsigned char info;
} elf_sym;
typedef struct elf_rel {
    unsigned sec; /* the section it patches */
    uint64_t offset;
    uint32_t type, sym;
    int64_t addend; /* RELA only; REL keeps it in place */
    int rela;
} elf_rel;
typedef struct elf_view {
    unsigned nsec;
    elf_sec *sec;
    size_t nsyms, nrel;
    elf_sym *sym;
    elf_rel *rel;
    uint64_t *place; /* per section: its offset in the image + 1, 0 = not in it */
    uint64_t end;    /* the placed sections' end, 8-aligned */
} elf_view;

/* Read object `obj` (ELF class cls, machine) into v and place the sections reachable
 * from symbol root in an image: sets v->place, v->end, o->align, o->root,
 * o->code_bytes. 0, or -1 with a reason in err; v is freed with elf_view_free either way. */
int elf_layout(const uint8_t *obj, size_t size, int cls, int machine, const char *root, elf_view *v,
               aot_image *o, char *err, size_t errlen);
void elf_copy_sections(const uint8_t *obj, const elf_view *v, uint8_t *img);
void elf_view_free(elf_view *v);
void aot_add_reloc(aot_image *o, uint32_t off, uint32_t kind, uint32_t sym);

/* The same for a Cortex-M4F (ELF32 ARM) object (objfile_arm.c). */
int aot_object_extract_arm(const uint8_t *obj, size_t size, const char *root, aot_image *out,
                           char *err, size_t errlen);

/* Number of runtime helper or compiler routine `name` (aot_format.h), or -1. */
int aot_helper_id(const char *name);

#endif

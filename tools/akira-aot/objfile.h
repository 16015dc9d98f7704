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
} aot_image;

/* Lay out the part of object `obj` reachable from the symbol `root` for `target`; 0, or
 * -1 with a reason in err. */
int aot_object_extract(const uint8_t *obj, size_t size, int target, const char *root,
                       aot_image *out, char *err, size_t errlen);

/* The same for a Cortex-M4F (ELF32 ARM) object (objfile_arm.c). */
int aot_object_extract_arm(const uint8_t *obj, size_t size, const char *root, aot_image *out,
                           char *err, size_t errlen);

/* Number of runtime helper or compiler routine `name` (aot_format.h), or -1. */
int aot_helper_id(const char *name);

#endif

/*
 * aot_format.h - the native-code section of an app (engine-private, shared with the
 * akira-aot host tool, which writes it). docs/aot.md has the full story.
 *
 * A section is a header, the relocation list, then the image; all integers are
 * little-endian, every field 4-byte aligned:
 *
 *   magic "AKAO" | abi | target | flags | bytecode hash[32] | image size | image align
 *   | root offset | nrelocs | nhelpers_used | checksum | image pad | (reserved to 96)
 *   nrelocs x { u32 offset; u32 kind_and_sym }  (kind in the low 8 bits, sym above)
 *   image pad zero bytes (less than the image alignment: the image starts at its
 *   alignment within the section, so a section placed at that alignment can run in place)
 *   image bytes
 *
 * The image is the translated module's code, read-only data and helper slots, laid out
 * by the tool with every PC-relative reference already resolved. What remains for the
 * loader: AW_AOT_REL_BASE (add the image's address to the pointer-sized word at
 * `offset`) and AW_AOT_REL_HELPER (store the address of runtime helper `sym` there).
 * An image flagged AW_AOT_FLAG_PIC (thumbv7em) needs no patching, so it can run where
 * it lies (in flash): its root table holds image offsets, and its external symbols go
 * through a slot table outside the image, which the loader allocates and fills from the
 * AW_AOT_REL_SLOT_* entries and the code finds in its PIC register (r9).
 * `checksum` is FNV-1a 32 over the section but its own 4 bytes; it catches a damaged
 * section, the bytecode hash binds it to one module, the package signature covers both.
 */
#ifndef AW_AOT_FORMAT_H
#define AW_AOT_FORMAT_H

#include <stdint.h>

#define AW_AOT_MAGIC       0x4f414b41u /* "AKAO" */
#define AW_AOT_HEADER_SIZE 96u
/* Bump on any change to the generated code's view of the engine: aot_ctx's layout, the
 * helper list or signatures, aw_val, the memory and global layouts, the root table, the
 * meaning of a field (4: on Cortex-M an interrupt also sets stack_limit to all ones;
 * 5: thumbv7em code is position-independent, AW_AOT_FLAG_PIC; 6: call_indirect reads
 * the tables and aw_func's aot_key/aot_fn inline; 7: AW_AOT_FLAG_ASYNC, loop headers
 * without a poll). */
#define AW_AOT_ABI 7u

/* flags */
#define AW_AOT_FLAG_GUARD 1u /* no bounds checks: the memory must have guard pages */
/* The image is never patched (it may run in place): the root table holds image offsets
 * and the relocations are AW_AOT_REL_SLOT_* only, relocation k filling slot k of the
 * table the code reaches through its PIC register (thumbv7em: r9). */
#define AW_AOT_FLAG_PIC 2u
/* Loop headers have no interrupt poll: the code runs only in a store whose port
 * interrupts it asynchronously (aw_config.async_intr, docs/aot.md "Interruption"). */
#define AW_AOT_FLAG_ASYNC 4u
/* Slots a PIC image may ask for (one per distinct external symbol: the helpers, and a
 * few of its own addresses), so the table's RAM is bounded. */
#define AW_AOT_MAX_SLOTS 1024u

enum aw_aot_target {
    AW_AOT_TARGET_X86_64 = 1,
    AW_AOT_TARGET_THUMBV7EM = 2,
};

enum aw_aot_rel_kind {
    AW_AOT_REL_BASE = 1,   /* word += image address */
    AW_AOT_REL_HELPER = 2, /* word = address of helper `sym` */
    /* PIC images: `offset` is a byte offset into the slot table, not into the image */
    AW_AOT_REL_SLOT_HELPER = 3, /* slot = address of helper `sym` */
    AW_AOT_REL_SLOT_IMAGE = 4,  /* slot = image address + `sym` (an offset in the image) */
};

/* The runtime helpers generated code calls, by number (the loader's table order). */
/* clang-format off */
#define AW_AOT_HELPERS(X)                                                                          \
    X(trap)                                                                                        \
    X(poll) X(call_import) X(indirect) X(call_ref) X(memory_grow) X(memset) X(memmove)              \
        X(memory_init) X(data_drop) X(table_get) X(table_set) X(table_size) X(table_grow)          \
            X(table_fill) X(table_copy) X(table_init) X(elem_drop) X(ref_func) X(f32_ceil)         \
                X(f32_floor) X(f32_trunc) X(f32_nearest) X(f64_ceil) X(f64_floor) X(f64_trunc)     \
                    X(f64_nearest)
/* clang-format on */

/* The compiler's runtime routines the code of a target without them in hardware calls
 * (Cortex-M4F: double precision, 64-bit division and conversions), by their own names,
 * numbered after the helpers. Builds for another target have NULL for them, so the
 * loader refuses a section that needs one. */
/* clang-format off */
#define AW_AOT_LIBGCC(X)                                                                           \
    X(__aeabi_dadd) X(__aeabi_dsub) X(__aeabi_dmul) X(__aeabi_ddiv) X(__aeabi_dcmpeq)              \
    X(__aeabi_dcmplt) X(__aeabi_dcmple) X(__aeabi_dcmpge) X(__aeabi_dcmpgt) X(__aeabi_dcmpun)      \
    X(__aeabi_d2iz) X(__aeabi_d2uiz) X(__aeabi_d2lz) X(__aeabi_d2ulz) X(__aeabi_i2d)               \
    X(__aeabi_ui2d) X(__aeabi_l2d) X(__aeabi_ul2d) X(__aeabi_f2d) X(__aeabi_d2f) X(__aeabi_l2f)    \
    X(__aeabi_ul2f) X(__aeabi_f2lz) X(__aeabi_f2ulz) X(__aeabi_ldivmod) X(__aeabi_uldivmod)        \
    X(__aeabi_llsl) X(__aeabi_llsr) X(__aeabi_lasr) X(__aeabi_lmul) X(__aeabi_lcmp)                \
    X(__aeabi_ulcmp) X(__clzdi2) X(__ctzdi2) X(__popcountsi2) X(__popcountdi2)
#define AW_AOT_LIBC(X) X(sqrt) X(sqrtf) X(memcpy) X(memset) X(memmove)
#define AW_AOT_LIBCALLS(X) AW_AOT_LIBGCC(X) AW_AOT_LIBC(X)
/* clang-format on */

enum aw_aot_helper {
#define AW_AOT_HELPER_ENUM(n) AW_AOT_H_##n,
    AW_AOT_HELPERS(AW_AOT_HELPER_ENUM)
#undef AW_AOT_HELPER_ENUM
        AW_AOT_H_COUNT
};

enum aw_aot_libcall {
#define AW_AOT_LIBCALL_ENUM(n) AW_AOT_L_##n,
    AW_AOT_LIBCALLS(AW_AOT_LIBCALL_ENUM)
#undef AW_AOT_LIBCALL_ENUM
        AW_AOT_L_COUNT
};

/* helper numbers in relocations: 0..AW_AOT_H_COUNT-1 helpers, then the libcalls */
#define AW_AOT_SYM_COUNT (AW_AOT_H_COUNT + AW_AOT_L_COUNT)

/* Offsets of the header fields. */
#define AW_AOT_OFF_MAGIC    0u
#define AW_AOT_OFF_ABI      4u
#define AW_AOT_OFF_TARGET   8u
#define AW_AOT_OFF_FLAGS    12u
#define AW_AOT_OFF_HASH     16u
#define AW_AOT_OFF_IMGSIZE  48u
#define AW_AOT_OFF_IMGALIGN 52u
#define AW_AOT_OFF_ROOT     56u
#define AW_AOT_OFF_NRELOCS  60u
#define AW_AOT_OFF_NFUNCS   64u
#define AW_AOT_OFF_CHECKSUM 68u
#define AW_AOT_OFF_IMGPAD   72u

/* The root table at `root offset` in the image (pointer-sized words, relocated; in a
 * PIC image the pointers are offsets in the image, with a function's Thumb bit):
 *   nfuncs, ntypes, funcs[nfuncs] -> {fn, type} pairs, wrappers[ntypes]
 * Written by the generated C as `aot_root` (see tools/akira-aot/translate.c). */

/* FNV-1a 32 over the whole section except the checksum field itself. */
static inline uint32_t aw_aot_checksum(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        if (i < AW_AOT_OFF_CHECKSUM || i >= AW_AOT_OFF_CHECKSUM + 4) h = (h ^ p[i]) * 16777619u;
    return h;
}

static inline uint32_t aw_aot_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif /* AW_AOT_FORMAT_H */

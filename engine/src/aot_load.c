/*
 * aot_load.c - attach an AOT section to a module: check it, place it in executable
 * memory from the port, resolve its relocations, seal it (docs/aot.md).
 */
#include <stdio.h>
#include <string.h>

#include "aot.h"
#include "aot_sha256.h"
#include "mem.h"

#if defined(__x86_64__)
#define AW_AOT_HOST AW_AOT_TARGET_X86_64
#elif defined(__thumb2__) && defined(__ARM_ARCH_7EM__)
#define AW_AOT_HOST AW_AOT_TARGET_THUMBV7EM
#else
#define AW_AOT_HOST 0
#endif

_Static_assert(offsetof(aw_memory, data) == 0 && offsetof(aw_memory, size) == 8,
               "generated code reads aw_memory as {data, size}");
_Static_assert(offsetof(aw_global, val) == 0, "generated code reads a global's value first");
_Static_assert(sizeof(atomic_int) == sizeof(int), "generated code reads the flag as an int");

static const char *target_name(uint32_t t)
{
    switch (t) {
    case AW_AOT_TARGET_X86_64: return "x86_64";
    case AW_AOT_TARGET_THUMBV7EM: return "thumbv7em";
    default: return NULL;
    }
}

const char *aw_aot_target(void)
{
    return target_name(AW_AOT_HOST);
}

const char *aw_module_tier(const aw_module *m)
{
    return m && m->aot ? m->aot->tier : "interp";
}

static aw_status refuse(aw_error *err, aw_status st, const char *fmt, const char *a, uint32_t x,
                        uint32_t y)
{
    memset(err, 0, sizeof *err);
    err->status = st;
    snprintf(err->section, sizeof err->section, "aot");
    snprintf(err->msg, sizeof err->msg, fmt, a, x, y);
    return st;
}

#define CHUNK 256u

/* PIC images run with a slot table in the target's PIC register: only where the engine
 * has the trampoline that loads it (aot_rt.c). */
#if AW_AOT_HOST == AW_AOT_TARGET_THUMBV7EM
#define AW_AOT_PIC_OK 1
#else
#define AW_AOT_PIC_OK 0
#endif

static uint32_t fnv(uint32_t sum, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        sum = (sum ^ p[i]) * 16777619u;
    return sum;
}

/* The root table of a PIC image: offsets, checked against the image, resolved into am. */
static bool pic_root(struct aw_aot_module *am, const uint8_t *img, uint32_t isize, uint32_t root)
{
    const uint32_t *r = (const uint32_t *)(img + root);
    uint32_t nf = r[0], nt = r[1], fo = r[2], wo = r[3];
    if (fo % 4 || wo % 4 || fo > isize || nf > (isize - fo) / 8 || wo > isize ||
        nt > (isize - wo) / 4)
        return false;
    am->funcs = (const aw_aot_fn *)(img + fo);
    am->wraps = (const uintptr_t *)(img + wo);
    am->base = (uintptr_t)img;
    /* entries are Thumb code (bit 0 set): a branch to an even address would fault */
    for (uint32_t i = 0; i < nt; i++)
        if (am->wraps[i] >= isize || !(am->wraps[i] & 1)) return false;
    for (uint32_t i = 0; i < nf; i++)
        if (!((uintptr_t)am->funcs[i].fn & 1)) return false;
    return true;
}

aw_status aw_module_attach_aot(aw_module *m, aw_read_fn read, void *ctx, uint32_t offset,
                               uint32_t len, const aw_aot_exec *exec, aw_error *err)
{
    aw_error dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    if (!m || !read || !exec || !exec->alloc || !exec->seal || !exec->free)
        return refuse(err, AW_ERR_ARGS, "%sno module, reader or exec hooks", "", 0, 0);
    if (m->aot) return refuse(err, AW_ERR_ARGS, "%snative code already attached", "", 0, 0);
    uint8_t h[AW_AOT_HEADER_SIZE];
    if (len < sizeof h) return refuse(err, AW_ERR_MALFORMED, "%ssection of %u bytes", "", len, 0);
    if (read(ctx, offset, h, sizeof h) != 0)
        return refuse(err, AW_ERR_IO, "%sread failed", "", 0, 0);
    uint32_t magic = aw_aot_rd32(h + AW_AOT_OFF_MAGIC), abi = aw_aot_rd32(h + AW_AOT_OFF_ABI);
    uint32_t target = aw_aot_rd32(h + AW_AOT_OFF_TARGET);
    uint32_t isize = aw_aot_rd32(h + AW_AOT_OFF_IMGSIZE);
    uint32_t align = aw_aot_rd32(h + AW_AOT_OFF_IMGALIGN), root = aw_aot_rd32(h + AW_AOT_OFF_ROOT);
    uint32_t nrel = aw_aot_rd32(h + AW_AOT_OFF_NRELOCS);
    uint32_t nfuncs = aw_aot_rd32(h + AW_AOT_OFF_NFUNCS);
    uint32_t flags = aw_aot_rd32(h + AW_AOT_OFF_FLAGS);
    uint32_t pad = aw_aot_rd32(h + AW_AOT_OFF_IMGPAD);
    if (magic != AW_AOT_MAGIC) return refuse(err, AW_ERR_MALFORMED, "%sbad magic", "", 0, 0);
    if (abi != AW_AOT_ABI)
        return refuse(err, AW_ERR_UNSUPPORTED, "%sengine ABI %u, this engine has %u", "", abi,
                      AW_AOT_ABI);
    if (target != AW_AOT_HOST) {
        const char *t = target_name(target), *here = aw_aot_target();
        refuse(err, AW_ERR_UNSUPPORTED, "%s", "", 0, 0);
        snprintf(err->msg, sizeof err->msg, "code for %s, this board runs %s",
                 t ? t : "an unknown target", here ? here : "no native code");
        return AW_ERR_UNSUPPORTED;
    }
    bool pic = (flags & AW_AOT_FLAG_PIC) != 0;
    if ((flags & ~(AW_AOT_FLAG_GUARD | AW_AOT_FLAG_PIC | AW_AOT_FLAG_ASYNC)) ||
        (pic && !AW_AOT_PIC_OK))
        return refuse(err, AW_ERR_UNSUPPORTED, "%sunknown flags 0x%x", "", flags, 0);
    uint32_t psize = (uint32_t)sizeof(void *);
    if (nrel > (len - sizeof h) / 8 || pad >= 4096 || len - sizeof h - 8u * nrel < pad ||
        isize != len - sizeof h - 8u * nrel - pad || isize < psize || align == 0 || align > 4096 ||
        (align & (align - 1)) || pad >= align || root > isize - 4 * psize || root % psize ||
        (pic && nrel > AW_AOT_MAX_SLOTS))
        return refuse(err, AW_ERR_MALFORMED, "%sinconsistent header (%u bytes, image %u)", "", len,
                      isize);
    uint8_t want[32];
    if (aw_aot_module_hash(m->read, m->read_ctx, m->size, want) != 0)
        return refuse(err, AW_ERR_IO, "%scannot hash the module", "", 0, 0);
    if (memcmp(want, h + AW_AOT_OFF_HASH, 32) != 0)
        return refuse(err, AW_ERR_INVALID, "%scompiled from other bytecode (hash mismatch)", "", 0,
                      0);
    if (nfuncs != m->nfuncs - m->nfunc_imports)
        return refuse(err, AW_ERR_MALFORMED, "%s%u functions, the module has %u", "", nfuncs,
                      m->nfuncs - m->nfunc_imports);

    /* the relocations, then the image after its pad (checksummed with the relocations) */
    uint32_t pos = offset + (uint32_t)sizeof h, rbytes = 8u * nrel, ipos = pos + rbytes + pad;
    /* A PIC image runs where it lies when the port maps the reader's bytes executable
     * there, at the image's alignment; it is checked there, in place, as it will run. */
    uint8_t *img = NULL;
    bool in_place = false;
    if (pic && exec->in_place) {
        const uint8_t *at = exec->in_place(exec->ctx, read, ctx, ipos, isize);
        if (at && (uintptr_t)at % align == 0) {
            img = (uint8_t *)(uintptr_t)at;
            in_place = true;
        } else {
            /* a note on success: why the code was copied after all */
            snprintf(err->msg, sizeof err->msg, "%s",
                     at ? "image not aligned in place" : "the section is not mapped executable");
        }
    }
    if (!in_place) {
        img = exec->alloc(exec->ctx, isize, align);
        if (!img)
            return refuse(err, AW_ERR_NOMEM, "%sno executable memory for %u bytes", "", isize, 0);
    }
    void **slots = NULL;
    if (pic && nrel) {
        slots = aw_mem_zalloc(&m->cfg, (size_t)nrel * sizeof *slots);
        if (!slots) {
            if (!in_place) exec->free(exec->ctx, img, isize);
            return refuse(err, AW_ERR_NOMEM, "%sno memory for %u slots", "", nrel, 0);
        }
    }
    /* checksum over the header, the relocations (streamed) and the image (read into the
     * copy, or where it lies) */
    uint32_t sum = aw_aot_checksum(h, sizeof h);
    uint8_t buf[CHUNK];
    for (uint32_t done = 0; done < rbytes + pad;) {
        uint32_t k = rbytes + pad - done < CHUNK ? rbytes + pad - done : CHUNK;
        if (read(ctx, pos + done, buf, k) != 0) goto io;
        sum = fnv(sum, buf, k);
        done += k;
    }
    for (uint32_t done = 0; done < isize;) {
        uint32_t k = isize - done < CHUNK ? isize - done : CHUNK;
        if (!in_place && read(ctx, ipos + done, img + done, k) != 0) goto io;
        sum = fnv(sum, img + done, k);
        done += k;
    }
    if (sum != aw_aot_rd32(h + AW_AOT_OFF_CHECKSUM)) {
        if (!in_place) exec->free(exec->ctx, img, isize);
        aw_mem_free(&m->cfg, slots, (size_t)nrel * sizeof *slots);
        return refuse(err, AW_ERR_MALFORMED, "%schecksum mismatch (damaged section)", "", 0, 0);
    }
    for (uint32_t done = 0, k = 0; done < rbytes; done += k) {
        k = rbytes - done < CHUNK ? rbytes - done : CHUNK;
        if (read(ctx, pos + done, buf, k) != 0) goto io;
        for (uint32_t i = 0; i + 8 <= k; i += 8) {
            uint32_t off = aw_aot_rd32(buf + i), ks = aw_aot_rd32(buf + i + 4);
            uint32_t kind = ks & 0xff, sym = ks >> 8;
            if (pic) {
                /* relocation n fills slot n: every slot once, none outside the table */
                if (off != (done + i) / 2) goto bad;
                if (kind == AW_AOT_REL_SLOT_HELPER && sym < AW_AOT_SYM_COUNT && aw_aot_helpers[sym])
                    slots[off / 4] = aw_aot_helpers[sym];
                else if (kind == AW_AOT_REL_SLOT_IMAGE && sym < isize)
                    slots[off / 4] = img + sym;
                else
                    goto bad;
                continue;
            }
            uintptr_t v;
            if (off > isize - psize || off % psize) goto bad;
            memcpy(&v, img + off, sizeof v);
            if (kind == AW_AOT_REL_BASE && v < isize)
                v += (uintptr_t)img;
            else if (kind == AW_AOT_REL_HELPER && sym < AW_AOT_SYM_COUNT && aw_aot_helpers[sym])
                v = (uintptr_t)aw_aot_helpers[sym];
            else
                goto bad;
            memcpy(img + off, &v, sizeof v);
        }
    }
    struct aw_aot_module am0 = {.image = img,
                                .size = isize,
                                .exec = *exec,
                                .slots = slots,
                                .nslots = pic ? nrel : 0,
                                .in_place = in_place};
    const aw_aot_root *r = (const aw_aot_root *)(img + root);
    am0.root = r;
    if (pic) {
        if (!pic_root(&am0, img, isize, root)) goto bad;
    } else {
        am0.funcs = r->funcs;
        am0.wraps = (const uintptr_t *)r->wraps;
    }
    if (r->nfuncs != nfuncs || r->ntypes != m->ntypes) goto bad;
    for (uint32_t i = 0; i < nfuncs; i++) {
        uintptr_t fn = (uintptr_t)aw_aot_entry(&am0, i), t = am0.funcs[i].type;
        if (fn < (uintptr_t)img || fn >= (uintptr_t)img + isize || t >= m->ntypes ||
            !aw_functype_eq(&m->types[t], &m->types[m->funcs[i].type]))
            goto bad;
    }
    struct aw_aot_module *am = aw_mem_zalloc(&m->cfg, sizeof *am);
    if (!am) {
        if (!in_place) exec->free(exec->ctx, img, isize);
        aw_mem_free(&m->cfg, slots, (size_t)nrel * sizeof *slots);
        return refuse(err, AW_ERR_NOMEM, "%sno memory", "", 0, 0);
    }
    if (!in_place && exec->seal(exec->ctx, img, isize) != 0) {
        aw_mem_free(&m->cfg, am, sizeof *am);
        aw_mem_free(&m->cfg, slots, (size_t)nrel * sizeof *slots);
        exec->free(exec->ctx, img, isize);
        return refuse(err, AW_ERR_NOMEM, "%scannot make the code executable", "", 0, 0);
    }
    *am = am0;
    am->guard = (flags & AW_AOT_FLAG_GUARD) != 0;
    am->async = (flags & AW_AOT_FLAG_ASYNC) != 0;
    snprintf(am->tier, sizeof am->tier, "aot %s%s", target_name(target),
             in_place ? " (in place)" : "");
    m->aot = am;
    m->ram += sizeof *am + (size_t)am->nslots * sizeof *slots;
    return AW_OK;
io:
    if (!in_place) exec->free(exec->ctx, img, isize);
    aw_mem_free(&m->cfg, slots, (size_t)nrel * sizeof *slots);
    return refuse(err, AW_ERR_IO, "%sread failed", "", 0, 0);
bad:
    if (!in_place) exec->free(exec->ctx, img, isize);
    aw_mem_free(&m->cfg, slots, (size_t)nrel * sizeof *slots);
    return refuse(err, AW_ERR_MALFORMED, "%sbad relocation or root table", "", 0, 0);
}

aw_status aw_module_attach_aot_buffer(aw_module *m, const uint8_t *buf, size_t len,
                                      const aw_aot_exec *exec, aw_error *err)
{
    aw_span b = {buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len};
    return aw_module_attach_aot(m, aw_span_read, &b, 0, b.n, exec, err);
}

void aw_aot_module_free(aw_module *m)
{
    struct aw_aot_module *am = m->aot;
    if (!am) return;
    if (!am->in_place) am->exec.free(am->exec.ctx, am->image, am->size);
    aw_mem_free(&m->cfg, am->slots, (size_t)am->nslots * sizeof *am->slots);
    aw_mem_free(&m->cfg, am, sizeof *am);
    m->aot = NULL;
}

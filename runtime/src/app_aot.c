/* An app's native code and its guard-page memory, charged to its quota (app_aot.h). */
#include <stdio.h>

#include "app_aot.h"

#ifdef AKIRA_HAVE_EXEC_MEM
#include <akira/appstore.h>
#include <akira/exec_mem.h>

/* The executable memory of the code: charged before the port gives it. */
static void *exec_alloc(void *ctx, size_t size, size_t align)
{
    if (akira_quota_charge(ctx, size) != 0) return NULL;
    void *p = akira_exec_alloc(NULL, size, align);
    if (!p) akira_quota_release(ctx, size);
    return p;
}

static int exec_seal(void *ctx, void *p, size_t size)
{
    (void)ctx;
    return akira_exec_seal(NULL, p, size);
}

static void exec_free(void *ctx, void *p, size_t size)
{
    akira_exec_free(NULL, p, size);
    akira_quota_release(ctx, size);
}

/* An app's bytes in the app store lie in place on a memory-mapped flash (the store's
 * address, which the port confirms executable); no RAM is charged for code run there.
 * The app manager stops an app before its slot is erased (upgrade, uninstall). */
static const void *exec_in_place(void *ctx, aw_read_fn read, void *rctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    if (read != akira_appstore_ref_read) return NULL;
    return akira_exec_in_place(akira_appstore_ref_addr(rctx, off, len), len);
}

int akira_app_aot_attach(struct akira_quota *q, aw_module *mod, aw_read_fn read, void *rctx,
                         uint32_t off, uint32_t len, char *why, size_t whylen)
{
    aw_aot_exec x = {.alloc = exec_alloc,
                     .seal = exec_seal,
                     .free = exec_free,
                     .ctx = q,
                     .in_place = exec_in_place};
    aw_error err;
    size_t before = akira_quota_used(q);
    unsigned refused = atomic_load(&q->refused);
    if (aw_module_attach_aot(mod, read, rctx, off, len, &x, &err) == AW_OK) {
        snprintf(why, whylen, "%s", err.msg); /* a note, or empty */
        return 0;
    }
    if (err.status == AW_ERR_NOMEM && atomic_load(&q->refused) != refused)
        snprintf(why, whylen, "%s, which does not fit memory_quota (%zu bytes, %zu in use)",
                 err.msg, q->limit, before);
    else
        snprintf(why, whylen, "%s", err.msg);
    return -1;
}
#else
int akira_app_aot_attach(struct akira_quota *q, aw_module *mod, aw_read_fn read, void *rctx,
                         uint32_t off, uint32_t len, char *why, size_t whylen)
{
    (void)q, (void)mod, (void)read, (void)rctx, (void)off, (void)len;
    snprintf(why, whylen, "this board cannot run native code");
    return -1;
}
#endif

#ifdef AKIRA_HAVE_VMEM
#include <akira/vmem.h>

static void *vm_reserve(void *ctx, uint64_t bytes)
{
    (void)ctx;
    return akira_vmem_reserve(NULL, bytes);
}

static int vm_commit(void *ctx, void *base, uint64_t old_size, uint64_t new_size)
{
    uint64_t n = new_size - old_size;
    if (n > SIZE_MAX || akira_quota_charge(ctx, (size_t)n) != 0) return -1;
    if (akira_vmem_commit(NULL, base, old_size, new_size) != 0) {
        akira_quota_release(ctx, (size_t)n);
        return -1;
    }
    return 0;
}

static void vm_release(void *ctx, void *base, uint64_t bytes, uint64_t committed)
{
    akira_vmem_release(NULL, base, bytes, committed);
    akira_quota_release(ctx, (size_t)committed);
}

const aw_vmem *akira_app_aot_vmem(struct akira_quota *q, aw_vmem *storage)
{
    /* a fault in the guard pages becomes the trap (again in front of any handler set
     * since the last run) */
    if (akira_fault_hook_set(aw_aot_fault) != 0) return NULL;
    *storage =
        (aw_vmem){.reserve = vm_reserve, .commit = vm_commit, .release = vm_release, .ctx = q};
    return storage;
}

const aw_async_intr *akira_app_aot_async_intr(void)
{
    static const aw_async_intr hooks = {.self = akira_async_intr_self,
                                        .kick = akira_async_intr_kick};
    return akira_async_intr_set(aw_aot_interrupt_pc) == 0 ? &hooks : NULL;
}
#else
const aw_vmem *akira_app_aot_vmem(struct akira_quota *q, aw_vmem *storage)
{
    (void)q, (void)storage;
    return NULL;
}

const aw_async_intr *akira_app_aot_async_intr(void)
{
    return NULL;
}
#endif

/*
 * 64-bit atomics on ARMv7-M. The core has no 64-bit exclusive access (no LDREXD), so
 * GCC turns an _Atomic uint64_t operation into a call to libatomic's __atomic_*_8,
 * which the bare-metal toolchain does not ship. These are them: each one runs with
 * interrupts masked, which on a single core makes it atomic against threads and
 * handlers alike (a few instructions of masking; no handler uses 64-bit atomics).
 * Used by the layers above the kernel (the runtime's run-time stamps and counters).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <akira/cortex_m.h>

#pragma GCC diagnostic ignored "-Wbuiltin-declaration-mismatch"

uint64_t __atomic_load_8(const volatile void *p, int order)
{
    (void)order;
    uint32_t k = akira_cm_irq_lock();
    uint64_t v = *(const volatile uint64_t *)p;
    akira_cm_irq_unlock(k);
    return v;
}

void __atomic_store_8(volatile void *p, uint64_t v, int order)
{
    (void)order;
    uint32_t k = akira_cm_irq_lock();
    *(volatile uint64_t *)p = v;
    akira_cm_irq_unlock(k);
}

uint64_t __atomic_exchange_8(volatile void *p, uint64_t v, int order)
{
    (void)order;
    uint32_t k = akira_cm_irq_lock();
    uint64_t old = *(volatile uint64_t *)p;
    *(volatile uint64_t *)p = v;
    akira_cm_irq_unlock(k);
    return old;
}

bool __atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired, bool weak,
                                 int success, int failure)
{
    (void)weak;
    (void)success;
    (void)failure;
    uint64_t exp;
    memcpy(&exp, expected, sizeof exp);
    uint32_t k = akira_cm_irq_lock();
    uint64_t cur = *(volatile uint64_t *)p;
    bool same = cur == exp;
    if (same) *(volatile uint64_t *)p = desired;
    akira_cm_irq_unlock(k);
    if (!same) memcpy(expected, &cur, sizeof cur);
    return same;
}

#define FETCH_OP(name, op)                                                                         \
    uint64_t __atomic_fetch_##name##_8(volatile void *p, uint64_t v, int order)                    \
    {                                                                                              \
        (void)order;                                                                               \
        uint32_t k = akira_cm_irq_lock();                                                          \
        uint64_t old = *(volatile uint64_t *)p;                                                    \
        *(volatile uint64_t *)p = old op v;                                                        \
        akira_cm_irq_unlock(k);                                                                    \
        return old;                                                                                \
    }

FETCH_OP(add, +)
FETCH_OP(sub, -)
FETCH_OP(and, &)
FETCH_OP(or, |)
FETCH_OP(xor, ^)

/*
 * 64-bit atomics for ARMv7-M, which has no 64-bit exclusive load/store: GCC calls these
 * library functions for _Atomic uint64_t (libatomic is not shipped for bare metal).
 * One core: masking interrupts makes each operation atomic with respect to every
 * thread and handler. The memory-order argument is satisfied by the masking itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include <akira/cortex_m.h>

#pragma GCC diagnostic ignored "-Wbuiltin-declaration-mismatch"

uint64_t __atomic_load_8(const volatile void *p, int order)
{
    (void)order;
    uint32_t key = akira_cm_irq_lock();
    uint64_t v = *(const volatile uint64_t *)p;
    akira_cm_irq_unlock(key);
    return v;
}

void __atomic_store_8(volatile void *p, uint64_t v, int order)
{
    (void)order;
    uint32_t key = akira_cm_irq_lock();
    *(volatile uint64_t *)p = v;
    akira_cm_irq_unlock(key);
}

uint64_t __atomic_exchange_8(volatile void *p, uint64_t v, int order)
{
    (void)order;
    uint32_t key = akira_cm_irq_lock();
    uint64_t old = *(volatile uint64_t *)p;
    *(volatile uint64_t *)p = v;
    akira_cm_irq_unlock(key);
    return old;
}

bool __atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired, bool weak,
                                 int success, int failure)
{
    (void)weak;
    (void)success;
    (void)failure;
    uint32_t key = akira_cm_irq_lock();
    uint64_t cur = *(volatile uint64_t *)p;
    bool ok = cur == *(uint64_t *)expected;
    if (ok)
        *(volatile uint64_t *)p = desired;
    else
        *(uint64_t *)expected = cur;
    akira_cm_irq_unlock(key);
    return ok;
}

#define FETCH_OP(name, op)                                                                         \
    uint64_t __atomic_fetch_##name##_8(volatile void *p, uint64_t v, int order)                    \
    {                                                                                              \
        (void)order;                                                                               \
        uint32_t key = akira_cm_irq_lock();                                                        \
        uint64_t old = *(volatile uint64_t *)p;                                                    \
        *(volatile uint64_t *)p = old op v;                                                        \
        akira_cm_irq_unlock(key);                                                                  \
        return old;                                                                                \
    }
FETCH_OP(add, +)
FETCH_OP(sub, -)
FETCH_OP(and, &)
FETCH_OP(or, |)
FETCH_OP(xor, ^)

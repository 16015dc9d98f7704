/* One-time initialisation without a host threading library. Contention only happens
 * in the first microseconds of a subsystem's life, so waiting by yielding is enough. */
#include <stdatomic.h>

#include <akira/thread.h>

#include "kernel_internal.h"

void akira_once(akira_once_t *once, void (*fn)(void))
{
    if (atomic_load_explicit(&once->state, memory_order_acquire) == 2) return;
    int expected = 0;
    if (atomic_compare_exchange_strong(&once->state, &expected, 1)) {
        fn();
        atomic_store_explicit(&once->state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&once->state, memory_order_acquire) != 2)
        akira_yield();
}

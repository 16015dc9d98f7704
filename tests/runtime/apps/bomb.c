/* Hostile: grows linear memory and the app heap until refused, logs how far it got,
 * then traps as a careless app would on NULL. */
#include <akira/memory.h>

__attribute__((export_name("main"))) int main(void)
{
    int pages = 0;
    while (__builtin_wasm_memory_grow(0, 1) != (__SIZE_TYPE__)-1)
        pages++;
    int blocks = 0;
    while (akira_mem_alloc(4096) > 0)
        blocks++;
    akira_printf("bomb: %d pages, %d heap blocks, then refused\n", pages, blocks);
    __builtin_trap();
}

/*
 * `mem`: heap statistics - the system heap and the heaps the board registered (such
 * as the app heap pool).
 */
#include <inttypes.h>

#include <akira/heap.h>
#include <akira/shell.h>
#include <akira/shell_cmds.h>

static struct {
    const char *name;
    akira_heap_t *heap;
} heaps[AKIRA_SHELL_MEM_HEAPS_MAX];
static size_t heap_count;

int akira_shell_mem_heap_add(const char *name, akira_heap_t *heap)
{
    if (!name || !heap) return AKIRA_EINVAL;
    if (heap_count == AKIRA_SHELL_MEM_HEAPS_MAX) return AKIRA_ENOSPC;
    heaps[heap_count].name = name;
    heaps[heap_count].heap = heap;
    heap_count++;
    return 0;
}

static int cmd_mem(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_sys_heap_stats sys;
    int rc = akira_sys_heap_stats(&sys);
    if (rc == 0) {
        akira_shell_print(sh,
                          "system heap: total %zu, used %zu, free %zu (of which mmapped %zu) "
                          "bytes\n",
                          sys.total_bytes, sys.used_bytes, sys.free_bytes, sys.mmapped_bytes);
    } else {
        akira_shell_print(sh, "system heap: %s\n", akira_err_str(rc));
    }
    for (size_t i = 0; i < heap_count; i++) {
        struct akira_heap_stats st;
        akira_heap_stats_get(heaps[i].heap, &st);
        akira_shell_print(
            sh,
            "%s: total %zu, used %zu, free %zu, peak %zu, largest free %zu "
            "bytes; %zu live allocations, %" PRIu64 " allocations, %" PRIu64 " failures\n",
            heaps[i].name, st.total_bytes, st.used_bytes, st.free_bytes, st.peak_used_bytes,
            st.largest_free, st.alloc_count, st.total_allocs, st.failures);
    }
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(mem, "mem", "show heap statistics", NULL, cmd_mem, NULL, 0, 0);

/*
 * `ps`: the kernel's thread registry with each stack's high-water mark.
 */
#include <akira/shell.h>
#include <akira/thread.h>

#define PS_MAX 48

static int cmd_ps(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_thread_info info[PS_MAX];
    size_t total = akira_thread_list(info, PS_MAX);
    size_t shown = total < PS_MAX ? total : PS_MAX;
    akira_shell_print(sh, "%4s %-20s %-9s %4s %9s %9s %5s\n", "ID", "NAME", "STATE", "PRIO",
                      "STACK", "USED", "USE%");
    for (size_t i = 0; i < shown; i++) {
        const struct akira_thread_info *t = &info[i];
        akira_shell_print(sh, "%4u %-20s %-9s %4d ", (unsigned)t->id, t->name,
                          akira_thread_state_name(t->state), t->priority);
        if (t->stack_size == 0) {
            /* The adopted main thread's stack belongs to the host; its depth is unknown. */
            akira_shell_print(sh, "%9s %9s %5s\n", "-", "-", "-");
        } else {
            akira_shell_print(sh, "%9zu %9zu %4zu%%\n", t->stack_size, t->stack_used_max,
                              t->stack_used_max * 100 / t->stack_size);
        }
    }
    if (total > shown) akira_shell_print(sh, "... and %zu more\n", total - shown);
    akira_shell_print(sh, "%zu threads\n", total);
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(ps, "ps", "list threads: state, priority, stack size and use", NULL,
                         cmd_ps, NULL, 0, 0);

/*
 * Command registry: the descriptors the linker gathered into `akira_shell_cmds`.
 *
 * The section holds one pointer per AKIRA_SHELL_CMD_REGISTER, in link order. The
 * bounds are weak so a program without any command (a unit test of the editor) still
 * links; both are then NULL. Name order is computed on demand instead of sorting the
 * section, which is read-only after relocation; command counts are small (tens).
 */
#include <string.h>

#include <akira/shell.h>

extern const struct akira_shell_cmd *const __start_akira_shell_cmds[] __attribute__((weak));
extern const struct akira_shell_cmd *const __stop_akira_shell_cmds[] __attribute__((weak));

static size_t section_count(void)
{
    if (!__start_akira_shell_cmds) return 0;
    return (size_t)(__stop_akira_shell_cmds - __start_akira_shell_cmds);
}

size_t akira_shell_cmd_count(void)
{
    return section_count();
}

const struct akira_shell_cmd *akira_shell_cmd_at(size_t index)
{
    /* The index-th in name order is the one with exactly `index` names before it. */
    size_t n = section_count();
    for (size_t i = 0; i < n; i++) {
        const struct akira_shell_cmd *c = __start_akira_shell_cmds[i];
        size_t before = 0;
        for (size_t j = 0; j < n; j++) {
            int d = strcmp(__start_akira_shell_cmds[j]->name, c->name);
            if (d < 0 || (d == 0 && j < i)) before++;
        }
        if (before == index) return c;
    }
    return NULL;
}

const struct akira_shell_cmd *akira_shell_cmd_find(const char *name)
{
    size_t n = section_count();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(__start_akira_shell_cmds[i]->name, name) == 0)
            return __start_akira_shell_cmds[i];
    }
    return NULL;
}

const struct akira_shell_cmd *akira_shell_subcmd_find(const struct akira_shell_cmd *cmd,
                                                      const char *name)
{
    if (!cmd->subcmds) return NULL;
    for (const struct akira_shell_cmd *s = cmd->subcmds; s->name; s++) {
        if (strcmp(s->name, name) == 0) return s;
    }
    return NULL;
}

static bool cmd_valid(const struct akira_shell_cmd *c)
{
    if (!c->name || c->name[0] == '\0' || !c->help) return false;
    if (!c->handler && !c->subcmds) return false;
    if (c->min_args > c->max_args) return false;
    for (const char *p = c->name; *p; p++) {
        /* A name the tokenizer could split or complete badly is unusable. */
        if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '\\') return false;
    }
    return true;
}

/* Checks a subcommand array and, recursively, its children. */
static int check_subcmds(const struct akira_shell_cmd *list, const char **out)
{
    for (const struct akira_shell_cmd *s = list; s->name; s++) {
        if (!cmd_valid(s)) {
            if (out) *out = s->name;
            return AKIRA_EINVAL;
        }
        for (const struct akira_shell_cmd *t = list; t < s; t++) {
            if (strcmp(t->name, s->name) == 0) {
                if (out) *out = s->name;
                return AKIRA_EINVAL;
            }
        }
        if (s->subcmds) {
            int rc = check_subcmds(s->subcmds, out);
            if (rc) return rc;
        }
    }
    return 0;
}

int akira_shell_registry_check(const char **out)
{
    size_t n = section_count();
    for (size_t i = 0; i < n; i++) {
        const struct akira_shell_cmd *c = __start_akira_shell_cmds[i];
        if (!c || !cmd_valid(c)) {
            if (out) *out = c ? c->name : NULL;
            return AKIRA_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(__start_akira_shell_cmds[j]->name, c->name) == 0) {
                if (out) *out = c->name;
                return AKIRA_EINVAL;
            }
        }
        if (c->subcmds) {
            int rc = check_subcmds(c->subcmds, out);
            if (rc) return rc;
        }
    }
    return 0;
}

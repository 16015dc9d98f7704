/*
 * `help [COMMAND [SUBCOMMAND...]]`: the command list, or one command's usage, help
 * and subcommands.
 */
#include <stdio.h>
#include <string.h>

#include <akira/shell.h>

static void print_one(struct akira_shell *sh, const char *path, const struct akira_shell_cmd *cmd)
{
    akira_shell_print(sh, "%s - %s\n", path, cmd->help);
    akira_shell_usage_print(sh, path, cmd);
    if (!cmd->subcmds) return;
    akira_shell_puts(sh, "subcommands:\n");
    for (const struct akira_shell_cmd *s = cmd->subcmds; s->name; s++) {
        akira_shell_print(sh, "  %-12s %s\n", s->name, s->help);
    }
}

static int cmd_help(struct akira_shell *sh, int argc, char **argv)
{
    if (argc == 1) {
        akira_shell_puts(sh, "commands (help COMMAND for details):\n");
        for (size_t i = 0;; i++) {
            const struct akira_shell_cmd *c = akira_shell_cmd_at(i);
            if (!c) break;
            akira_shell_print(sh, "  %-12s %s\n", c->name, c->help);
        }
        return 0;
    }
    const struct akira_shell_cmd *cmd = akira_shell_cmd_find(argv[1]);
    if (!cmd) {
        akira_shell_print(sh, "help: no command '%s'\n", argv[1]);
        return AKIRA_EINVAL;
    }
    char path[AKIRA_SHELL_LINE_MAX];
    size_t n = (size_t)snprintf(path, sizeof(path), "%s", argv[1]);
    for (int i = 2; i < argc; i++) {
        const struct akira_shell_cmd *sub = akira_shell_subcmd_find(cmd, argv[i]);
        if (!sub) {
            akira_shell_print(sh, "help: '%s' has no subcommand '%s'\n", path, argv[i]);
            return AKIRA_EINVAL;
        }
        cmd = sub;
        if (n < sizeof(path)) n += (size_t)snprintf(path + n, sizeof(path) - n, " %s", argv[i]);
    }
    print_one(sh, path, cmd);
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(help, "help", "list the commands, or show one command's usage",
                         "[COMMAND [SUBCOMMAND...]]", cmd_help, NULL, 0, AKIRA_SHELL_ARGS_ANY);

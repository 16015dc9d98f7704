/*
 * Shell session: read a line, split it, find the (sub)command, check its arguments,
 * run it, repeat.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/shell.h>

#define PRINT_BUF 512

void akira_shell_puts(struct akira_shell *sh, const char *s)
{
    sh->io->write(sh->io->ctx, s, strlen(s));
}

void akira_shell_print(struct akira_shell *sh, const char *fmt, ...)
{
    char buf[PRINT_BUF];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(buf)) n = sizeof(buf) - 1;
    sh->io->write(sh->io->ctx, buf, (size_t)n);
}

/* One usage line: the command's own form when it has a handler, else (or when that
 * form is not spelled out) its subcommands, in brackets when the command also runs
 * without one. */
void akira_shell_usage_print(struct akira_shell *sh, const char *path,
                             const struct akira_shell_cmd *cmd)
{
    if (!cmd->subcmds || (cmd->handler && cmd->usage)) {
        akira_shell_print(sh, "usage: %s%s%s\n", path, cmd->usage ? " " : "",
                          cmd->usage ? cmd->usage : "");
        return;
    }
    akira_shell_print(sh, "usage: %s %s", path, cmd->handler ? "[" : "");
    for (const struct akira_shell_cmd *s = cmd->subcmds; s->name; s++) {
        akira_shell_print(sh, "%s%s", s == cmd->subcmds ? "{" : "|", s->name);
    }
    akira_shell_puts(sh, cmd->handler ? "} ...]\n" : "} ...\n");
}

void akira_shell_exit_request(struct akira_shell *sh, enum akira_shell_exit reason)
{
    sh->exit = reason;
    sh->exit_requested = true;
}

bool akira_shell_cancelled(const struct akira_shell *sh)
{
    return sh->io->cancelled && sh->io->cancelled(sh->io->ctx);
}

/* Appends a word to the command path shown in messages ("log level"). */
static void path_add(char *path, size_t cap, const char *word)
{
    size_t n = strlen(path);
    snprintf(path + n, cap - n, "%s%s", n ? " " : "", word);
}

int akira_shell_execute(struct akira_shell *sh, const char *line)
{
    char buf[AKIRA_SHELL_LINE_MAX];
    char *argv[AKIRA_SHELL_ARGV_MAX];
    size_t len = strnlen(line, sizeof(buf));
    if (len == sizeof(buf)) {
        akira_shell_puts(sh, "error: line too long\n");
        return AKIRA_EINVAL;
    }
    memcpy(buf, line, len + 1);

    int argc = akira_shell_tokenize(buf, argv, AKIRA_SHELL_ARGV_MAX);
    if (argc == AKIRA_EINVAL) {
        akira_shell_puts(sh, "error: unterminated quote or trailing backslash\n");
        return AKIRA_EINVAL;
    }
    if (argc < 0) {
        akira_shell_print(sh, "error: more than %d words\n", AKIRA_SHELL_ARGV_MAX);
        return argc;
    }
    if (argc == 0) return 0;

    const struct akira_shell_cmd *cmd = akira_shell_cmd_find(argv[0]);
    if (!cmd) {
        akira_shell_print(sh, "%s: unknown command\n", argv[0]);
        akira_shell_puts(sh, "usage: COMMAND [ARGS...]; 'help' lists the commands\n");
        return AKIRA_ENOENT;
    }
    char path[AKIRA_SHELL_LINE_MAX] = "";
    path_add(path, sizeof(path), argv[0]);
    int depth = 0;
    for (;;) {
        if (!cmd->subcmds || depth + 1 >= argc) break;
        const struct akira_shell_cmd *sub = akira_shell_subcmd_find(cmd, argv[depth + 1]);
        if (!sub) break;
        cmd = sub;
        depth++;
        path_add(path, sizeof(path), argv[depth]);
    }
    int nargs = argc - depth - 1;
    if (!cmd->handler) {
        if (nargs > 0)
            akira_shell_print(sh, "%s: unknown subcommand '%s'\n", path, argv[depth + 1]);
        else
            akira_shell_print(sh, "%s: missing subcommand\n", path);
        akira_shell_usage_print(sh, path, cmd);
        return AKIRA_EINVAL;
    }
    if (nargs < cmd->min_args || (cmd->max_args != AKIRA_SHELL_ARGS_ANY && nargs > cmd->max_args)) {
        akira_shell_print(sh, "%s: wrong number of arguments\n", path);
        akira_shell_usage_print(sh, path, cmd);
        return AKIRA_EINVAL;
    }
    int rc = cmd->handler(sh, argc - depth, argv + depth);
    if (rc == AKIRA_EINVAL) {
        akira_shell_usage_print(sh, path, cmd);
    } else if (rc < 0) {
        akira_shell_print(sh, "%s: %s\n", path, akira_err_str(rc));
    }
    return rc;
}

/* Completion: the candidates for the word after `prefix` are the top-level commands
 * when the prefix is empty, else the subcommands of the command it names. */
static const char *complete(void *ctx, const char *prefix, size_t prefix_len, size_t index)
{
    (void)ctx;
    char buf[AKIRA_SHELL_LINE_MAX];
    char *argv[AKIRA_SHELL_ARGV_MAX];
    if (prefix_len >= sizeof(buf)) return NULL;
    memcpy(buf, prefix, prefix_len);
    buf[prefix_len] = '\0';
    int argc = akira_shell_tokenize(buf, argv, AKIRA_SHELL_ARGV_MAX);
    if (argc < 0) return NULL;
    if (argc == 0) {
        const struct akira_shell_cmd *c = akira_shell_cmd_at(index);
        return c ? c->name : NULL;
    }
    const struct akira_shell_cmd *cmd = akira_shell_cmd_find(argv[0]);
    for (int i = 1; cmd && i < argc; i++)
        cmd = akira_shell_subcmd_find(cmd, argv[i]);
    if (!cmd || !cmd->subcmds) return NULL;
    for (const struct akira_shell_cmd *s = cmd->subcmds; s->name; s++) {
        if (index-- == 0) return s->name;
    }
    return NULL;
}

void akira_shell_init(struct akira_shell *sh, const struct akira_shell_io *io, const char *prompt)
{
    memset(sh, 0, sizeof(*sh));
    sh->io = io;
    sh->prompt = prompt;
    akira_shell_edit_init(&sh->edit, io, complete, sh);
}

enum akira_shell_exit akira_shell_run(struct akira_shell *sh)
{
    sh->exit_requested = false;
    sh->exit = AKIRA_SHELL_EXIT_EOF;
    while (!sh->exit_requested && !akira_shell_cancelled(sh)) {
        if (akira_shell_edit_readline(&sh->edit, sh->prompt) == AKIRA_SHELL_EDIT_EOF) break;
        if (akira_shell_edit_overflowed(&sh->edit)) {
            akira_shell_print(sh, "error: line longer than %d bytes, not run\n",
                              AKIRA_SHELL_LINE_MAX - 1);
            sh->last_status = AKIRA_EINVAL;
            continue;
        }
        sh->last_status = akira_shell_execute(sh, akira_shell_edit_line(&sh->edit));
    }
    return sh->exit_requested ? sh->exit : AKIRA_SHELL_EXIT_EOF;
}

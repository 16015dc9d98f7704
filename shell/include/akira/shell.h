/*
 * Shell: command registry and sessions.
 *
 * Any layer above the kernel adds commands with AKIRA_SHELL_CMD_REGISTER in one of its
 * source files; the macro places a pointer to the descriptor in the linker section
 * `akira_shell_cmds`, and the registry walks that section through the linker-made
 * __start_/__stop_ symbols. There is no central list to edit.
 *
 * Link rule: a static library member that only holds registrations is dropped by the
 * linker, because nothing references it. Build command files into an OBJECT library,
 * or link their static library with $<LINK_LIBRARY:WHOLE_ARCHIVE,lib> (see
 * shell/CMakeLists.txt and docs/shell.md).
 *
 * Handlers run on the session's thread (the board console's main thread, later a
 * network session thread), one at a time per session. They print through
 * akira_shell_print() and return 0 on success or a negative akira_err_t. A handler
 * that returns AKIRA_EINVAL has rejected its arguments: the session prints the
 * command's usage line. Handlers must not change anything before they have checked
 * all their arguments.
 */
#ifndef AKIRA_SHELL_H
#define AKIRA_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/err.h>
#include <akira/shell_edit.h>
#include <akira/shell_io.h>

/* Most words a command line may have (command and subcommands included). */
#define AKIRA_SHELL_ARGV_MAX 16
/* max_args value for "any number". */
#define AKIRA_SHELL_ARGS_ANY 0xff

struct akira_shell;

/* argv[0] is the (sub)command's own name; argv[1..argc-1] its arguments. */
typedef int (*akira_shell_handler_t)(struct akira_shell *sh, int argc, char **argv);

struct akira_shell_cmd {
    const char *name;
    const char *help;  /* one line, shown by `help` */
    const char *usage; /* the arguments after the name, e.g. "MODULE LEVEL"; NULL: none */
    /* Runs the command. May be NULL when subcmds is set: the command is then only a
     * group, and a missing or unknown subcommand is a usage error. */
    akira_shell_handler_t handler;
    /* Subcommands: an array ended by an entry with name == NULL (AKIRA_SHELL_SUBCMDS).
     * A word after the command that names a subcommand selects it; otherwise the
     * command's own handler gets the words as arguments. */
    const struct akira_shell_cmd *subcmds;
    /* Argument count bounds (words after the name), checked before the handler runs;
     * outside them the session prints the usage line and does not call it. */
    uint8_t min_args;
    uint8_t max_args;
};

/* A descriptor for subcommand arrays and for AKIRA_SHELL_CMD_REGISTER. */
#define AKIRA_SHELL_CMD(name_, help_, usage_, handler_, subcmds_, min_, max_)                      \
    {                                                                                              \
        .name = (name_), .help = (help_), .usage = (usage_), .handler = (handler_),                \
        .subcmds = (subcmds_), .min_args = (min_), .max_args = (max_)                              \
    }

/* Defines `static const struct akira_shell_cmd sym[]` from AKIRA_SHELL_CMD entries,
 * with the terminating entry added. */
#define AKIRA_SHELL_SUBCMDS(sym, ...)                                                              \
    static const struct akira_shell_cmd sym[] = {__VA_ARGS__, {.name = NULL}}

/*
 * Registers a top-level command at build time (file scope):
 *   AKIRA_SHELL_CMD_REGISTER(uptime, "uptime", "time since boot", NULL, cmd_uptime, NULL, 0, 0);
 * sym is a unique C identifier for the descriptor. Pointers (not descriptors) go into
 * the section: a pointer's size equals its alignment, so the section is a dense array
 * whatever padding a compiler or sanitizer would give a larger object.
 */
#define AKIRA_SHELL_CMD_REGISTER(sym, name_, help_, usage_, handler_, subcmds_, min_, max_)        \
    static const struct akira_shell_cmd akira_shell_cmd_##sym =                                    \
        AKIRA_SHELL_CMD(name_, help_, usage_, handler_, subcmds_, min_, max_);                     \
    static const struct akira_shell_cmd *const akira_shell_cmd_ptr_##sym                           \
        __attribute__((section("akira_shell_cmds"), used, aligned(sizeof(void *)))) =              \
            &akira_shell_cmd_##sym

/* --- Registry ------------------------------------------------------------------ */

/* Number of registered top-level commands. */
size_t akira_shell_cmd_count(void);
/* The index-th registered command in name order, or NULL past the end. */
const struct akira_shell_cmd *akira_shell_cmd_at(size_t index);
/* The top-level command called name, or NULL. */
const struct akira_shell_cmd *akira_shell_cmd_find(const char *name);
/* The subcommand of cmd called name, or NULL. */
const struct akira_shell_cmd *akira_shell_subcmd_find(const struct akira_shell_cmd *cmd,
                                                      const char *name);
/* Checks the registrations: every command has a name, a handler or subcommands, sane
 * argument bounds, and no two commands (or two subcommands of one command) share a
 * name. Returns 0 or AKIRA_EINVAL; the board calls it at boot and refuses to start a
 * shell with a broken table. If out is not NULL, the first offending name is stored. */
int akira_shell_registry_check(const char **out);

/* --- Tokenizer ------------------------------------------------------------------ */

/*
 * Splits line in place into words separated by spaces or tabs. "double quotes" group
 * words and understand \" and \\; 'single quotes' group words literally; a backslash
 * outside quotes escapes the next character. Quotes may join words: a"b c" is one word
 * `ab c`. Returns the number of words (0 for a blank line), AKIRA_EINVAL for an
 * unterminated quote or a trailing backslash, AKIRA_ETOOBIG when there are more than
 * argv_max words. argv entries point into line.
 */
int akira_shell_tokenize(char *line, char **argv, int argv_max);

/* --- Argument helpers --------------------------------------------------------------- */

/* Parses a decimal unsigned number (digits only, no sign, no spaces) in [min, max].
 * 0 and *out, or AKIRA_EINVAL (not a number, or out of range). For handlers. */
int akira_shell_arg_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* --- Sessions ------------------------------------------------------------------- */

/* Why a session ended. */
enum akira_shell_exit {
    AKIRA_SHELL_EXIT_EOF = 0,  /* input ended (EOF, closed connection, cancelled) */
    AKIRA_SHELL_EXIT_POWEROFF, /* the `poweroff` command */
    AKIRA_SHELL_EXIT_REBOOT,   /* the `reboot` command */
};

struct akira_shell {
    const struct akira_shell_io *io;
    const char *prompt;
    enum akira_shell_exit exit;
    bool exit_requested;
    int last_status; /* the last command's result */
    struct akira_shell_edit edit;
};

/* Prepares a session on io with the given prompt (e.g. "akira> "). */
void akira_shell_init(struct akira_shell *sh, const struct akira_shell_io *io, const char *prompt);

/* Reads and runs lines until input ends or a command asks the session to end.
 * Blocks in io->read_char. The caller acts on the answer (the board powers off or
 * reboots; a network server closes the connection). */
enum akira_shell_exit akira_shell_run(struct akira_shell *sh);

/* Tokenizes and runs one line. Returns the command's result: 0, or a negative
 * akira_err_t (AKIRA_ENOENT for an unknown command, AKIRA_EINVAL for bad arguments -
 * both with a message and the usage printed). A blank line returns 0. */
int akira_shell_execute(struct akira_shell *sh, const char *line);

/* Asks the session to end after the current command with reason. */
void akira_shell_exit_request(struct akira_shell *sh, enum akira_shell_exit reason);

/* True when the session's owner wants it to stop (io->cancelled); commands that wait
 * (sleep) poll it. */
bool akira_shell_cancelled(const struct akira_shell *sh);

/* Output for handlers: printf-style, to the session's stream. Output longer than an
 * internal 512-byte buffer is cut (a handler printing a table prints row by row). */
void akira_shell_print(struct akira_shell *sh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes s unformatted, whatever its length. */
void akira_shell_puts(struct akira_shell *sh, const char *s);

/* Prints "usage: <path> <usage>" for cmd; path is the words that named it
 * (e.g. "log level"). */
void akira_shell_usage_print(struct akira_shell *sh, const char *path,
                             const struct akira_shell_cmd *cmd);

#endif /* AKIRA_SHELL_H */

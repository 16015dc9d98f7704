/*
 * `log`: the kernel log's RAM ring buffer and the per-module levels.
 *   log                        print the entries still in the ring, oldest first
 *   log clear                  empty the ring
 *   log level                  list the modules and their levels
 *   log level MODULE LEVEL     set a module's level; MODULE "default" sets the global
 *                              default every module without its own level follows
 */
#include <inttypes.h>
#include <string.h>

#include <akira/log.h>
#include <akira/shell.h>

static int cmd_log_show(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t cursor = 0;
    struct akira_log_entry e;
    char line[AKIRA_LOG_MSG_MAX + AKIRA_LOG_MODULE_NAME_MAX + 40];
    uint64_t shown = 0;
    while (akira_log_read(&cursor, &e) == 0) {
        akira_log_format(&e, line, sizeof(line));
        akira_shell_print(sh, "%s\n", line);
        shown++;
    }
    struct akira_log_stats st;
    akira_log_stats_get(&st);
    akira_shell_print(
        sh, "-- %" PRIu64 " entries shown, %" PRIu64 " written, %" PRIu64 " dropped (ring of %u)\n",
        shown, st.written, st.dropped, (unsigned)st.capacity);
    return 0;
}

static int cmd_log_clear(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    akira_log_clear();
    return 0;
}

static void print_module(const char *name, enum akira_log_level level, bool follows_default,
                         void *user)
{
    akira_shell_print(user, "  %-16s %s%s\n", name, akira_log_level_name(level),
                      follows_default ? " (default)" : "");
}

static int cmd_log_level(struct akira_shell *sh, int argc, char **argv)
{
    if (argc == 1) {
        akira_shell_print(sh, "default level: %s\n",
                          akira_log_level_name(akira_log_default_level_get()));
        akira_log_module_foreach(print_module, sh);
        return 0;
    }
    if (argc != 3) return AKIRA_EINVAL;
    int level = akira_log_level_parse(argv[2]);
    if (level < 0) {
        akira_shell_print(sh, "log level: '%s' is not a level (none, err, wrn, inf, dbg)\n",
                          argv[2]);
        return AKIRA_EINVAL;
    }
    if (strcmp(argv[1], "default") == 0) {
        return akira_log_default_level_set((enum akira_log_level)level);
    }
    int rc = akira_log_level_set(argv[1], (enum akira_log_level)level);
    if (rc == AKIRA_ENOENT) {
        akira_shell_print(sh, "log level: no module '%s' ('log level' lists them)\n", argv[1]);
        return AKIRA_EINVAL;
    }
    return rc;
}

AKIRA_SHELL_SUBCMDS(log_sub,
                    AKIRA_SHELL_CMD("level", "list module levels, or set one", "[MODULE LEVEL]",
                                    cmd_log_level, NULL, 0, 2),
                    AKIRA_SHELL_CMD("clear", "empty the log ring buffer", NULL, cmd_log_clear, NULL,
                                    0, 0));

AKIRA_SHELL_CMD_REGISTER(log, "log", "show the log ring buffer; set log levels", NULL, cmd_log_show,
                         log_sub, 0, 0);

/*
 * native_sim internals shared by the board's own files (not a public header).
 */
#ifndef BOARD_NATIVE_SIM_BOARD_H
#define BOARD_NATIVE_SIM_BOARD_H

#include <stdbool.h>

#include <akira/log.h>
#include <akira/native_sim.h>
#include <akira/shell.h>

/* options.c: make o the options akira_board_options() answers (main, before devices). */
void board_options_commit(const struct akira_board_options *o);

/* signals.c: SIGTERM, SIGINT and SIGHUP request a clean shutdown; fatal signals
 * restore the terminal first. */
int board_signals_init(void);
/* Readable once a shutdown signal arrived (for poll). */
int board_signals_fd(void);
/* The shutdown signal received, or 0. */
int board_signals_pending(void);

/* console.c: the shell session's stream on stdin/stdout. */
/* Puts a terminal in raw mode (restored at exit and on fatal signals). */
void board_console_open(void);
/* Async-signal-safe: gives the terminal its original mode back. */
void board_console_restore(void);
const struct akira_shell_io *board_console_io(void);
/* Lets log lines printed while the user types redraw the line being edited. NULL
 * detaches (before the session goes away). */
void board_console_attach(struct akira_shell *sh);
/* Console output outside a session (boot lines), serialized with everything else. */
void board_console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log sink: prints each entry as a line on the console. */
void board_console_log_sink(const struct akira_log_entry *e, void *user);

/* reset.c: the firmware's arguments (main, first thing); whether akira-boot started
 * it; exec the bootloader (or the firmware alone) again. board_reset_exec returns only
 * when the exec failed; it is async-signal-safe. */
void board_reset_init(char **argv);
bool board_reset_to_boot(void);
void board_reset_exec(void);

#endif /* BOARD_NATIVE_SIM_BOARD_H */

/*
 * Shell I/O: the byte stream a shell session talks through.
 *
 * The shell never touches a file descriptor or a socket; it reads one byte at a time
 * and writes buffers through this table, so the same session code serves the board
 * console (stdin/stdout) and later a TCP session. The owner of the stream (the board,
 * a network server) fills the table and keeps it alive while a session uses it.
 *
 * Calls come from the one thread that runs the session; implementations need not be
 * reentrant.
 */
#ifndef AKIRA_SHELL_IO_H
#define AKIRA_SHELL_IO_H

#include <stdbool.h>
#include <stddef.h>

/* read_char's "no more input" answer: end of file, connection closed, or the owner
 * asked the session to end (shutdown). */
#define AKIRA_SHELL_IO_EOF (-1)

struct akira_shell_io {
    /* Blocks until one byte arrives and returns it (0..255), or AKIRA_SHELL_IO_EOF.
     * After EOF the session ends; it is not called again. */
    int (*read_char)(void *ctx);
    /* Writes all len bytes, blocking as needed. Returns 0, or a negative error when
     * the stream is gone (the session then ends at its next read). Command output
     * ends lines with "\n" alone: a stream to a terminal that needs CR LF adds the CR
     * (the native_sim console leaves that to the tty's output processing; a network
     * session must do it itself). */
    int (*write)(void *ctx, const char *buf, size_t len);
    /* Optional (may be NULL): true once the owner wants the session to stop, e.g. a
     * shutdown signal. Long-running commands (sleep) poll it to return early. */
    bool (*cancelled)(void *ctx);
    /* Optional (may be NULL): the terminal's width in columns, asked at the start of
     * each line; NULL or 0 means 80. Lines longer than the width wrap correctly only
     * when this is right. */
    unsigned (*columns)(void *ctx);
    void *ctx;
    /* A terminal at the other end: the editor prints the prompt, echoes keys and
     * uses VT100 escape sequences. When false, lines are read plainly: no prompt, no
     * echo, no escape codes, so piped scripts produce clean output. */
    bool interactive;
};

#endif /* AKIRA_SHELL_IO_H */

/*
 * The board console: the shell session's stream on stdin/stdout, and the log sink.
 *
 * On a terminal, stdin goes to raw mode (keys arrive one by one, no echo, Ctrl-C is a
 * key for the line editor instead of SIGINT) and is restored at exit and on fatal
 * signals. Output post-processing stays on, so "\n" still reaches the screen as CR LF.
 *
 * Input is read one byte per read(): nothing is buffered in the process, so after a
 * `reboot` (exec) the new image reads exactly the bytes the old one left.
 *
 * Log lines come from any thread while the main thread may be in the middle of a line
 * the user is typing. All output takes one (recursive) lock. While the main thread is
 * blocked waiting for a key (at_prompt), the editor's state is stable, so a log line
 * may erase the prompt line, print itself and redraw the prompt with the typed text.
 * The main thread takes the same lock to leave the wait, so it never edits while a log
 * line is redrawing.
 */
#define _GNU_SOURCE /* pipe2, recursive mutex initializer */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "board.h"

static struct {
    pthread_mutex_t lock;
    bool tty;
    volatile sig_atomic_t raw; /* read by the fatal-signal handler */
    struct termios saved;
    bool at_prompt;
    struct akira_shell *shell;
    struct akira_shell_io io;
} con = {.lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP};

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return AKIRA_EIO;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int con_write(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    pthread_mutex_lock(&con.lock);
    int rc = write_all(STDOUT_FILENO, buf, len);
    pthread_mutex_unlock(&con.lock);
    return rc;
}

static void set_at_prompt(bool v)
{
    pthread_mutex_lock(&con.lock);
    con.at_prompt = v;
    pthread_mutex_unlock(&con.lock);
}

static int con_read_char(void *ctx)
{
    (void)ctx;
    int ch = AKIRA_SHELL_IO_EOF;
    set_at_prompt(true);
    for (;;) {
        struct pollfd fds[2] = {
            {.fd = STDIN_FILENO, .events = POLLIN},
            {.fd = board_signals_fd(), .events = POLLIN},
        };
        if (board_signals_pending()) break;
        int n = poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents) break; /* shutdown signal */
        if (!fds[0].revents) continue;
        unsigned char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r == 1) {
            ch = c;
            break;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        break; /* EOF or error: the console is gone */
    }
    set_at_prompt(false);
    return ch;
}

static unsigned con_columns(void *ctx)
{
    (void)ctx;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}

static bool con_cancelled(void *ctx)
{
    (void)ctx;
    return board_signals_pending() != 0;
}

void board_console_restore(void)
{
    if (con.raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &con.saved);
        con.raw = 0;
    }
}

static void restore_at_exit(void)
{
    board_console_restore();
}

void board_console_open(void)
{
    con.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    con.io.read_char = con_read_char;
    con.io.write = con_write;
    con.io.cancelled = con_cancelled;
    con.io.columns = con_columns;
    con.io.ctx = NULL;
    con.io.interactive = con.tty;
    if (!con.tty || tcgetattr(STDIN_FILENO, &con.saved) != 0) {
        con.io.interactive = false;
        return;
    }
    struct termios raw = con.saved;
    raw.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INLCR | IGNCR | ISTRIP | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG | IEXTEN);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    /* TCSANOW, not TCSAFLUSH: keys typed while booting must not be thrown away. */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) {
        con.io.interactive = false;
        return;
    }
    con.raw = 1;
    atexit(restore_at_exit);
}

const struct akira_shell_io *board_console_io(void)
{
    return &con.io;
}

void board_console_attach(struct akira_shell *sh)
{
    pthread_mutex_lock(&con.lock);
    con.shell = sh;
    pthread_mutex_unlock(&con.lock);
}

void board_console_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(buf)) n = sizeof(buf) - 1;
    con_write(NULL, buf, (size_t)n);
}

void board_console_log_sink(const struct akira_log_entry *e, void *user)
{
    (void)user;
    char line[AKIRA_LOG_MSG_MAX + AKIRA_LOG_MODULE_NAME_MAX + 48];
    int n = akira_log_format(e, line, sizeof(line) - 1);
    if (n < 0) return;
    if ((size_t)n > sizeof(line) - 2) n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    pthread_mutex_lock(&con.lock);
    bool redraw = con.at_prompt && con.shell && con.io.interactive;
    /* Erase the prompt and typed text, print the log line, put them back below it. */
    if (redraw) akira_shell_edit_hide(&con.shell->edit);
    write_all(STDOUT_FILENO, line, (size_t)n);
    if (redraw) akira_shell_edit_redraw(&con.shell->edit);
    pthread_mutex_unlock(&con.lock);
}

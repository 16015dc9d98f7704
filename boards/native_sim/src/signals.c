/*
 * Host signals as device events.
 *
 * SIGTERM, SIGINT and SIGHUP ask for a clean shutdown: the handler only records the
 * signal and writes a byte into a pipe (the self-pipe trick), because the main thread
 * sleeps in poll() on stdin and that pipe, and nothing else is safe in a handler. A
 * flag alone could be missed between the check and the poll.
 *
 * Fatal signals (a crash) must not leave the user's terminal in raw mode: their
 * handler restores it and hands the signal back to the previous disposition (the
 * default action, or the sanitizer's reporter).
 */
#define _GNU_SOURCE /* pipe2, recursive mutex initializer */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <akira/err.h>

#include "board.h"

static int pipe_fds[2] = {-1, -1};
static volatile sig_atomic_t pending;

static const int shutdown_signals[] = {SIGTERM, SIGINT, SIGHUP};
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
static struct sigaction fatal_old[sizeof(fatal_signals) / sizeof(fatal_signals[0])];

static void on_shutdown(int sig)
{
    int saved = errno;
    if (!pending) pending = sig;
    char b = 1;
    /* Non-blocking: if the pipe is full a wake-up is already pending. */
    ssize_t r = write(pipe_fds[1], &b, 1);
    (void)r;
    errno = saved;
}

static void on_fatal(int sig)
{
    board_console_restore();
    /* Under akira-boot a fault resets the device into the bootloader (an image that
     * crashes in test boot is reverted there). */
    if (board_reset_to_boot()) board_reset_exec();
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
        if (fatal_signals[i] != sig) continue;
        sigaction(sig, &fatal_old[i], NULL);
        /* A fault re-executes the faulting instruction when we return and reaches the
         * previous handler; a sent signal (abort, kill) must be raised again. */
        if (sig == SIGABRT) raise(sig);
        return;
    }
}

int board_signals_init(void)
{
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return AKIRA_EIO;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocked read returns EINTR and the loop re-checks the pipe. */
    sa.sa_handler = on_shutdown;
    for (size_t i = 0; i < sizeof(shutdown_signals) / sizeof(shutdown_signals[0]); i++) {
        if (sigaction(shutdown_signals[i], &sa, NULL) != 0) return AKIRA_EIO;
    }
    sa.sa_handler = on_fatal;
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
        if (sigaction(fatal_signals[i], &sa, &fatal_old[i]) != 0) return AKIRA_EIO;
    }
    /* A closed stdout must end the session through a write error, not kill the
     * device mid-shutdown. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int board_signals_fd(void)
{
    return pipe_fds[0];
}

int board_signals_pending(void)
{
    return pending;
}

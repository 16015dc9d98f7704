/*
 * The console on UART0: polled output for everything the kernel prints (log lines,
 * shell output, fault reports), "\n" sent as CR LF for the terminal at the other end;
 * input by interrupt, one byte at a time to the shell session.
 */
#include <stdarg.h>
#include <stdio.h>

#include <akira/cortex_m.h>
#include <akira/clock.h>
#include <akira/shell_io.h>

#include "board.h"
#include "uart.h"

void board_console_early_init(void)
{
    cmsdk_uart_hw_init(&uart0_dev);
}

void akira_cm_console_out(const char *s, size_t len)
{
    /* Preemption off (interrupts stay on): lines from different threads do not mix. */
    bool threads = !akira_cm_in_isr();
    if (threads) akira_cm_sched_lock();
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') cmsdk_uart_poll_out(&uart0_dev, '\r');
        cmsdk_uart_poll_out(&uart0_dev, (uint8_t)s[i]);
    }
    if (threads) akira_cm_sched_unlock();
}

void board_console_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(buf)) n = (int)sizeof(buf) - 1;
    akira_cm_console_out(buf, (size_t)n);
}

static int con_read_char(void *ctx)
{
    (void)ctx;
    for (;;) {
        uint8_t c;
        if (cmsdk_uart_rx_take(&uart0_dev, &c, 1) == 1) return c;
        akira_cm_signal_wait(&uart0_dev.rx_signal, AKIRA_FOREVER);
    }
}

static int con_write(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    akira_cm_console_out(buf, len);
    return 0;
}

const struct akira_shell_io *board_console_io(void)
{
    static struct akira_shell_io io;
    io.read_char = con_read_char;
    io.write = con_write;
    io.cancelled = NULL;
    io.columns = NULL;
    io.ctx = NULL;
    io.interactive = !board_options()->plain;
    return &io;
}

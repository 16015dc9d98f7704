/*
 * echo: sends "hello N" lines on uart0 and logs each line that comes back; on
 * native_sim uart0 is looped back, so every line returns. Five round trips, driven by
 * the UART's RX_READY events; nothing ever waits on the UART itself.
 */
#include <akira/akira.h>

#define ROUNDS 5

static int32_t uart;
static char line[64];
static uint32_t have;
static int round_no;

static void send_next(void)
{
    char msg[] = "hello 0\n";
    msg[6] = (char)('0' + ++round_no);
    int32_t n = akira_uart_write(uart, msg, sizeof msg - 1);
    if (n != (int32_t)sizeof msg - 1) akira_printf("echo: write gave %d\n", (int)n);
}

__attribute__((export_name("main"))) int app_main(void)
{
    uart = akira_uart_open("uart0", 5);
    if (uart < 0) {
        akira_printf("echo: cannot open uart0: %d\n", (int)uart);
        return 1;
    }
    send_next();
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)c;
    if (type != AKIRA_EVENT_UART || !(b & AKIRA_UART_EVT_RX_READY)) return;
    int32_t n;
    char buf[32];
    while ((n = akira_uart_read(uart, buf, sizeof buf)) > 0) {
        for (int32_t i = 0; i < n; i++) {
            if (buf[i] != '\n') {
                if (have < sizeof line - 1) line[have++] = buf[i];
                continue;
            }
            line[have] = '\0';
            akira_printf("echo: got back '%s'\n", line);
            have = 0;
            if (round_no < ROUNDS) {
                send_next();
            } else {
                akira_printf("echo: %d round trips\n", ROUNDS);
                akira_uart_close(uart);
            }
        }
    }
}

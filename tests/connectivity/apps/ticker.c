/* The HTTP app tests' app: logs "ticker up", then "tick N" every 100 ms, ends on STOP
 * returning the tick count. Built with TICKER_PAD=N it carries N bytes of read-only
 * data, which makes a package of a chosen size (the 200 KB upload benchmark). */
#include <akira/lifecycle.h>

#ifdef TICKER_PAD
static const unsigned char pad[TICKER_PAD] = {[0 ... TICKER_PAD - 1] = 0x5a};
#endif

__attribute__((export_name("run"))) int run(void)
{
    struct akira_event ev;
    int ticks = 0;
    akira_printf("ticker up\n");
    for (;;) {
        int r = akira_event_wait(&ev, 100);
        if (r < 0) return r;
        if (r == 0) {
            ticks++;
#ifdef TICKER_PAD
            akira_printf("tick %d (%d)\n", ticks, pad[(unsigned)ticks % TICKER_PAD]);
#else
            akira_printf("tick %d\n", ticks);
#endif
            continue;
        }
        if (ev.type == AKIRA_EVENT_STOP) return ticks;
    }
}

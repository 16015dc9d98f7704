/* Hostile app: a write-wear loop. Flips one settings key between two values and
 * rewrites one small file, as fast as it can, for at most 5000 rounds or until both
 * fail; reports "wear_loop: R rounds, N settings writes, M file rewrites, then E F",
 * then keeps trying for 50 more rounds (all must be refused while its budget is spent)
 * and reports "wear_loop: K of 50 retries refused". Contained when E and F are
 * AKIRA_EAGAIN (write budget spent) long before 5000 rounds. On each RESUME it tries
 * one more set ("wear_loop: after a pause, set gave R": 0 once the budget refilled). */
#include <akira/akira.h>

#define S(lit) lit, (uint32_t)(sizeof(lit) - 1)

static int32_t rewrite(int i)
{
    int32_t fd = akira_fs_open(S("state.bin"), AKIRA_O_WRITE | AKIRA_O_CREATE | AKIRA_O_TRUNC);
    if (fd < 0) return fd;
    int32_t w = akira_fs_write(fd, (i & 1) ? "odd-state" : "even-state", 9);
    int32_t c = akira_fs_close(fd);
    return w < 0 ? w : c;
}

__attribute__((export_name("main"))) int app_main(void)
{
    int sets = 0, files = 0, refused = 0, i;
    int32_t a = 0, b = 0;
    for (i = 0; i < 5000 && (a == 0 || b == 0); i++) {
        a = akira_settings_set(S("counter"), (i & 1) ? "odd" : "even", (i & 1) ? 3 : 4);
        b = rewrite(i);
        sets += a == 0;
        files += b == 0;
    }
    akira_printf("wear_loop: %d rounds, %d settings writes, %d file rewrites, then %d %d\n", i,
                 sets, files, (int)a, (int)b);
    for (i = 0; i < 50; i++) {
        a = akira_settings_set(S("counter"), (i & 1) ? "odd" : "even", (i & 1) ? 3 : 4);
        b = rewrite(i);
        refused += a == AKIRA_EAGAIN && b == AKIRA_EAGAIN;
    }
    akira_printf("wear_loop: %d of 50 retries refused\n", refused);
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r > 0 && ev.type == AKIRA_EVENT_STOP) return 0;
        if (r > 0 && ev.type == AKIRA_EVENT_RESUME)
            akira_printf("wear_loop: after a pause, set gave %d\n",
                         (int)akira_settings_set(S("counter"), "rested", 6));
    }
}

/* A second upstream-style RF app on the node where uprf holds the radio: rf_select is
 * -EBUSY (the holder named in its log); then the libc-style helpers realloc and strtod,
 * and exit(3). Started again once uprf is stopped, it gets the radio and passes a
 * payload outside memory to rf_send, which traps (upstream's `*`). */
#include "up_radio.h"

static unsigned char buf[64];
static char *volatile nil = 0; /* hidden from the compiler: realloc stays realloc */
static const char *volatile nums[] = {
    "3.25",   "-0.5e3", "1e-3x", "  +42", "inf",
    "-NaN",   "1e400",  "abc",   ".5",    "12345678901234567890123",
    "0x10",   "1e+",    "   ",   "1.5E2", "2.5e-3",
    "-1e-400"};

int main(void)
{
    int sel = rf_select(1);
    R("rf_select_held", sel);
    if (sel == 0) {
        R("rf_send_oob", rf_send(BAD_PTR, 4)); /* traps */
        printf("uprf2: not reached\n");
        return 0;
    }
    R("rf_set_frequency_held", rf_set_frequency(2410000000u));
    R("rf_send_held", rf_send("x", 1));
    R("rf_get_rssi_held", rf_get_rssi());
    R("rf_set_power_held", rf_set_power(5));
    R("rf_recv_pop_held", rf_recv_pop(buf, sizeof buf, 0));
    R("rf_receive_held", rf_receive(buf, sizeof buf, 10));
    /* realloc: grows keep the bytes, a shrink stays, 0 frees, a foreign pointer is 0 */
    char *p = realloc(nil, 10);
    R("realloc_null", p != 0);
    for (int i = 0; i < 10; i++)
        p[i] = (char)('a' + i);
    char *q = realloc(p, 200);
    R("realloc_grow", q != 0 && q != p);
    R("realloc_kept", q && q[0] == 'a' && q[9] == 'j');
    R("realloc_shrink", realloc(q, 20) == q);
    R("realloc_same", realloc(q, 32) == q);
    R("realloc_interior", realloc(q + 32, 64) == 0);
    R("realloc_huge", realloc(q, 0x7FFFFFFF) == 0);
    R("realloc_kept_after_fail", q[3] == 'd');
    R("realloc_zero", realloc(q, 0) == 0);
    R("realloc_freed", realloc(q, 64) == 0); /* no longer a live block */
    /* strtod: value x 1000 and where it stopped */
    for (int i = 0; i < 16; i++) {
        char *end = 0;
        double v = strtod(nums[i], &end);
        long long milli = v != v      ? -7777
                          : v > 1e18  ? 8888
                          : v < -1e18 ? -8888
                                      : (long long)(v * 1000);
        printf("strtod_%d: %d end %d\n", i, (int)milli, (int)(end - nums[i]));
    }
    char *big = malloc(100);
    R("strtod_null_end", (int)strtod("7.5", 0));
    free(big);
    printf("uprf2: exiting\n");
    exit(3);
    printf("uprf2: not reached\n");
    return 0;
}

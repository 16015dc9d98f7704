/* Hostile app: a settings-record bomb. Sets keys k0, k1, ... with one-byte values until
 * a call fails, then makes every key it got as big as it may (256 bytes) until a call
 * fails, and reports "settings_bomb: N keys, then E; M grown, then F". Contained when
 * E and F are AKIRA_EQUOTA at its own share. */
#include <akira/akira.h>

static char big[256];

static int key_of(char *buf, int i)
{
    int n = 0;
    buf[n++] = 'k';
    if (i >= 100) buf[n++] = (char)('0' + i / 100);
    if (i >= 10) buf[n++] = (char)('0' + i / 10 % 10);
    buf[n++] = (char)('0' + i % 10);
    return n;
}

__attribute__((export_name("main"))) int app_main(void)
{
    char key[8];
    int keys = 0, grown = 0;
    int32_t rc = 0, rc2 = 0;
    for (int i = 0; i < 500 && rc == 0; i++) {
        rc = akira_settings_set(key, (uint32_t)key_of(key, i), "v", 1);
        if (rc == 0) keys++;
    }
    for (int i = 0; i < 256; i++)
        big[i] = (char)('a' + i % 26);
    for (int i = 0; i < keys && rc2 == 0; i++) {
        rc2 = akira_settings_set(key, (uint32_t)key_of(key, i), big, sizeof(big));
        if (rc2 == 0) grown++;
    }
    akira_printf("settings_bomb: %d keys, then %d; %d grown, then %d\n", keys, (int)rc, grown,
                 (int)rc2);
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r > 0 && ev.type == AKIRA_EVENT_STOP) return 0;
    }
}

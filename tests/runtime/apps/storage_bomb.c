/* Hostile app: a file-creation bomb, then a settings-record bomb.
 * Files: creates one-byte files f0, f1, ... (a directory every 8th) until a call
 * fails: "file_bomb: N entries, then E". Settings: sets keys k0, k1, ... with one-byte
 * values until a call fails, then makes each key it got as big as it may (256 bytes)
 * until a call fails: "settings_bomb: N keys, then E; M grown, then F". Contained when
 * E and F are AKIRA_EQUOTA at its own limits, not AKIRA_ENOSPC from a volume or a
 * partition it filled for everyone. Then it waits for STOP. */
#include <akira/akira.h>

static char big[256];

/* "<c><i>" into buf: its length. */
static uint32_t name_of(char *buf, char c, int i)
{
    uint32_t n = 0;
    buf[n++] = c;
    if (i >= 100) buf[n++] = (char)('0' + i / 100);
    if (i >= 10) buf[n++] = (char)('0' + i / 10 % 10);
    buf[n++] = (char)('0' + i % 10);
    return n;
}

static void file_bomb(void)
{
    char name[8];
    int entries = 0;
    int32_t rc = 0;
    for (int i = 0; i < 400 && rc >= 0; i++) {
        if (i % 8 == 7) {
            rc = akira_fs_mkdir(name, name_of(name, 'd', i));
            entries += rc == 0;
            continue;
        }
        rc = akira_fs_open(name, name_of(name, 'f', i), AKIRA_O_WRITE | AKIRA_O_CREATE);
        if (rc < 0) break;
        entries++;
        int32_t w = akira_fs_write(rc, "x", 1);
        int32_t c = akira_fs_close(rc);
        rc = w < 0 ? w : c;
    }
    akira_printf("file_bomb: %d entries, then %d\n", entries, (int)rc);
}

static void settings_bomb(void)
{
    char key[8];
    int keys = 0, grown = 0;
    int32_t rc = 0, rc2 = 0;
    for (int i = 0; i < 500 && rc == 0; i++) {
        rc = akira_settings_set(key, name_of(key, 'k', i), "v", 1);
        keys += rc == 0;
    }
    for (int i = 0; i < 256; i++)
        big[i] = (char)('a' + i % 26);
    for (int i = 0; i < keys && rc2 == 0; i++) {
        rc2 = akira_settings_set(key, name_of(key, 'k', i), big, sizeof(big));
        grown += rc2 == 0;
    }
    akira_printf("settings_bomb: %d keys, then %d; %d grown, then %d\n", keys, (int)rc, grown,
                 (int)rc2);
}

__attribute__((export_name("main"))) int app_main(void)
{
    file_bomb();
    settings_bomb();
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r > 0 && ev.type == AKIRA_EVENT_STOP) return 0;
    }
}

/* Hostile app: a file-creation bomb. Creates one-byte files f0, f1, ... (and a
 * directory every 8 files) until a call fails, then reports "file_bomb: N entries,
 * then E" and waits for STOP. Contained when E is AKIRA_EQUOTA at its own limit, not
 * AKIRA_ENOSPC from a volume it filled for everyone. */
#include <akira/akira.h>

static int name_of(char *buf, char c, int i)
{
    int n = 0;
    buf[n++] = c;
    if (i >= 100) buf[n++] = (char)('0' + i / 100);
    if (i >= 10) buf[n++] = (char)('0' + i / 10 % 10);
    buf[n++] = (char)('0' + i % 10);
    return n;
}

__attribute__((export_name("main"))) int app_main(void)
{
    char name[8];
    int entries = 0;
    int32_t rc = 0;
    for (int i = 0; i < 400 && rc >= 0; i++) {
        if (i % 8 == 7) {
            rc = akira_fs_mkdir(name, (uint32_t)name_of(name, 'd', i));
            if (rc == 0) entries++;
            continue;
        }
        rc = akira_fs_open(name, (uint32_t)name_of(name, 'f', i), AKIRA_O_WRITE | AKIRA_O_CREATE);
        if (rc < 0) break;
        entries++;
        int32_t w = akira_fs_write(rc, "x", 1);
        int32_t c = akira_fs_close(rc);
        rc = w < 0 ? w : c;
    }
    akira_printf("file_bomb: %d entries, then %d\n", entries, (int)rc);
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r > 0 && ev.type == AKIRA_EVENT_STOP) return 0;
    }
}

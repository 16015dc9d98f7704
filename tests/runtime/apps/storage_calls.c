/* Storage calls from a hostile or unprivileged app. Without the capability every call
 * must be AKIRA_EACCES ("storage: denied N of 13"). With it: path escapes, wild
 * pointers, bad handles, the handle limit, the settings share and the file quota must
 * all be refused with their error ("storage: N calls not refused", 0 = all), while
 * ordinary use works. It leaves "open.txt" open on purpose (the runtime closes it at
 * the end), then answers each RESUME with "storage: usage N" until STOP. */
#include <akira/akira.h>

#define WILD   ((const char *)0xfffff000u)
#define S(lit) lit, (uint32_t)(sizeof(lit) - 1)

static int expect(int32_t got, int32_t want, const char *what)
{
    if (got == want) return 0;
    akira_printf("storage: %s gave %d, expected %d\n", what, (int)got, (int)want);
    return 1;
}

static char big[4096];

__attribute__((export_name("main"))) int app_main(void)
{
    struct akira_fs_stat st;
    char buf[64];
    if (akira_fs_usage() == AKIRA_EACCES) {
        int d = 1;
        d += akira_fs_open(S("a"), AKIRA_O_READ) == AKIRA_EACCES;
        d += akira_fs_read(1, buf, 1) == AKIRA_EACCES;
        d += akira_fs_write(1, buf, 1) == AKIRA_EACCES;
        d += akira_fs_seek(1, 0, 0) == AKIRA_EACCES;
        d += akira_fs_close(1) == AKIRA_EACCES;
        d += akira_fs_unlink(S("a")) == AKIRA_EACCES;
        d += akira_fs_mkdir(S("a")) == AKIRA_EACCES;
        d += akira_fs_stat(S("a"), &st) == AKIRA_EACCES;
        d += akira_fs_list(S(""), 0, buf, sizeof(buf)) == AKIRA_EACCES;
        d += akira_settings_get(S("k"), buf, sizeof(buf)) == AKIRA_EACCES;
        d += akira_settings_set(S("k"), "v", 1) == AKIRA_EACCES;
        d += akira_settings_delete(S("k")) == AKIRA_EACCES;
        akira_printf("storage: denied %d of 13\n", d);
        return d;
    }
    int bad = 0;
    /* Paths that try to leave the app's directory, or are malformed. */
    const uint32_t C = AKIRA_O_RDWR | AKIRA_O_CREATE;
    bad += expect(akira_fs_open(S("../escape"), C), AKIRA_EINVAL, "../escape");
    bad += expect(akira_fs_open(S("/etc/passwd"), C), AKIRA_EINVAL, "absolute");
    bad += expect(akira_fs_open(S("a/../../b"), C), AKIRA_EINVAL, "a/../../b");
    bad += expect(akira_fs_open(S(".."), C), AKIRA_EINVAL, "..");
    bad += expect(akira_fs_open(S("."), C), AKIRA_EINVAL, ".");
    bad += expect(akira_fs_open(S("a//b"), C), AKIRA_EINVAL, "a//b");
    bad += expect(akira_fs_open(S("dir/"), C), AKIRA_EINVAL, "trailing /");
    bad += expect(akira_fs_open(S("..\\x"), C), AKIRA_EINVAL, "backslash");
    bad += expect(akira_fs_open(S("a\nb"), C), AKIRA_EINVAL, "control char");
    bad += expect(akira_fs_open(S(""), C), AKIRA_EINVAL, "empty");
    bad += expect(akira_fs_mkdir(S("../../apps")), AKIRA_EINVAL, "mkdir ..");
    bad += expect(akira_fs_unlink(S("../other/data")), AKIRA_EINVAL, "unlink ..");
    bad += expect(akira_fs_stat(S("/"), &st), AKIRA_EINVAL, "stat /");
    bad += expect(akira_fs_list(S(".."), 0, buf, sizeof(buf)), AKIRA_EINVAL, "list ..");
    bad += expect(akira_fs_open(S("component-of-thirty-three-bytes-x"), C), AKIRA_ENAMETOOLONG,
                  "33-byte component");
    static char longpath[200];
    for (int i = 0; i < 129; i++)
        longpath[i] = (i % 10 == 9) ? '/' : 'p';
    bad += expect(akira_fs_open(longpath, 129, C), AKIRA_ENAMETOOLONG, "129-byte path");
    /* Wild pointers and lengths. */
    bad += expect(akira_fs_open(WILD, 8, C), AKIRA_EFAULT, "open wild");
    bad += expect(akira_fs_unlink(WILD, 8), AKIRA_EFAULT, "unlink wild");
    bad += expect(akira_fs_stat(S("x"), (struct akira_fs_stat *)0xfffffffcu), AKIRA_EFAULT,
                  "stat out");
    bad += expect(akira_fs_list(S(""), 0, (char *)WILD, 64), AKIRA_EFAULT, "list out");
    bad += expect(akira_settings_get(WILD, 4, buf, 4), AKIRA_EFAULT, "get key");
    bad += expect(akira_settings_set(S("k"), WILD, 16), AKIRA_EFAULT, "set value");
    bad += expect(akira_fs_mkdir(WILD, 4), AKIRA_EFAULT, "mkdir wild");
    bad += expect(akira_fs_stat(WILD, 4, &st), AKIRA_EFAULT, "stat path wild");
    bad += expect(akira_fs_list(WILD, 4, 0, buf, sizeof(buf)), AKIRA_EFAULT, "list path wild");
    bad += expect(akira_fs_list(S(""), 0, buf, 0x7fffffffu), AKIRA_EFAULT, "list cap");
    bad += expect(akira_settings_get(S("k"), (void *)WILD, 64), AKIRA_EFAULT, "get buf");
    bad += expect(akira_settings_set(WILD, 4, "v", 1), AKIRA_EFAULT, "set key");
    bad += expect(akira_settings_delete(WILD, 4), AKIRA_EFAULT, "delete key");
    bad += expect(akira_fs_open(S("x"), 0x40 | AKIRA_O_READ), AKIRA_EINVAL, "unknown flag");
    bad += expect(akira_fs_open(S("x"), AKIRA_O_CREATE), AKIRA_EINVAL, "no read or write");
    /* Ordinary use. */
    int32_t fd = akira_fs_open(S("notes.txt"), C | AKIRA_O_TRUNC);
    bad += expect(fd, 1, "open notes.txt");
    bad += expect(akira_fs_write(fd, S("hello storage")), 13, "write");
    bad += expect(akira_fs_read(fd, (void *)WILD, 8), AKIRA_EFAULT, "read into wild");
    bad += expect(akira_fs_write(fd, WILD, 8), AKIRA_EFAULT, "write from wild");
    bad += expect(akira_fs_seek(fd, 6, AKIRA_SEEK_SET), 6, "seek");
    bad += expect(akira_fs_seek(fd, 0, 7), AKIRA_EINVAL, "seek whence");
    bad += expect(akira_fs_read(fd, buf, sizeof(buf)), 7, "read back");
    bad += expect(buf[0] == 's' && buf[6] == 'e', 1, "bytes read");
    bad += expect(akira_fs_close(fd), 0, "close");
    bad += expect(akira_fs_close(fd), AKIRA_ENOENT, "close twice");
    bad += expect(akira_fs_read(3, buf, 1), AKIRA_ENOENT, "read bad fd");
    bad += expect(akira_fs_write(-1, buf, 1), AKIRA_ENOENT, "write bad fd");
    bad += expect(akira_fs_stat(S("notes.txt"), &st), 0, "stat");
    bad += expect((int32_t)st.size, 13, "size");
    bad += expect(akira_fs_mkdir(S("sub")), 0, "mkdir");
    fd = akira_fs_open(S("sub/inner"), C);
    bad += expect(fd > 0, 1, "open sub/inner");
    akira_fs_close(fd);
    bad += expect(akira_fs_list(S(""), 0, buf, sizeof(buf)) > 0, 1, "list first");
    bad += expect(akira_fs_list(S(""), 1, buf, sizeof(buf)) > 0, 1, "list second");
    bad += expect(akira_fs_list(S(""), 2, buf, sizeof(buf)), 0, "list end");
    bad += expect(akira_fs_list(S("sub"), 0, buf, 3), AKIRA_ERANGE, "list short buffer");
    bad += expect(akira_fs_list(S("sub"), 0, buf, sizeof(buf)), 5, "list sub");
    bad += expect(akira_fs_unlink(S("sub")) < 0, 1, "unlink non-empty dir");
    /* The handle limit: 4 per app. */
    int32_t fds[5];
    const char *names[] = {"h1", "h2", "h3", "h4", "h5"};
    for (int i = 0; i < 5; i++)
        fds[i] = akira_fs_open(names[i], 2, C);
    bad += expect(fds[3] > 0, 1, "4th handle");
    bad += expect(fds[4], AKIRA_ENOSPC, "5th handle");
    for (int i = 0; i < 4; i++)
        akira_fs_close(fds[i]);
    /* Settings: the app's own keys only, bounded. */
    bad += expect(akira_settings_set(S("../../akira/security/allow_unsigned"), "0", 1),
                  AKIRA_EINVAL, "key climbing out");
    bad += expect(akira_settings_set(S("a/./b"), "0", 1), AKIRA_EINVAL, "key with .");
    bad += expect(akira_settings_set(S("has space"), "0", 1), AKIRA_EINVAL, "key with space");
    bad += expect(akira_settings_set(S(""), "0", 1), AKIRA_EINVAL, "empty key");
    bad += expect(akira_settings_set(
                      S("k-of-sixty-four-bytes-with-the-prefix-app/hostile/-xxxxxxxxx"), "0", 1),
                  AKIRA_ENAMETOOLONG, "long key");
    bad += expect(akira_settings_set(S("v"), big, 257), AKIRA_ETOOBIG, "257-byte value");
    bad += expect(akira_settings_set(S("v"), big, 256), 0, "256-byte value");
    bad += expect(akira_settings_set(S("greeting"), S("hi")), 0, "set");
    bad += expect(akira_settings_get(S("greeting"), buf, 1), AKIRA_ERANGE, "get short");
    bad += expect(akira_settings_get(S("greeting"), buf, sizeof(buf)), 2, "get");
    bad += expect(akira_settings_get(S("missing"), buf, sizeof(buf)), AKIRA_ENOENT, "get missing");
    char key[4] = {'k', '0', '0', 0};
    int stored = 2; /* v, greeting */
    int32_t rc = 0;
    for (int i = 0; i < 20 && rc == 0; i++) {
        key[1] = (char)('0' + i / 10);
        key[2] = (char)('0' + i % 10);
        rc = akira_settings_set(key, 3, "x", 1);
        if (rc == 0) stored++;
    }
    bad += expect(rc, AKIRA_EQUOTA, "17th key");
    bad += expect(stored, 16, "keys stored");
    bad += expect(akira_settings_set(S("greeting"), S("hey")), 0, "overwrite at the limit");
    bad += expect(akira_settings_delete(S("k00")), 0, "delete");
    bad += expect(akira_settings_delete(S("k00")), AKIRA_ENOENT, "delete twice");
    /* The file quota: 256 KiB of flash in all, charged in whole blocks and entries. */
    int32_t before = akira_fs_usage();
    fd = akira_fs_open(S("fill.bin"), C | AKIRA_O_TRUNC);
    int32_t w = 0;
    while ((w = akira_fs_write(fd, big, sizeof(big))) == (int32_t)sizeof(big))
        ;
    if (w > 0) w = akira_fs_write(fd, big, sizeof(big));
    bad += expect(w, AKIRA_EQUOTA, "write past the quota");
    int32_t used = akira_fs_usage();
    bad += expect(used <= 256 * 1024 && used + 4096 > 256 * 1024, 1, "flash charged");
    akira_fs_close(fd);
    bad += expect(akira_fs_unlink(S("fill.bin")), 0, "unlink fill.bin");
    bad += expect(akira_fs_usage(), before, "usage after unlink");
    akira_printf("storage: %d calls not refused\n", bad);

    /* Left open on purpose: the runtime must close (and sync) it when the app ends. */
    fd = akira_fs_open(S("open.txt"), C | AKIRA_O_TRUNC);
    akira_fs_write(fd, S("left open"));
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return bad;
        if (ev.type == AKIRA_EVENT_RESUME)
            akira_printf("storage: usage %d\n", (int)akira_fs_usage());
    }
}

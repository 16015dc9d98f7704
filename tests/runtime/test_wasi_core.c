/*
 * The shared WASI implementation (akira/wasi_core.h) on its own, over a fake backend: an
 * in-memory tree with symlinks. It checks what the core promises every backend: only
 * canonical paths reach it (no "." or ".." component, no symlink but perhaps the last),
 * escapes are refused before any backend call, the path forms libcs send resolve, and
 * preview 0's layouts and whence values are translated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/wasi_core.h>

/* ---- the fake tree ----------------------------------------------------------------- */

struct node {
    const char *path; /* canonical, relative to the preopen */
    uint8_t type;
    const char *target; /* symlinks */
};

static const struct node tree[] = {
    {"a", WASI_FILETYPE_DIRECTORY, NULL},
    {"a/b", WASI_FILETYPE_REGULAR_FILE, NULL},
    {"f", WASI_FILETYPE_REGULAR_FILE, NULL},
    {"up", WASI_FILETYPE_SYMBOLIC_LINK, ".."},
    {"abs", WASI_FILETYPE_SYMBOLIC_LINK, "/etc"},
    {"a/deep", WASI_FILETYPE_SYMBOLIC_LINK, "../.."},
    {"chain", WASI_FILETYPE_SYMBOLIC_LINK, "a/deep"},
    {"in", WASI_FILETYPE_SYMBOLIC_LINK, "a/b"},
    {"toa", WASI_FILETYPE_SYMBOLIC_LINK, "./a/"},
    {"loop", WASI_FILETYPE_SYMBOLIC_LINK, "loop"},
};

static char last_path[256]; /* the path of the last backend call */
static int last_whence = -1;
static int calls;

static const struct node *find(const char *p)
{
    for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++)
        if (strcmp(tree[i].path, p) == 0) return &tree[i];
    return NULL;
}

/* The promise: every component but the last exists, is no symlink, no "." or "..". */
static void check_canonical(const char *path)
{
    char buf[256];
    calls++;
    snprintf(last_path, sizeof last_path, "%s", path);
    snprintf(buf, sizeof buf, "%s", path);
    assert_true(buf[0] != '/');
    for (char *p = buf; *p;) {
        char *slash = strchr(p, '/');
        if (slash) *slash = '\0';
        assert_string_not_equal(p, ".");
        assert_string_not_equal(p, "..");
        assert_true(*p != '\0'); /* no empty component */
        if (slash) {
            const struct node *n = find(buf);
            assert_non_null(n);
            assert_int_equal(n->type, WASI_FILETYPE_DIRECTORY);
            *slash = '/';
            p = slash + 1;
        } else {
            break;
        }
    }
}

static int f_stat(void *be, struct akira_wasi_fd *dir, const char *path, struct akira_wasi_stat *st)
{
    (void)be, (void)dir;
    check_canonical(path);
    if (!*path) {
        *st = (struct akira_wasi_stat){.type = WASI_FILETYPE_DIRECTORY, .nlink = 2};
        return 0;
    }
    const struct node *n = find(path);
    if (!n) return WASI_ENOENT;
    *st = (struct akira_wasi_stat){
        .type = n->type, .ino = 7, .nlink = 3, .size = 10, .atim = 11, .mtim = 12, .ctim = 13};
    return 0;
}

static int f_readlink(void *be, struct akira_wasi_fd *dir, const char *path, char *buf, size_t cap,
                      size_t *len)
{
    (void)be, (void)dir;
    check_canonical(path);
    const struct node *n = find(path);
    if (!n || n->type != WASI_FILETYPE_SYMBOLIC_LINK) return WASI_EINVAL;
    *len = strlen(n->target);
    memcpy(buf, n->target, *len < cap ? *len : cap);
    return 0;
}

static int f_open(void *be, struct akira_wasi_fd *dir, const char *path,
                  const struct akira_wasi_open *o, struct akira_wasi_fd *out)
{
    (void)be, (void)dir;
    check_canonical(path);
    const struct node *n = *path ? find(path) : &tree[0];
    if (!n && !(o->oflags & WASI_OFLAG_CREAT)) return WASI_ENOENT;
    uint8_t type = n ? n->type : WASI_FILETYPE_REGULAR_FILE;
    if (type == WASI_FILETYPE_SYMBOLIC_LINK) return WASI_ELOOP; /* O_NOFOLLOW */
    if ((o->oflags & WASI_OFLAG_DIRECTORY) && type != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
    out->h = 200;
    out->type = type;
    return 0;
}

static int f_mkdir(void *be, struct akira_wasi_fd *dir, const char *path)
{
    (void)be, (void)dir;
    check_canonical(path);
    return find(path) ? WASI_EEXIST : 0;
}

static int f_close(void *be, struct akira_wasi_fd *f)
{
    (void)be, (void)f;
    return 0;
}

static int f_seek(void *be, struct akira_wasi_fd *f, int64_t off, int whence, uint64_t *pos)
{
    (void)be, (void)f;
    last_whence = whence;
    *pos = (uint64_t)(off + 100 * whence);
    return 0;
}

static int f_fstat(void *be, struct akira_wasi_fd *f, struct akira_wasi_stat *st)
{
    (void)be, (void)f;
    *st = (struct akira_wasi_stat){.type = WASI_FILETYPE_REGULAR_FILE,
                                   .dev = 5,
                                   .ino = 7,
                                   .nlink = 3,
                                   .size = 10,
                                   .atim = 11,
                                   .mtim = 12,
                                   .ctim = 13};
    return 0;
}

static const struct akira_wasi_ops ops = {
    .stat = f_stat,
    .readlink = f_readlink,
    .open = f_open,
    .mkdir = f_mkdir,
    .close = f_close,
    .seek = f_seek,
    .fstat = f_fstat,
};

/* ---- a context over an instance with one page of memory ------------------------------ */

static const uint8_t module_bytes[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 0, 1};

static struct {
    aw_module *m;
    aw_store *s;
    aw_instance *inst;
    uint8_t *mem;
    struct akira_wasi w;
    struct akira_wasi_fd fds[8];
    char scratch[4 * 256];
} t;

static int setup(void **state)
{
    (void)state;
    aw_config cfg = {0};
    aw_error err;
    memset(&t, 0, sizeof t);
    t.m = aw_module_load_buffer(&cfg, module_bytes, sizeof module_bytes, &err);
    assert_non_null(t.m);
    t.s = aw_store_new(&cfg);
    t.inst = aw_instantiate(t.s, t.m, NULL, 0, &err);
    assert_non_null(t.inst);
    t.mem = aw_memory_ptr(aw_instance_memory(t.inst, 0), 0, 65536);
    akira_wasi_init(&t.w, &ops, NULL, t.fds, 8, t.scratch, 256);
    assert_int_equal(
        akira_wasi_fd_add(&t.w, 100, WASI_FILETYPE_DIRECTORY, WASI_RIGHTS_ALL, WASI_RIGHTS_ALL, 0),
        0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    aw_store_delete(t.s);
    aw_module_delete(t.m);
    return 0;
}

#define PATH_AT 1024u
#define OUT_AT  2048u

/* path_open(fd 0, path, oflags): the WASI errno; the canonical path in last_path. */
static int open_path(const char *path, uint32_t lookup, uint32_t oflags)
{
    memcpy(t.mem + PATH_AT, path, strlen(path));
    aw_val io[9] = {{.u32 = 0},       {.u32 = lookup},
                    {.u32 = PATH_AT}, {.u32 = (uint32_t)strlen(path)},
                    {.u32 = oflags},  {.u64 = WASI_RIGHT_FD_READ},
                    {.u64 = 0},       {.u32 = 0},
                    {.u32 = OUT_AT}};
    last_path[0] = '\0';
    calls = 0;
    assert_int_equal(akira_wasi_path_open(t.inst, &t.w, io), AW_OK);
    if (io[0].i32 == 0) {
        uint32_t fd = t.mem[OUT_AT];
        t.fds[fd] = (struct akira_wasi_fd){.h = -1}; /* a fake handle: nothing to close */
    }
    return io[0].i32;
}

static void test_accepted_forms(void **state)
{
    (void)state;
    static const struct {
        const char *in, *canon;
        uint32_t lookup;
    } ok[] = {
        {"./f", "f", 0},  {"a/./b", "a/b", 0}, {"a/../f", "f", 0}, {"a//b", "a/b", 0},
        {"a/", "a", 0},   {"./a/.", "a", 0},   {".", "", 0},       {"a/..", "", 0},
        {"in", "a/b", 1}, {"toa/b", "a/b", 0}, {"toa/", "a", 0},   {"a/b/", "a/b", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int e = open_path(ok[i].in, ok[i].lookup, 0);
        if (strcmp(ok[i].in, "a/b/") == 0) { /* a file named with a trailing slash */
            assert_int_equal(e, WASI_ENOTDIR);
            continue;
        }
        if (e != 0) fail_msg("path %s: errno %d", ok[i].in, e);
        assert_string_equal(last_path, ok[i].canon);
    }
    /* a trailing slash demands a directory; a file in the middle is not one */
    assert_int_equal(open_path("f/", 0, 0), WASI_ENOTDIR);
    assert_int_equal(open_path("f/x", 0, 0), WASI_ENOTDIR);
    assert_int_equal(open_path("nope/../f", 0, 0), WASI_ENOENT);
    /* without symlink_follow the last component is the link itself */
    assert_int_equal(open_path("in", 0, 0), WASI_ELOOP);
}

static void test_escapes_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "..", "../f", "a/../..", "a/../../f",  "./../f",  "a/./../../f", "..//f",   "/f",
        "/",  "up/f", "up/",     "abs/passwd", "chain/f", "a/deep/f",    "a/deep/", "chain/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int e = open_path(bad[i], 1, 0);
        if (e != WASI_ENOTCAPABLE) fail_msg("path %s: errno %d, not ENOTCAPABLE", bad[i], e);
    }
    /* an absolute path never reaches the backend */
    open_path("/etc/passwd", 1, 0);
    assert_int_equal(calls, 0);
    /* symlink_follow on the last component: an absolute target is refused too */
    assert_int_equal(open_path("abs", 1, 0), WASI_ENOTCAPABLE);
    assert_int_equal(open_path("loop/x", 0, 0), WASI_ELOOP);
    /* creating through a link that climbs out */
    assert_int_equal(open_path("up/new", 0, WASI_OFLAG_CREAT), WASI_ENOTCAPABLE);
    memcpy(t.mem + PATH_AT, "up/d", 4);
    aw_val io[3] = {{.u32 = 0}, {.u32 = PATH_AT}, {.u32 = 4}};
    assert_int_equal(akira_wasi_path_create_directory(t.inst, &t.w, io), AW_OK);
    assert_int_equal(io[0].i32, WASI_ENOTCAPABLE);
}

static uint64_t ld(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void test_preview0_translation(void **state)
{
    (void)state;
    const struct akira_wasi_func *seek0 = akira_wasi_find(AKIRA_WASI_P0, "fd_seek");
    const struct akira_wasi_func *seek1 = akira_wasi_find(AKIRA_WASI_P1, "fd_seek");
    assert_non_null(seek0);
    assert_ptr_not_equal(seek0->fn, seek1->fn);
    assert_null(akira_wasi_find(AKIRA_WASI_P0, "sock_accept"));
    assert_non_null(akira_wasi_find(AKIRA_WASI_P1, "sock_accept"));
    assert_ptr_equal(akira_wasi_find(AKIRA_WASI_P0, "fd_write")->fn,
                     akira_wasi_find(AKIRA_WASI_P1, "fd_write")->fn);
    assert_null(akira_wasi_find("wasi", "fd_write"));
    /* preview-0 whence cur 0, end 1, set 2 reach the backend as preview 1's 1, 2, 0 */
    static const int p1[] = {WASI_WHENCE_CUR, WASI_WHENCE_END, WASI_WHENCE_SET};
    for (uint32_t wh = 0; wh < 3; wh++) {
        aw_val io[4] = {{.u32 = 0}, {.i64 = 5}, {.u32 = wh}, {.u32 = OUT_AT}};
        assert_int_equal(seek0->fn(t.inst, &t.w, io), AW_OK);
        assert_int_equal(io[0].i32, 0);
        assert_int_equal(last_whence, p1[wh]);
    }
    aw_val bad[4] = {{.u32 = 0}, {.i64 = 5}, {.u32 = 3}, {.u32 = OUT_AT}};
    assert_int_equal(seek0->fn(t.inst, &t.w, bad), AW_OK);
    assert_int_equal(bad[0].i32, WASI_EINVAL);
    /* filestat: 56 bytes, nlink a u32 at 20 */
    memset(t.mem + OUT_AT, 0xAA, 64);
    aw_val io[2] = {{.u32 = 0}, {.u32 = OUT_AT}};
    assert_int_equal(akira_wasi_find(AKIRA_WASI_P0, "fd_filestat_get")->fn(t.inst, &t.w, io),
                     AW_OK);
    assert_int_equal(io[0].i32, 0);
    const uint8_t *st = t.mem + OUT_AT;
    assert_int_equal(ld(st, 8), 5);
    assert_int_equal(ld(st + 8, 8), 7);
    assert_int_equal(st[16], WASI_FILETYPE_REGULAR_FILE);
    assert_int_equal(ld(st + 20, 4), 3);
    assert_int_equal(ld(st + 24, 8), 10);
    assert_int_equal(ld(st + 32, 8), 11);
    assert_int_equal(ld(st + 40, 8), 12);
    assert_int_equal(ld(st + 48, 8), 13);
    assert_int_equal(ld(st + 56, 8), 0xAAAAAAAAAAAAAAAAull);
    /* preview 1: 64 bytes, nlink a u64 at 24 */
    io[0].u32 = 0;
    io[1].u32 = OUT_AT;
    assert_int_equal(akira_wasi_find(AKIRA_WASI_P1, "fd_filestat_get")->fn(t.inst, &t.w, io),
                     AW_OK);
    assert_int_equal(ld(st + 24, 8), 3);
    assert_int_equal(ld(st + 32, 8), 10);
    assert_int_equal(ld(st + 56, 8), 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accepted_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escapes_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preview0_translation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

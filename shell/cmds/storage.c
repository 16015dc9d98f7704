/*
 * `settings` and `fs`: the device's settings store and file system (kernel/storage),
 * through the shared instances of akira/storage.h, each call under the storage lock.
 *   settings get KEY             print the value (bytes outside printable ASCII escaped)
 *   settings set KEY VALUE...    store the words after the key, joined by one space
 *   settings delete KEY          remove the key
 *   settings list [PREFIX]       every key (starting with PREFIX) with its value
 *   fs ls [PATH]                 list a directory (default /), or stat a file
 *   fs cat PATH                  print a file (bytes outside text escaped)
 *   fs write PATH TEXT...        replace the file's contents with the words, joined by
 *                                one space (created if missing); durable when it returns
 *   fs rm PATH                   remove a file or an empty directory
 *   fs mkdir PATH                make a directory
 *   fs df                        space and inodes used, erase spread of the partitions,
 *                                and per app: entries, flash charged, wear since boot
 * Every command checks its arguments before touching the store, so a refused command
 * changes nothing. Errors of the store are printed by the session (akira_err_str()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_storage.h>
#include <akira/board_config.h>
#include <akira/flash_map.h>
#include <akira/shell.h>
#include <akira/shell_cmds.h>
#include <akira/storage.h>

/* --- output ------------------------------------------------------------------------ */

/* Prints len bytes safely: printable ASCII as is, `\\` for a backslash, \n \t \r
 * as themselves when keep_lines (file text) or escaped otherwise, anything else as
 * \xNN. Chunked, so any length prints. */
static void print_escaped(struct akira_shell *sh, const uint8_t *p, size_t len, bool keep_lines)
{
    char out[256];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n + 5 > sizeof(out)) {
            out[n] = '\0';
            akira_shell_puts(sh, out);
            n = 0;
        }
        uint8_t c = p[i];
        if (c == '\\') {
            out[n++] = '\\';
            out[n++] = '\\';
        } else if (c >= 0x20 && c < 0x7f) {
            out[n++] = (char)c;
        } else if (keep_lines && (c == '\n' || c == '\t')) {
            out[n++] = (char)c;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            out[n++] = '\\';
            out[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        } else {
            n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
        }
    }
    out[n] = '\0';
    akira_shell_puts(sh, out);
}

/* Joins argv[first..argc-1] with single spaces into buf. Returns the length, or -1 when
 * it does not fit in cap bytes. */
static int join_words(int argc, char **argv, int first, char *buf, size_t cap)
{
    size_t n = 0;
    for (int i = first; i < argc; i++) {
        size_t w = strlen(argv[i]);
        size_t need = w + (i > first ? 1 : 0);
        if (n + need >= cap) return -1;
        if (i > first) buf[n++] = ' ';
        memcpy(buf + n, argv[i], w);
        n += w;
    }
    buf[n] = '\0';
    return (int)n;
}

/* --- settings ------------------------------------------------------------------------ */

/* Refuses a malformed key with a message saying why, before anything is stored. */
static int key_ok(struct akira_shell *sh, const char *path, const char *key)
{
    int rc = akira_settings_key_check(key);
    if (rc == AKIRA_ENAMETOOLONG) {
        akira_shell_print(sh, "%s: key longer than %d bytes\n", path, AKIRA_SETTINGS_KEY_MAX);
        return AKIRA_EINVAL;
    }
    if (rc) {
        akira_shell_print(sh,
                          "%s: '%s' is not a key (akira/... or app/NAME/..., printable, no "
                          "spaces, no empty segment)\n",
                          path, key);
        return AKIRA_EINVAL;
    }
    return AKIRA_OK;
}

static int cmd_settings_get(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    int rc = key_ok(sh, "settings get", argv[1]);
    if (rc) return rc;
    uint8_t val[AKIRA_SETTINGS_VALUE_MAX];
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    rc = st ? akira_settings_get(st, argv[1], val, sizeof(val)) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc < 0) return rc;
    print_escaped(sh, val, (size_t)rc, false);
    akira_shell_puts(sh, "\n");
    return 0;
}

static int cmd_settings_set(struct akira_shell *sh, int argc, char **argv)
{
    int rc = key_ok(sh, "settings set", argv[1]);
    if (rc) return rc;
    char val[AKIRA_SETTINGS_VALUE_MAX + 1];
    int len = join_words(argc, argv, 2, val, sizeof(val));
    if (len < 0) {
        akira_shell_print(sh, "settings set: value longer than %d bytes\n",
                          AKIRA_SETTINGS_VALUE_MAX);
        return AKIRA_ETOOBIG;
    }
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    rc = st ? akira_settings_set(st, argv[1], val, (size_t)len) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

static int cmd_settings_delete(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    int rc = key_ok(sh, "settings delete", argv[1]);
    if (rc) return rc;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    rc = st ? akira_settings_delete(st, argv[1]) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

struct list_ctx {
    struct akira_shell *sh;
    unsigned count;
};

static int list_one(void *ctx, const char *key, const void *val, size_t len)
{
    struct list_ctx *l = ctx;
    akira_shell_print(l->sh, "%s = ", key);
    print_escaped(l->sh, val, len, false);
    akira_shell_puts(l->sh, "\n");
    l->count++;
    return 0;
}

static int cmd_settings_list(struct akira_shell *sh, int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "";
    struct list_ctx l = {sh, 0};
    /* The one listing printed under the lock: foreach hands out each value in place.
     * A partition holds at most a few hundred keys, so the wait is bounded. */
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_foreach(st, prefix, list_one, &l) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc < 0) return rc;
    akira_shell_print(sh, "-- %u key%s\n", l.count, l.count == 1 ? "" : "s");
    return 0;
}

AKIRA_SHELL_SUBCMDS(
    settings_sub,
    AKIRA_SHELL_CMD("get", "print a key's value", "KEY", cmd_settings_get, NULL, 1, 1),
    AKIRA_SHELL_CMD("set", "store a value (the rest of the line)", "KEY VALUE...", cmd_settings_set,
                    NULL, 2, AKIRA_SHELL_ARGS_ANY),
    AKIRA_SHELL_CMD("delete", "remove a key", "KEY", cmd_settings_delete, NULL, 1, 1),
    AKIRA_SHELL_CMD("list", "list keys and values", "[PREFIX]", cmd_settings_list, NULL, 0, 1));
AKIRA_SHELL_CMD_REGISTER(settings, "settings", "persistent key/value settings", NULL, NULL,
                         settings_sub, 0, 0);

/* --- fs ------------------------------------------------------------------------------ */

/* The system's view of the shared volume, or AKIRA_ENODEV. Call under the lock. */
static int root_view(struct akira_fs *fs)
{
    struct akira_fs_vol *vol = akira_storage_fs();
    if (!vol) return AKIRA_ENODEV;
    akira_fs_root_view(vol, fs);
    return AKIRA_OK;
}

static void print_entry(struct akira_shell *sh, const struct akira_fs_stat *st)
{
    if (st->type == AKIRA_FS_TYPE_DIR)
        akira_shell_print(sh, "d %10s  %s/\n", "-", st->name);
    else
        akira_shell_print(sh, "f %10" PRIu32 "  %s\n", st->size, st->name);
}

/* Output goes to the session's stream, which may block (a full pipe, a slow network
 * client): printing happens with the storage lock released, so other users of storage
 * never wait for a terminal. Each fs call takes the lock on its own. */

static int cmd_fs_ls(struct akira_shell *sh, int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/";
    struct akira_fs fs;
    struct akira_fs_stat st;
    struct akira_fs_dir d;
    akira_storage_lock();
    int rc = root_view(&fs);
    if (!rc) rc = akira_fs_stat(&fs, path, &st);
    if (!rc && st.type == AKIRA_FS_TYPE_DIR) rc = akira_fs_opendir(&fs, path, &d);
    akira_storage_unlock();
    if (rc) return rc;
    if (st.type == AKIRA_FS_TYPE_FILE) {
        print_entry(sh, &st);
        return 0;
    }
    unsigned n = 0;
    for (;;) {
        akira_storage_lock();
        /* The volume may have been unmounted (shutdown) between two entries. */
        rc = akira_storage_fs() ? akira_fs_readdir(&d, &st) : AKIRA_ENODEV;
        akira_storage_unlock();
        if (rc != 1) break;
        print_entry(sh, &st);
        n++;
    }
    if (rc < 0) return rc;
    akira_shell_print(sh, "-- %u entr%s\n", n, n == 1 ? "y" : "ies");
    return 0;
}

static int cmd_fs_cat(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    struct akira_fs fs;
    struct akira_fs_file f;
    akira_storage_lock();
    int rc = root_view(&fs);
    if (!rc) rc = akira_fs_open(&fs, argv[1], AKIRA_FS_O_READ, &f);
    akira_storage_unlock();
    if (rc) return rc;
    uint8_t buf[256];
    uint8_t last = '\n';
    int n;
    for (;;) {
        akira_storage_lock();
        n = akira_storage_fs() ? akira_fs_read(&f, buf, sizeof(buf)) : AKIRA_ENODEV;
        akira_storage_unlock();
        if (n <= 0) break;
        print_escaped(sh, buf, (size_t)n, true);
        last = buf[n - 1];
    }
    akira_storage_lock();
    if (akira_storage_fs()) akira_fs_close(&f);
    akira_storage_unlock();
    /* A file without a final newline still leaves the prompt on its own line. */
    if (last != '\n') akira_shell_puts(sh, "\n");
    return n < 0 ? n : 0;
}

static int cmd_fs_write(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    char text[AKIRA_SHELL_LINE_MAX];
    int len = join_words(argc, argv, 2, text, sizeof(text));
    if (len < 0) return AKIRA_EINVAL; /* cannot happen: the words came from one line */
    struct akira_fs fs;
    struct akira_fs_file f;
    akira_storage_lock();
    int rc = root_view(&fs);
    /* Truncate, write and close: the close is the one commit, so a cut before it
     * leaves the old contents and after it the new ones. */
    if (!rc)
        rc = akira_fs_open(&fs, argv[1], AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_TRUNC,
                           &f);
    if (!rc) {
        int w = akira_fs_write(&f, text, (size_t)len);
        int c = akira_fs_close(&f);
        rc = w < 0 ? w : c;
        if (!rc && w != len) rc = AKIRA_ENOSPC;
    }
    akira_storage_unlock();
    return rc;
}

static int cmd_fs_rm(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    struct akira_fs fs;
    akira_storage_lock();
    int rc = root_view(&fs);
    if (!rc) rc = akira_fs_unlink(&fs, argv[1]);
    akira_storage_unlock();
    return rc;
}

static int cmd_fs_mkdir(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    struct akira_fs fs;
    akira_storage_lock();
    int rc = root_view(&fs);
    if (!rc) rc = akira_fs_mkdir(&fs, argv[1]);
    akira_storage_unlock();
    return rc;
}

static void print_wear(struct akira_shell *sh, enum akira_flash_part_id id)
{
    struct akira_flash_area fa;
    struct akira_flash_wear w;
    if (akira_flash_area_open(id, false, &fa) != 0) return;
    int rc = akira_flash_area_wear(&fa, &w);
    if (rc == AKIRA_ENOTSUP) return; /* the chip keeps no counts: nothing to show */
    if (rc || w.sectors == 0) {
        akira_shell_print(sh, "erases %-9s %s\n", fa.name, akira_err_str(rc));
        return;
    }
    uint64_t mean100 = w.total * 100u / w.sectors;
    akira_shell_print(sh,
                      "erases %-9s min %" PRIu32 ", mean %" PRIu64 ".%02u, max %" PRIu32
                      " per sector (%" PRIu32 " sectors, since boot)\n",
                      fa.name, w.min, mean100 / 100u, (unsigned)(mean100 % 100u), w.max, w.sectors);
}

/* Wear-weighted bytes as "N KiB (~E erases)": one erase per block's worth. */
static void wear_str(uint64_t wear, char *buf, size_t cap)
{
    snprintf(buf, cap, "%" PRIu64 " KiB (~%" PRIu64 " erases)", wear / 1024u,
             wear / AKIRA_BOARD_FLASH_SECTOR_SIZE);
}

void akira_shell_app_storage_print(struct akira_shell *sh, const char *name,
                                   const struct akira_manifest *m)
{
    struct akira_app_storage_stats s;
    char w[64];
    if (akira_app_storage_stats(name, m, &s) != 0) return;
    wear_str(s.wear, w, sizeof(w));
    akira_shell_print(sh,
                      "storage:     %" PRIu32 " of %" PRIu32 " files, %" PRIu32 " of %" PRIu32
                      " KiB flash; settings %" PRIu32 " of %" PRIu32 " keys, %" PRIu32
                      " of %" PRIu32 " bytes\n",
                      s.files, s.limits.files, s.fs_charged / 1024u, s.limits.fs_quota / 1024u,
                      s.keys, s.limits.keys, s.settings_bytes, s.limits.settings_bytes);
    akira_shell_print(sh,
                      "flash wear:  %s since boot; budget %" PRIu32 " B/s, burst %" PRIu32
                      ", holds %" PRId64 "; %" PRIu64 " calls refused\n",
                      w, s.limits.rate, s.limits.burst, s.budget, s.denied);
}

/* One line per directory under /apps: what the app holds and has worn. */
static void print_apps(struct akira_shell *sh)
{
    struct akira_fs root;
    struct akira_fs_dir d;
    struct akira_fs_stat st;
    char names[16][AKIRA_FS_NAME_MAX + 1];
    int n = 0;
    akira_storage_lock();
    struct akira_fs_vol *vol = akira_storage_fs();
    if (vol) {
        akira_fs_root_view(vol, &root);
        if (akira_fs_opendir(&root, "apps", &d) == 0)
            while (n < 16 && akira_fs_readdir(&d, &st) == 1)
                if (st.type == AKIRA_FS_TYPE_DIR) memcpy(names[n++], st.name, sizeof(names[0]));
    }
    akira_storage_unlock();
    for (int i = 0; i < n; i++) {
        struct akira_app_storage_stats s;
        char w[64];
        if (akira_app_storage_stats(names[i], NULL, &s) != 0) continue;
        wear_str(s.wear, w, sizeof(w));
        akira_shell_print(sh,
                          "app %-16s %3" PRIu32 " files, %4" PRIu32 " KiB flash, %2" PRIu32
                          " keys; wear %s, %" PRIu64 " refused\n",
                          names[i], s.files, s.fs_charged / 1024u, s.keys, w, s.denied);
    }
}

static int cmd_fs_df(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_fs_info in;
    akira_storage_lock();
    struct akira_fs_vol *vol = akira_storage_fs();
    int rc = vol ? akira_fs_info(vol, &in) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc) return rc;
    uint64_t total = (uint64_t)in.blocks_total * in.block_size;
    uint64_t free_b = (uint64_t)in.blocks_free * in.block_size;
    akira_shell_print(sh,
                      "fs: %" PRIu64 " KiB used, %" PRIu64 " KiB free, %" PRIu64
                      " KiB total (%" PRIu32 " blocks of %" PRIu32 " bytes)\n",
                      (total - free_b) / 1024u, free_b / 1024u, total / 1024u, in.blocks_total,
                      in.block_size);
    akira_shell_print(sh, "inodes: %" PRIu32 " used of %" PRIu32 "\n", in.inodes_used,
                      in.inodes_max);
    print_wear(sh, AKIRA_PART_FS);
    print_wear(sh, AKIRA_PART_SETTINGS);
    print_apps(sh);
    return 0;
}

AKIRA_SHELL_SUBCMDS(
    fs_sub, AKIRA_SHELL_CMD("ls", "list a directory", "[PATH]", cmd_fs_ls, NULL, 0, 1),
    AKIRA_SHELL_CMD("cat", "print a file", "PATH", cmd_fs_cat, NULL, 1, 1),
    AKIRA_SHELL_CMD("write", "replace a file's contents with TEXT", "PATH TEXT", cmd_fs_write, NULL,
                    2, AKIRA_SHELL_ARGS_ANY),
    AKIRA_SHELL_CMD("rm", "remove a file or an empty directory", "PATH", cmd_fs_rm, NULL, 1, 1),
    AKIRA_SHELL_CMD("mkdir", "make a directory", "PATH", cmd_fs_mkdir, NULL, 1, 1),
    AKIRA_SHELL_CMD("df", "space used and free, flash wear", NULL, cmd_fs_df, NULL, 0, 0));
AKIRA_SHELL_CMD_REGISTER(fs, "fs", "the file system", NULL, NULL, fs_sub, 0, 0);

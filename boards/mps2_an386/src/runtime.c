/*
 * mps2_an386: the runtime on the board (the app store on flash0, the app manager with
 * the app heap pool in PSRAM, the bridge with the API modules of board.cmake) and the
 * host files that `app install PATH` and the boot's --install FILE read through
 * semihosting, as native_sim reads them from its host.
 */
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/semihost.h>
#include <akira/shell_app.h>

#include "board.h"

/* Host files open at once: the shell's install and a boot install never overlap, so
 * two is one to spare. */
#define HOST_FILES 2

struct host_file {
    int fd; /* semihosting handle, -1 when the entry is free */
    uint32_t size;
    uint32_t pos; /* next byte of a sequential read */
};

static struct host_file host_file_table[HOST_FILES] = {{-1, 0, 0}, {-1, 0, 0}};

static int host_open(const char *path, void **handle, uint32_t *size)
{
    struct host_file *f = NULL;
    for (int i = 0; i < HOST_FILES && !f; i++)
        if (host_file_table[i].fd < 0) f = &host_file_table[i];
    if (!f) return AKIRA_EBUSY;
    int fd = akira_semihost_open(path, AKIRA_SH_MODE_RB);
    if (fd < 0) return AKIRA_ENOENT;
    long n = akira_semihost_flen(fd);
    if (n < 0) {
        akira_semihost_close(fd);
        return AKIRA_EIO;
    }
    *f = (struct host_file){fd, (uint32_t)n, 0};
    *handle = f;
    *size = f->size;
    return 0;
}

static int host_read(void *handle, void *buf, uint32_t len)
{
    struct host_file *f = handle;
    uint32_t n = f->size - f->pos < len ? f->size - f->pos : len;
    if (n == 0) return 0;
    if (akira_semihost_seek(f->fd, f->pos) != 0 || akira_semihost_read(f->fd, buf, n) != 0)
        return AKIRA_EIO;
    f->pos += n;
    return (int)n;
}

static void host_close(void *handle)
{
    struct host_file *f = handle;
    akira_semihost_close(f->fd);
    f->fd = -1;
}

static const struct akira_shell_file_ops host_files = {host_open, host_read, host_close};

/* aw_read_fn over a host file: the package is scanned, then streamed into the store. */
static int host_read_at(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct host_file *f = ctx;
    if (off > f->size || len > f->size - off) return AKIRA_EIO;
    if (akira_semihost_seek(f->fd, off) != 0 || akira_semihost_read(f->fd, buf, len) != 0)
        return AKIRA_EIO;
    return 0;
}

/* --install FILE: one status line; a version already installed is kept. */
static void boot_install(const char *path)
{
    char what[160];
    snprintf(what, sizeof(what), "install %s", path);
    struct akira_manifest_error err = {{0}, {0}};
    struct akira_app_record rec;
    void *h;
    uint32_t size;
    int rc = host_open(path, &h, &size);
    if (rc == 0) {
        rc = akira_app_install_reader(host_read_at, h, size, &rec, &err);
        host_close(h);
    }
    char detail[192];
    if (rc == 0 || rc == AKIRA_EEXIST)
        snprintf(detail, sizeof(detail), "%s %s%s", rec.manifest.name, rec.manifest.version,
                 rc == AKIRA_EEXIST ? " already installed" : "");
    else if (err.field[0])
        snprintf(detail, sizeof(detail), "%s: %s", err.field, err.reason);
    else
        detail[0] = '\0';
    board_step(what, rc == AKIRA_EEXIST ? 0 : rc, detail[0] ? detail : NULL);
}

bool board_runtime_boot(akira_heap_t *pool)
{
    char detail[96];
    int rc = akira_appstore_init();
    snprintf(detail, sizeof(detail), "%d apps installed on flash0",
             rc == 0 ? akira_appstore_count() : 0);
    board_step("app store", rc, detail);
    struct akira_appmgr_config cfg = {.pool = pool};
    rc = akira_appmgr_init(&cfg);
    int apps = 0, started = 0;
    if (rc == 0) {
        const struct board_options *o = board_options();
        apps = akira_appmgr_sync_store();
        for (unsigned i = 0; i < o->install_count; i++)
            boot_install(o->install[i]);
        apps = akira_appstore_count();
        started = akira_appmgr_autostart();
    }
    snprintf(detail, sizeof(detail), "%d apps, %d autostarted, at most %d running",
             apps < 0 ? 0 : apps, started < 0 ? 0 : started, AKIRA_BOARD_APPS_RUNNING_MAX);
    board_step("app manager", rc, detail);
    akira_shell_app_files_set(&host_files);
    return true;
}

void board_runtime_shutdown(void)
{
    akira_appmgr_deinit();
    akira_appstore_deinit();
}

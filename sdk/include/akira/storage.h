/*
 * AkiraOS app SDK - module "storage": the app's own files and settings keys,
 * capability "storage". Without it every call returns AKIRA_EACCES.
 *
 * Files live in the app's own directory (on the device: /apps/<name>): at most 16
 * files and directories (manifest storage_files) and 256 KiB of flash, charged at
 * what they really take: whole 4 KiB blocks (a one-byte file costs a data and an index
 * block) and 64 bytes per entry (AKIRA_EQUOTA past either; AKIRA_ENOSPC when the
 * volume itself is full). Paths are
 * relative to that directory: 1..128 bytes of printable ASCII, components of 1..32
 * bytes joined by '/'. An absolute path, "." or "..", an empty component or a
 * backslash gives AKIRA_EINVAL, a longer path or component AKIRA_ENAMETOOLONG: no path
 * reaches anything outside the app's directory.
 *
 * At most 4 files open at once (AKIRA_ENOSPC), fewer when the device's 6 open files
 * are in use (AKIRA_EBUSY). Data written is durable once akira_fs_close returns 0: a
 * power cut before it leaves the file as it was at the last close, never half
 * written. Files still open when the app stops are closed for it.
 *
 * Settings keys are the app's own (on the device: app/<name>/<key>): keys of up to
 * 64 bytes together with that prefix, printable ASCII without spaces, no empty or
 * "."/".." segment; values up to 256 bytes; at most 16 keys (manifest settings_keys)
 * whose records take at most 2 KiB of flash (AKIRA_EQUOTA). A set that returned 0
 * survives a power cut.
 *
 * Write budget: every call that writes the flash is charged to the app's budget
 * (manifest flash_write_rate, flash_write_burst: 1 KiB/s up to 256 KiB by default).
 * Once it is spent, open for writing, write, unlink, mkdir, settings set and delete
 * return AKIRA_EAGAIN until it refills (the app's log says so); close is never
 * refused, and a write may write less than asked (its return value says how much).
 *
 * Upgrading the app keeps its files and keys; uninstalling it removes them.
 */
#ifndef AKIRA_SDK_STORAGE_H
#define AKIRA_SDK_STORAGE_H

#include <akira/common.h>

#define AKIRA_O_READ   0x01
#define AKIRA_O_WRITE  0x02
#define AKIRA_O_RDWR   0x03
#define AKIRA_O_CREATE 0x04 /* create when missing */
#define AKIRA_O_EXCL   0x08 /* with CREATE: AKIRA_EEXIST when it exists */
#define AKIRA_O_TRUNC  0x10 /* empty it on open */
#define AKIRA_O_APPEND 0x20 /* every write goes to the end */

#define AKIRA_SEEK_SET 0
#define AKIRA_SEEK_CUR 1
#define AKIRA_SEEK_END 2

#define AKIRA_FS_FILE 1
#define AKIRA_FS_DIR  2

struct akira_fs_stat {
    uint32_t type; /* AKIRA_FS_FILE or AKIRA_FS_DIR */
    uint32_t size; /* bytes (files) */
};

/* Open path[0..len) with AKIRA_O_* flags (READ and/or WRITE required): a file
 * descriptor (1..4), AKIRA_ENOENT, AKIRA_EEXIST, AKIRA_EINVAL (path, flags, a
 * directory), AKIRA_ENAMETOOLONG, AKIRA_ENOSPC (4 open), AKIRA_EBUSY, AKIRA_ENODEV (no
 * storage), AKIRA_EFAULT. */
AKIRA_IMPORT("fs_open") int32_t akira_fs_open(const char *path, uint32_t len, uint32_t flags);
/* Read up to len bytes: bytes read (0 at the end), AKIRA_ENOENT (fd), AKIRA_EACCES
 * (not opened for reading), AKIRA_EFAULT. */
AKIRA_IMPORT("fs_read") int32_t akira_fs_read(int32_t fd, void *buf, uint32_t len);
/* Write len bytes: bytes written, AKIRA_EQUOTA, AKIRA_ENOSPC, AKIRA_EAGAIN (write
 * budget spent), AKIRA_EACCES (read-only fd), AKIRA_ENOENT, AKIRA_EFAULT. */
AKIRA_IMPORT("fs_write") int32_t akira_fs_write(int32_t fd, const void *buf, uint32_t len);
/* Move the position (AKIRA_SEEK_*): the new position, AKIRA_EINVAL, AKIRA_ENOENT. */
AKIRA_IMPORT("fs_seek") int32_t akira_fs_seek(int32_t fd, int32_t off, int32_t whence);
/* Make the data durable and free the descriptor: 0, AKIRA_ENOENT, AKIRA_EIO. */
AKIRA_IMPORT("fs_close") int32_t akira_fs_close(int32_t fd);
/* Remove a file or an empty directory: 0, AKIRA_ENOENT, AKIRA_EBUSY (open),
 * AKIRA_ENOTEMPTY (a directory with entries), AKIRA_EAGAIN. */
AKIRA_IMPORT("fs_unlink") int32_t akira_fs_unlink(const char *path, uint32_t len);
/* Make a directory: 0, AKIRA_EEXIST, AKIRA_ENOENT (parent), AKIRA_EQUOTA, AKIRA_EAGAIN. */
AKIRA_IMPORT("fs_mkdir") int32_t akira_fs_mkdir(const char *path, uint32_t len);
/* Type and size of path: 0, AKIRA_ENOENT. */
AKIRA_IMPORT("fs_stat")
int32_t akira_fs_stat(const char *path, uint32_t len, struct akira_fs_stat *st);
/* The name of entry `index` (0, 1, ...) of directory path[0..len) (len 0: the app's
 * own directory) into name (cap bytes, NUL-terminated): its length, 0 past the last
 * entry, AKIRA_ERANGE (cap too small), AKIRA_ENOENT. */
AKIRA_IMPORT("fs_list")
int32_t akira_fs_list(const char *path, uint32_t len, int32_t index, char *name, uint32_t cap);
/* Flash bytes the app's files are charged (what the 256 KiB quota counts). */
AKIRA_IMPORT("fs_usage") int32_t akira_fs_usage(void);

/* Copy the value of key[0..klen) into buf (cap bytes): its length, AKIRA_ENOENT,
 * AKIRA_ERANGE (cap too small), AKIRA_EINVAL / AKIRA_ENAMETOOLONG (key). */
AKIRA_IMPORT("settings_get")
int32_t akira_settings_get(const char *key, uint32_t klen, void *buf, uint32_t cap);
/* Store val[0..vlen) under key: 0, AKIRA_ETOOBIG (> 256 bytes), AKIRA_EQUOTA (keys or
 * bytes of its share), AKIRA_EAGAIN (write budget spent), AKIRA_ENOSPC (the settings
 * partition is full), AKIRA_EINVAL, AKIRA_EFAULT. */
AKIRA_IMPORT("settings_set")
int32_t akira_settings_set(const char *key, uint32_t klen, const void *val, uint32_t vlen);
/* Remove key: 0, AKIRA_ENOENT, AKIRA_EAGAIN. */
AKIRA_IMPORT("settings_delete") int32_t akira_settings_delete(const char *key, uint32_t klen);

#ifndef AKIRA_SDK_STRLEN_
#define AKIRA_SDK_STRLEN_
/* Length of a NUL-terminated string (freestanding apps have no libc). */
static inline uint32_t akira_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}
#endif

/* The same calls with NUL-terminated paths and keys. */
static inline int32_t akira_open(const char *path, uint32_t flags)
{
    return akira_fs_open(path, akira_strlen(path), flags);
}

static inline int32_t akira_setting_get(const char *key, void *buf, uint32_t cap)
{
    return akira_settings_get(key, akira_strlen(key), buf, cap);
}

static inline int32_t akira_setting_set(const char *key, const void *val, uint32_t vlen)
{
    return akira_settings_set(key, akira_strlen(key), val, vlen);
}

#endif /* AKIRA_SDK_STORAGE_H */

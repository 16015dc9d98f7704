/*
 * Hooks of the `app` command (shell/cmds/app.c): how `app install PATH` reads a package
 * file, and how `app focus` reaches the display's owner. The shell stays portable: the board
 * supplies the file access (native_sim: the host file system) once at boot; without it `app
 * install` answers ENOTSUP.
 */
#ifndef AKIRA_SHELL_APP_H
#define AKIRA_SHELL_APP_H

#include <stddef.h>
#include <stdint.h>

struct akira_shell_file_ops {
    /* Open path for reading: *handle and its *size. 0 or a negative akira_err_t. */
    int (*open)(const char *path, void **handle, uint32_t *size);
    /* Read up to len bytes: the count (> 0), 0 at the end, or a negative akira_err_t. */
    int (*read)(void *handle, void *buf, uint32_t len);
    void (*close)(void *handle);
};

/* Called once by the board before the first session; ops must stay valid. */
void akira_shell_app_files_set(const struct akira_shell_file_ops *ops);

/* `app focus [NAME|-]`: which app owns the display (the runtime's screen service,
 * akira/screen.h). A board without a display sets none: `app focus` answers ENODEV. */
struct akira_shell_focus_ops {
    int (*set)(const char *name); /* NULL or "": the system screen */
    int (*get)(char *buf, size_t cap);
};
void akira_shell_app_focus_set(const struct akira_shell_focus_ops *ops);

#endif /* AKIRA_SHELL_APP_H */

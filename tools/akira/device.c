/* The `akira` tool's device list (see device.h). */
#define _POSIX_C_SOURCE 200809L
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int tool_devices_path(char *buf, size_t cap)
{
    const char *env = getenv("AKIRA_CONFIG");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return 0;
    }
    const char *home = getenv("HOME");
    if (!home || !*home) {
        fprintf(stderr, "akira: no $HOME and no $AKIRA_CONFIG: nowhere to keep devices\n");
        return -1;
    }
    snprintf(buf, cap, "%s/.config/akira/devices", home);
    return 0;
}

int tool_devices_load(struct tool_device *out, size_t max)
{
    char path[512];
    if (tool_devices_path(path, sizeof(path))) return -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0;
        fprintf(stderr, "akira: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[600];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') continue;
        struct tool_device d;
        d.pin[0] = '\0';
        if (sscanf(line, "%63s %255s %127s %95s", d.name, d.url, d.token, d.pin) < 3) {
            fprintf(stderr, "akira: %s:%d: not `NAME URL TOKEN [PIN]`: ignored\n", path, lineno);
            continue;
        }
        if ((size_t)n == max) break;
        out[n++] = d;
    }
    fclose(f);
    return n;
}

/* mkdir -p of the file's directory. */
static int make_parent(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

int tool_device_add(const struct tool_device *d)
{
    static struct tool_device all[TOOL_DEVICES_MAX + 1];
    int n = tool_devices_load(all, TOOL_DEVICES_MAX);
    if (n < 0) return -1;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(all[i].name, d->name) != 0) all[k++] = all[i];
    if (k == TOOL_DEVICES_MAX) {
        fprintf(stderr, "akira: already %d devices\n", TOOL_DEVICES_MAX);
        return -1;
    }
    all[k++] = *d;
    size_t cap = (size_t)k * (sizeof(all[0]) + 4) + 64, len = 0;
    char *text = malloc(cap);
    if (!text) return -1;
    for (int i = 0; i < k; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s %s %s%s%s\n", all[i].name, all[i].url,
                                all[i].token, all[i].pin[0] ? " " : "", all[i].pin);
    char path[512];
    int rc = tool_devices_path(path, sizeof(path));
    if (!rc && make_parent(path)) {
        fprintf(stderr, "akira: %s: cannot make its directory: %s\n", path, strerror(errno));
        rc = -1;
    }
    if (!rc) rc = tool_write_file(path, text, len, 0600);
    free(text);
    return rc;
}

int tool_device_find(const char *name, struct tool_device *out)
{
    static struct tool_device all[TOOL_DEVICES_MAX];
    int n = tool_devices_load(all, TOOL_DEVICES_MAX);
    if (n < 0) return -1;
    if (n == 0) {
        fprintf(stderr, "akira: no device configured: akira device add NAME URL TOKEN\n");
        return -1;
    }
    if (!name) {
        *out = all[n - 1];
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, name) == 0) {
            *out = all[i];
            return 0;
        }
    }
    fprintf(stderr, "akira: no device '%s' (akira device list)\n", name);
    return -1;
}

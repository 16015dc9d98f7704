/* Devices the `akira` tool knows: a config file of lines `NAME URL TOKEN [PIN]` (PIN:
 * the SHA-256 fingerprint of an https:// device's certificate, "AB:CD:..."), in
 * $AKIRA_CONFIG or else ~/.config/akira/devices (mode 0600: it holds the tokens). The
 * last line is the default device; `device add` of a known name replaces its line and
 * moves it last. */
#ifndef AKIRA_TOOL_DEVICE_H
#define AKIRA_TOOL_DEVICE_H

#include <stddef.h>

#define TOOL_DEVICES_MAX 64

struct tool_device {
    char name[64];
    char url[256];
    char token[128];
    char pin[96]; /* "" when none */
};

/* The config file's path into buf. 0 or -1 (no $HOME, message printed). */
int tool_devices_path(char *buf, size_t cap);
/* Reads every device (a missing file is zero devices). Count, or -1 (message printed). */
int tool_devices_load(struct tool_device *out, size_t max);
/* Adds or replaces d, making it the default. 0 or -1 (message printed). */
int tool_device_add(const struct tool_device *d);
/* The device named name, or the default when name is NULL. 0, or -1 with the reason
 * printed ("no device NAME", "no device configured: akira device add ..."). */
int tool_device_find(const char *name, struct tool_device *out);

#endif

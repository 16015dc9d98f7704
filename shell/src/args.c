/*
 * Argument helpers for command handlers.
 */
#include <akira/shell.h>

int akira_shell_arg_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    /* strtoul would accept "-1", " 7" and "0x10"; a shell argument must be plain digits. */
    if (!s || *s == '\0') return AKIRA_EINVAL;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return AKIRA_EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX) return AKIRA_EINVAL;
    }
    if (v < min || v > max) return AKIRA_EINVAL;
    *out = (uint32_t)v;
    return 0;
}

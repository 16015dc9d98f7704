/*
 * Shell history: a fixed ring of the last lines, newest first.
 */
#include <string.h>

#include <akira/shell_edit.h>

bool akira_shell_history_add(struct akira_shell_history *h, const char *line)
{
    if (line[0] == '\0') return false;
    /* Repeating a command (e.g. `uptime` several times) should not push older,
     * different commands out of reach. */
    if (h->count > 0 && strncmp(h->lines[h->newest], line, AKIRA_SHELL_LINE_MAX - 1) == 0) {
        return false;
    }
    h->newest = (h->newest + 1) % AKIRA_SHELL_HISTORY_DEPTH;
    /* strncpy would not terminate an overlong line; copy and terminate explicitly. */
    size_t n = strnlen(line, AKIRA_SHELL_LINE_MAX - 1);
    memcpy(h->lines[h->newest], line, n);
    h->lines[h->newest][n] = '\0';
    if (h->count < AKIRA_SHELL_HISTORY_DEPTH) h->count++;
    return true;
}

const char *akira_shell_history_get(const struct akira_shell_history *h, unsigned age)
{
    if (age >= h->count) return NULL;
    unsigned slot = (h->newest + AKIRA_SHELL_HISTORY_DEPTH - age) % AKIRA_SHELL_HISTORY_DEPTH;
    return h->lines[slot];
}

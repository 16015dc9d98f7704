/*
 * Shell history: a fixed ring of the last lines, newest first.
 */
#include <string.h>

#include <akira/shell_edit.h>

/* The next space-separated word of *p (advanced past it): its start and length. */
static size_t next_word(const char **p, const char **word)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    *word = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    *p = s;
    return (size_t)(s - *word);
}

static bool word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

bool akira_shell_line_secret(const char *line)
{
    const char *p = line, *w1, *w2, *w3;
    size_t n1 = next_word(&p, &w1);
    size_t n2 = next_word(&p, &w2);
    size_t n3 = next_word(&p, &w3);
    if (word_is(w1, n1, "keys")) return true;
    if (word_is(w1, n1, "http") && word_is(w2, n2, "token")) return true;
    /* The system keys that hold secrets: the HTTP token (akira/http/...), the trust
     * policy (akira/security...) and the saved history itself (akira/shell/...). */
    static const char *const secret[] = {"akira/http/", "akira/security", "akira/shell/"};
    if (!word_is(w1, n1, "settings") || !word_is(w2, n2, "set")) return false;
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        if (n3 >= strlen(secret[i]) && memcmp(w3, secret[i], strlen(secret[i])) == 0) return true;
    return false;
}

bool akira_shell_history_add(struct akira_shell_history *h, const char *line)
{
    if (line[0] == '\0') return false;
    /* Saved history is readable by whoever reads settings, and Up shows it to whoever
     * sits at the console next: a line that sets or shows a secret is never kept. */
    if (akira_shell_line_secret(line)) return false;
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

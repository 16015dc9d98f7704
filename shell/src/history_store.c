/*
 * The line editor's history saved in, and restored from, the settings store.
 */
#include <string.h>

#include <akira/log.h>
#include <akira/shell_history_store.h>
#include <akira/storage.h>

AKIRA_LOG_MODULE_REGISTER(shell_hist);

int akira_shell_history_store_save(struct akira_shell_history_store *hs)
{
    const struct akira_shell_history *h = &hs->ed->history;
    /* Count back from the newest while the lines fit; then write them oldest first. */
    size_t total = 0;
    unsigned keep = 0;
    while (keep < AKIRA_SHELL_HISTORY_SAVED) {
        const char *line = akira_shell_history_get(h, keep);
        if (!line) break;
        size_t n = strlen(line) + 1;
        if (total + n > AKIRA_SETTINGS_VALUE_MAX) break;
        total += n;
        keep++;
    }
    char buf[AKIRA_SETTINGS_VALUE_MAX];
    size_t len = 0;
    for (unsigned age = keep; age-- > 0;) {
        const char *line = akira_shell_history_get(h, age);
        size_t n = strlen(line);
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
    }
    akira_storage_lock();
    int rc = akira_settings_set(hs->settings, AKIRA_SHELL_HISTORY_KEY, buf, len);
    akira_storage_unlock();
    return rc;
}

/* Only lines the terminal editor could have produced come back: a value set by hand
 * with control bytes must not send escape sequences to the terminal on Up. */
static bool printable(const char *p)
{
    for (; *p; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) return false;
    }
    return true;
}

static void on_line(void *user, const char *line)
{
    (void)line;
    struct akira_shell_history_store *hs = user;
    int rc = akira_shell_history_store_save(hs);
    if (rc && !hs->warned) {
        AKIRA_LOG_WRN("history not saved: %s", akira_err_str(rc));
        hs->warned = true;
    }
}

int akira_shell_history_store_attach(struct akira_shell_history_store *hs,
                                     struct akira_settings *settings, struct akira_shell_edit *ed)
{
    if (!hs || !settings || !ed) return AKIRA_EINVAL;
    hs->settings = settings;
    hs->ed = ed;
    hs->warned = false;

    char buf[AKIRA_SETTINGS_VALUE_MAX + 1];
    akira_storage_lock();
    int n = akira_settings_get(settings, AKIRA_SHELL_HISTORY_KEY, buf, sizeof(buf) - 1);
    akira_storage_unlock();
    int restored = 0;
    if (n >= 0) {
        buf[n] = '\0';
        /* Lines are '\n'-separated; a value not written here (set by hand) is still
         * read safely: empty and unprintable pieces are skipped, long ones cut by
         * history_add. */
        char *p = buf;
        while (p < buf + n) {
            char *end = memchr(p, '\n', (size_t)(buf + n - p));
            if (!end) end = buf + n;
            *end = '\0';
            if ((size_t)(end - p) == strlen(p) && printable(p) &&
                akira_shell_history_add(&ed->history, p))
                restored++;
            p = end + 1;
        }
    }
    akira_shell_edit_history_hook_set(ed, on_line, hs);
    if (n == AKIRA_ENOENT) return 0;
    return n < 0 ? n : restored;
}

/*
 * Shell history kept across reboots in the settings store.
 *
 * The board calls akira_shell_history_store_attach() once for its console session
 * before the first line is read (native_sim: only when the console is a terminal, so
 * piped scripts neither see nor change the saved history). It loads the saved lines
 * into the editor's history and hooks the editor so that every line recorded from
 * then on rewrites the saved copy.
 *
 * Format: one settings value under AKIRA_SHELL_HISTORY_KEY holding the newest lines,
 * oldest first, each ended by '\n': at most AKIRA_SHELL_HISTORY_SAVED lines and at
 * most AKIRA_SETTINGS_VALUE_MAX bytes (older lines are dropped first to fit). One
 * value means one atomic settings record: after a power cut the history reads as it
 * was before or after the last line, never a mix.
 *
 * Threads: the store is used under akira_storage_lock() (a no-op before the storage
 * service is up, e.g. a unit test with a private store); the hook runs on the
 * session's thread. A failed save (full store, flash error) is logged once per
 * session and does not disturb the shell: the line is still in the RAM history.
 */
#ifndef AKIRA_SHELL_HISTORY_STORE_H
#define AKIRA_SHELL_HISTORY_STORE_H

#include <akira/settings.h>
#include <akira/shell_edit.h>

#define AKIRA_SHELL_HISTORY_KEY   "akira/shell/history"
#define AKIRA_SHELL_HISTORY_SAVED 16

/* Per-session state: lives as long as the editor it is attached to. */
struct akira_shell_history_store {
    struct akira_settings *settings;
    struct akira_shell_edit *ed;
    bool warned;
};

/*
 * Restores the saved lines into ed's history (oldest first) and installs the save
 * hook. Returns the number of lines restored (0 when nothing was saved), or the
 * settings error of reading the key (the hook is installed anyway, so the next line
 * repairs the saved copy). AKIRA_EINVAL for NULL arguments (nothing installed).
 */
int akira_shell_history_store_attach(struct akira_shell_history_store *hs,
                                     struct akira_settings *settings, struct akira_shell_edit *ed);

/* Writes the editor's current history to the store now (what the hook does after
 * each line). 0 or the settings error. */
int akira_shell_history_store_save(struct akira_shell_history_store *hs);

#endif /* AKIRA_SHELL_HISTORY_STORE_H */

/*
 * Line editor with history and completion, for shell sessions.
 *
 * One editor per session, owned and called by the session's thread only. Memory is
 * fixed (no allocation): a line of at most AKIRA_SHELL_LINE_MAX - 1 bytes and the last
 * AKIRA_SHELL_HISTORY_DEPTH lines.
 *
 * On an interactive stream the editor understands these keys (VT100/xterm sequences):
 *   Left/Right, Ctrl-B/Ctrl-F   move the cursor        Home/End, Ctrl-A/Ctrl-E  line ends
 *   Up/Down, Ctrl-P/Ctrl-N      browse history         Backspace (DEL or ^H)    erase left
 *   Delete (ESC[3~)             erase under cursor     Ctrl-D  erase under cursor, EOF
 *   Ctrl-K  kill to end         Ctrl-U  kill to start  on an empty line
 *   Ctrl-W  kill previous word  Ctrl-C  drop the line  Ctrl-L  clear screen
 *   TAB     complete the word at the cursor (through the completion callback)
 *   Enter (CR, LF or CR LF)     finish the line
 * Unknown control keys and escape sequences are ignored; bytes above 0x7e are refused
 * (the terminal line is ASCII; piped input passes them through). Lines longer than the
 * terminal width wrap over several rows (width from io->columns).
 *
 * On a non-interactive stream the editor only collects bytes up to LF: nothing is
 * echoed, no prompt is written, CR and other control bytes are dropped.
 */
#ifndef AKIRA_SHELL_EDIT_H
#define AKIRA_SHELL_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include <akira/shell_io.h>

#define AKIRA_SHELL_LINE_MAX      256
#define AKIRA_SHELL_HISTORY_DEPTH 32

/* The last lines entered, newest first. Consecutive duplicates and empty lines are not
 * recorded. */
struct akira_shell_history {
    char lines[AKIRA_SHELL_HISTORY_DEPTH][AKIRA_SHELL_LINE_MAX];
    unsigned newest; /* slot of the newest line */
    unsigned count;
};

/* Adds a line (truncated to AKIRA_SHELL_LINE_MAX - 1 bytes). Returns true when it was
 * recorded, false for an empty line, a repeat of the newest entry or a secret line
 * (akira_shell_line_secret). */
bool akira_shell_history_add(struct akira_shell_history *h, const char *line);
/* Whether a command line sets or shows a secret, so that no history keeps it: `keys
 * ...`, `http token ...`, `settings set` of akira/http/..., akira/security... or
 * akira/shell/... (the HTTP token, the trust policy, the saved history itself). */
bool akira_shell_line_secret(const char *line);
/* The entry `age` steps back (0 = newest), or NULL past the oldest. */
const char *akira_shell_history_get(const struct akira_shell_history *h, unsigned age);

/*
 * Completion callback. `prefix` holds the line text before the word being completed
 * (prefix_len bytes, not NUL terminated); the callback returns its index-th candidate
 * for that position (0, 1, ... until NULL), e.g. every command name, or every
 * subcommand of the command named in the prefix. The editor filters candidates by
 * the word already typed, so the callback need not.
 */
typedef const char *(*akira_shell_complete_fn)(void *ctx, const char *prefix, size_t prefix_len,
                                               size_t index);

/* Called after a finished line was recorded in the history (not for empty lines or
 * repeats), on the session's thread; e.g. to persist the history. */
typedef void (*akira_shell_history_hook_fn)(void *user, const char *line);

enum akira_shell_edit_result {
    AKIRA_SHELL_EDIT_MORE = 0, /* the key was consumed, the line is not finished */
    AKIRA_SHELL_EDIT_LINE,     /* a line is finished: read it with akira_shell_edit_line() */
    AKIRA_SHELL_EDIT_EOF,      /* Ctrl-D on an empty line, or end of input */
};

struct akira_shell_edit {
    const struct akira_shell_io *io;
    const char *prompt;
    akira_shell_complete_fn complete;
    void *complete_ctx;
    char buf[AKIRA_SHELL_LINE_MAX];
    size_t len;
    size_t cursor;
    /* screen geometry: the line may wrap over several terminal rows */
    size_t prompt_len;
    size_t columns;
    size_t cur_row; /* terminal cursor's row, counted from the prompt's row */
    /* history browsing: 0 = editing a new line, n = showing history entry n - 1 */
    unsigned hist_pos;
    char draft[AKIRA_SHELL_LINE_MAX]; /* the new line, kept while browsing history */
    /* escape-sequence parser */
    int esc_state;
    unsigned esc_param;
    bool last_was_cr; /* swallow the LF of a CR LF pair */
    bool overflow;    /* plain input: the line was longer than the buffer */
    bool eof;         /* input ended; readline answers EOF from now on */
    struct akira_shell_history history;
    akira_shell_history_hook_fn history_hook;
    void *history_hook_user;
};

/* Sets up an editor writing to io. complete may be NULL (TAB is then ignored). */
void akira_shell_edit_init(struct akira_shell_edit *ed, const struct akira_shell_io *io,
                           akira_shell_complete_fn complete, void *complete_ctx);

/* Sets (or with NULL clears) the hook told about every line added to the history. To
 * restore a saved history, add its lines oldest first with akira_shell_history_add()
 * on ed->history before the first line is read. */
void akira_shell_edit_history_hook_set(struct akira_shell_edit *ed, akira_shell_history_hook_fn fn,
                                       void *user);

/* Starts a new line: remembers the prompt (must stay valid until the line is done) and
 * writes it when the stream is interactive. */
void akira_shell_edit_begin(struct akira_shell_edit *ed, const char *prompt);

/* Feeds one input byte, or AKIRA_SHELL_IO_EOF. Echo and redraw go to io->write. */
enum akira_shell_edit_result akira_shell_edit_feed(struct akira_shell_edit *ed, int ch);

/* The finished line (NUL terminated) after AKIRA_SHELL_EDIT_LINE; valid until the next
 * akira_shell_edit_begin(). The line is added to the history at that point. */
const char *akira_shell_edit_line(const struct akira_shell_edit *ed);

/* True when the finished line was longer than AKIRA_SHELL_LINE_MAX - 1 bytes and was
 * cut (only on non-interactive input; a terminal refuses extra keys with a bell).
 * Such a line is not added to the history; the session should not run it. */
bool akira_shell_edit_overflowed(const struct akira_shell_edit *ed);

/* akira_shell_edit_begin() followed by feeding io->read_char() until the line is done.
 * Blocks in read_char. Returns AKIRA_SHELL_EDIT_LINE or AKIRA_SHELL_EDIT_EOF. */
enum akira_shell_edit_result akira_shell_edit_readline(struct akira_shell_edit *ed,
                                                       const char *prompt);

/* For output that must appear while a line is being edited (e.g. a log line from
 * another thread, which the caller serializes with the editor): hide() erases the
 * prompt and the typed text and leaves the cursor at the start of the prompt's row;
 * after printing whole lines, redraw() puts the prompt and the text back with the
 * cursor where it was. No-ops when not interactive. */
void akira_shell_edit_hide(struct akira_shell_edit *ed);
void akira_shell_edit_redraw(struct akira_shell_edit *ed);

#endif /* AKIRA_SHELL_EDIT_H */

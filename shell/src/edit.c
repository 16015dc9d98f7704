/*
 * Line editor: turns a byte stream into lines, with VT100 editing on terminals.
 *
 * The editor is a state machine fed one byte at a time, so the same code serves a
 * blocking console (akira_shell_edit_readline) and, later, a network session that
 * receives bytes in packets. Screen updates are kept simple: typing at the end of the
 * line echoes the byte, anything else redraws the whole line (back to the prompt's
 * row, erase to the end of the screen, prompt, text, cursor back into place).
 */
#include <stdio.h>
#include <string.h>

#include <akira/shell_edit.h>

#define KEY_CTRL(c) ((c)&0x1f)
#define KEY_ESC     0x1b
#define KEY_DEL     0x7f

enum esc_state { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static void out(struct akira_shell_edit *ed, const char *s, size_t n)
{
    if (n > 0) ed->io->write(ed->io->ctx, s, n);
}

static void outs(struct akira_shell_edit *ed, const char *s)
{
    out(ed, s, strlen(s));
}

static void bell(struct akira_shell_edit *ed)
{
    outs(ed, "\a");
}

/*
 * Screen model: the text cell of buf[i] is prompt_len + i cells after the start of the
 * prompt's row, i.e. row (prompt_len + i) / columns, column (prompt_len + i) % columns.
 * The terminal cursor is kept on the cell of buf[cursor], and cur_row records its row.
 * A terminal that has just filled the last column of a row leaves the cursor there
 * ("pending wrap") instead of on the next row; whenever the text ends exactly at a row
 * boundary the editor writes CR LF so the cursor really is where the arithmetic says.
 */
static void seq(struct akira_shell_edit *ed, size_t n, char code)
{
    if (n == 0) return;
    char s[24];
    int k = snprintf(s, sizeof(s), "\x1b[%zu%c", n, code);
    out(ed, s, (size_t)k);
}

/* Moves the terminal cursor to the cell of buf[pos], from anywhere on row cur_row. */
static void goto_pos(struct akira_shell_edit *ed, size_t pos)
{
    size_t cell = ed->prompt_len + pos;
    size_t row = cell / ed->columns;
    if (row < ed->cur_row)
        seq(ed, ed->cur_row - row, 'A');
    else
        seq(ed, row - ed->cur_row, 'B');
    outs(ed, "\r");
    seq(ed, cell % ed->columns, 'C');
    ed->cur_row = row;
}

/* After writing text that ends at cell `end`, settle a pending wrap. */
static void settle(struct akira_shell_edit *ed, size_t end)
{
    if (end > 0 && end % ed->columns == 0) outs(ed, "\r\n");
    ed->cur_row = end / ed->columns;
}

/* Puts the terminal cursor after the last character, before output below the line. */
static void goto_end(struct akira_shell_edit *ed)
{
    if (ed->cursor != ed->len) goto_pos(ed, ed->len);
}

static void hide(struct akira_shell_edit *ed)
{
    seq(ed, ed->cur_row, 'A');
    outs(ed, "\r\x1b[J");
    ed->cur_row = 0;
}

static void redraw(struct akira_shell_edit *ed)
{
    hide(ed);
    if (ed->prompt) outs(ed, ed->prompt);
    out(ed, ed->buf, ed->len);
    settle(ed, ed->prompt_len + ed->len);
    goto_pos(ed, ed->cursor);
}

void akira_shell_edit_hide(struct akira_shell_edit *ed)
{
    if (ed->io->interactive) hide(ed);
}

void akira_shell_edit_redraw(struct akira_shell_edit *ed)
{
    if (ed->io->interactive) redraw(ed);
}

void akira_shell_edit_init(struct akira_shell_edit *ed, const struct akira_shell_io *io,
                           akira_shell_complete_fn complete, void *complete_ctx)
{
    memset(ed, 0, sizeof(*ed));
    ed->io = io;
    ed->complete = complete;
    ed->complete_ctx = complete_ctx;
    ed->columns = 80; /* until begin() asks the stream */
}

void akira_shell_edit_history_hook_set(struct akira_shell_edit *ed, akira_shell_history_hook_fn fn,
                                       void *user)
{
    ed->history_hook = fn;
    ed->history_hook_user = user;
}

void akira_shell_edit_begin(struct akira_shell_edit *ed, const char *prompt)
{
    ed->prompt = prompt;
    ed->len = 0;
    ed->cursor = 0;
    ed->buf[0] = '\0';
    ed->hist_pos = 0;
    ed->esc_state = ESC_NONE;
    ed->overflow = false;
    ed->cur_row = 0;
    ed->prompt_len = prompt ? strlen(prompt) : 0;
    unsigned cols = ed->io->columns ? ed->io->columns(ed->io->ctx) : 0;
    ed->columns = cols ? cols : 80;
    if (ed->io->interactive && prompt) outs(ed, prompt);
}

const char *akira_shell_edit_line(const struct akira_shell_edit *ed)
{
    return ed->buf;
}

bool akira_shell_edit_overflowed(const struct akira_shell_edit *ed)
{
    return ed->overflow;
}

/* Inserts n bytes at the cursor; false (and nothing inserted) when they do not fit. */
static bool insert(struct akira_shell_edit *ed, const char *s, size_t n)
{
    if (ed->len + n > AKIRA_SHELL_LINE_MAX - 1) return false;
    memmove(ed->buf + ed->cursor + n, ed->buf + ed->cursor, ed->len - ed->cursor);
    memcpy(ed->buf + ed->cursor, s, n);
    ed->len += n;
    ed->cursor += n;
    ed->buf[ed->len] = '\0';
    return true;
}

static void erase(struct akira_shell_edit *ed, size_t from, size_t to)
{
    memmove(ed->buf + from, ed->buf + to, ed->len - to);
    ed->len -= to - from;
    ed->buf[ed->len] = '\0';
    if (ed->cursor > to)
        ed->cursor -= to - from;
    else if (ed->cursor > from)
        ed->cursor = from;
}

static void load(struct akira_shell_edit *ed, const char *text)
{
    size_t n = strnlen(text, AKIRA_SHELL_LINE_MAX - 1);
    memcpy(ed->buf, text, n);
    ed->buf[n] = '\0';
    ed->len = n;
    ed->cursor = n;
}

static void history_older(struct akira_shell_edit *ed)
{
    const char *entry = akira_shell_history_get(&ed->history, ed->hist_pos);
    if (!entry) {
        bell(ed);
        return;
    }
    /* Keep the line being typed so Down past the newest entry brings it back. */
    if (ed->hist_pos == 0) memcpy(ed->draft, ed->buf, ed->len + 1);
    ed->hist_pos++;
    load(ed, entry);
    redraw(ed);
}

static void history_newer(struct akira_shell_edit *ed)
{
    if (ed->hist_pos == 0) {
        bell(ed);
        return;
    }
    ed->hist_pos--;
    load(ed,
         ed->hist_pos == 0 ? ed->draft : akira_shell_history_get(&ed->history, ed->hist_pos - 1));
    redraw(ed);
}

static void move_to(struct akira_shell_edit *ed, size_t pos)
{
    if (pos == ed->cursor) return;
    ed->cursor = pos;
    goto_pos(ed, pos);
}

static void kill_range(struct akira_shell_edit *ed, size_t from, size_t to)
{
    if (from == to) return;
    erase(ed, from, to);
    redraw(ed);
}

/* Lists the candidates on their own line, then redraws the prompt below them. */
static void complete_list(struct akira_shell_edit *ed, const char *prefix, size_t prefix_len,
                          const char *word, size_t word_len)
{
    goto_end(ed);
    outs(ed, "\r\n");
    for (size_t i = 0;; i++) {
        const char *c = ed->complete(ed->complete_ctx, prefix, prefix_len, i);
        if (!c) break;
        if (strncmp(c, word, word_len) != 0) continue;
        outs(ed, c);
        outs(ed, "  ");
    }
    outs(ed, "\r\n");
    ed->cur_row = 0;
    redraw(ed);
}

static void complete(struct akira_shell_edit *ed)
{
    if (!ed->complete) {
        bell(ed);
        return;
    }
    size_t start = ed->cursor;
    while (start > 0 && ed->buf[start - 1] != ' ')
        start--;
    /* The callback gets its own copy: it may tokenize (write into) the prefix. */
    char prefix[AKIRA_SHELL_LINE_MAX];
    memcpy(prefix, ed->buf, start);
    prefix[start] = '\0';
    const char *word = ed->buf + start;
    size_t word_len = ed->cursor - start;

    const char *first = NULL;
    size_t matches = 0;
    size_t common = 0; /* length of the prefix all matches share */
    for (size_t i = 0;; i++) {
        memcpy(prefix, ed->buf, start);
        prefix[start] = '\0';
        const char *c = ed->complete(ed->complete_ctx, prefix, start, i);
        if (!c) break;
        if (strncmp(c, word, word_len) != 0) continue;
        if (matches++ == 0) {
            first = c;
            common = strlen(c);
        } else {
            size_t k = 0;
            while (k < common && c[k] == first[k])
                k++;
            common = k;
        }
    }
    if (matches == 0) {
        bell(ed);
        return;
    }
    if (matches == 1) {
        bool at_end = ed->cursor == ed->len || ed->buf[ed->cursor] != ' ';
        if (!insert(ed, first + word_len, common - word_len) || (at_end && !insert(ed, " ", 1))) {
            bell(ed);
        }
        redraw(ed);
        return;
    }
    if (common > word_len) {
        if (!insert(ed, first + word_len, common - word_len)) bell(ed);
        redraw(ed);
        return;
    }
    memcpy(prefix, ed->buf, start);
    prefix[start] = '\0';
    complete_list(ed, prefix, start, word, word_len);
}

static enum akira_shell_edit_result finish(struct akira_shell_edit *ed)
{
    ed->buf[ed->len] = '\0';
    if (ed->io->interactive) {
        goto_end(ed);
        outs(ed, "\r\n");
        ed->cur_row = 0;
    }
    if (!ed->overflow && akira_shell_history_add(&ed->history, ed->buf) && ed->history_hook) {
        ed->history_hook(ed->history_hook_user, ed->buf);
    }
    ed->hist_pos = 0;
    return AKIRA_SHELL_EDIT_LINE;
}

/* Plain line input for pipes and scripts: no echo, no editing. */
static enum akira_shell_edit_result feed_plain(struct akira_shell_edit *ed, int ch)
{
    if (ch == AKIRA_SHELL_IO_EOF) {
        /* A last line without a newline still runs; EOF is reported on the next call. */
        if (ed->len > 0) return finish(ed);
        return AKIRA_SHELL_EDIT_EOF;
    }
    if (ch == '\n') return finish(ed);
    char c = (char)ch;
    if (c == '\t') c = ' ';
    if ((unsigned char)c < 0x20 || c == KEY_DEL) return AKIRA_SHELL_EDIT_MORE;
    /* A script line cut short could run a different command: remember, and let the
     * session refuse the line. */
    if (!insert(ed, &c, 1)) ed->overflow = true;
    return AKIRA_SHELL_EDIT_MORE;
}

static void key_left(struct akira_shell_edit *ed)
{
    if (ed->cursor > 0) move_to(ed, ed->cursor - 1);
}

static void key_right(struct akira_shell_edit *ed)
{
    if (ed->cursor < ed->len) move_to(ed, ed->cursor + 1);
}

static void key_delete(struct akira_shell_edit *ed)
{
    if (ed->cursor < ed->len) kill_range(ed, ed->cursor, ed->cursor + 1);
}

static void key_backspace(struct akira_shell_edit *ed)
{
    if (ed->cursor == 0) return;
    /* At the end of the line and not at a row's first column: step back and erase
     * the rest of the row. Anything else redraws (the erased cell is on another row). */
    if (ed->cursor == ed->len && (ed->prompt_len + ed->cursor) % ed->columns != 0) {
        erase(ed, ed->cursor - 1, ed->cursor);
        outs(ed, "\b\x1b[K");
        return;
    }
    kill_range(ed, ed->cursor - 1, ed->cursor);
}

static void key_kill_word(struct akira_shell_edit *ed)
{
    size_t from = ed->cursor;
    while (from > 0 && ed->buf[from - 1] == ' ')
        from--;
    while (from > 0 && ed->buf[from - 1] != ' ')
        from--;
    kill_range(ed, from, ed->cursor);
}

static void feed_escape(struct akira_shell_edit *ed, int ch)
{
    switch (ed->esc_state) {
    case ESC_START:
        if (ch == '[') {
            ed->esc_state = ESC_CSI;
            ed->esc_param = 0;
        } else if (ch == 'O') {
            ed->esc_state = ESC_SS3;
        } else {
            ed->esc_state = ESC_NONE; /* Alt-<key>: not bound */
        }
        return;
    case ESC_CSI:
        if (ch >= '0' && ch <= '9') {
            if (ed->esc_param < 1000) ed->esc_param = ed->esc_param * 10 + (unsigned)(ch - '0');
            return;
        }
        if (ch == ';') {
            /* Modifier parameters (e.g. ESC[1;5C for Ctrl-Right) are ignored; the
             * key is the final byte. */
            ed->esc_param = 0;
            return;
        }
        if (ch < 0x40 || ch > 0x7e) return; /* intermediate bytes: keep reading */
        ed->esc_state = ESC_NONE;
        switch (ch) {
        case 'A': history_older(ed); return;
        case 'B': history_newer(ed); return;
        case 'C': key_right(ed); return;
        case 'D': key_left(ed); return;
        case 'H': move_to(ed, 0); return;
        case 'F': move_to(ed, ed->len); return;
        case '~':
            switch (ed->esc_param) {
            case 1:
            case 7: move_to(ed, 0); return;
            case 4:
            case 8: move_to(ed, ed->len); return;
            case 3: key_delete(ed); return;
            default: return;
            }
        default: return;
        }
    case ESC_SS3:
        ed->esc_state = ESC_NONE;
        switch (ch) {
        case 'A': history_older(ed); return;
        case 'B': history_newer(ed); return;
        case 'C': key_right(ed); return;
        case 'D': key_left(ed); return;
        case 'H': move_to(ed, 0); return;
        case 'F': move_to(ed, ed->len); return;
        default: return;
        }
    default: ed->esc_state = ESC_NONE; return;
    }
}

enum akira_shell_edit_result akira_shell_edit_feed(struct akira_shell_edit *ed, int ch)
{
    if (!ed->io->interactive) return feed_plain(ed, ch);
    if (ch == AKIRA_SHELL_IO_EOF) return AKIRA_SHELL_EDIT_EOF;

    bool after_cr = ed->last_was_cr;
    ed->last_was_cr = false;
    if (ed->esc_state != ESC_NONE) {
        feed_escape(ed, ch);
        return AKIRA_SHELL_EDIT_MORE;
    }
    switch (ch) {
    case '\r': ed->last_was_cr = true; return finish(ed);
    case '\n':
        /* Terminals send CR, telnet sends CR LF, pipes into a pty LF: one Enter each. */
        if (after_cr) return AKIRA_SHELL_EDIT_MORE;
        return finish(ed);
    case '\0': return AKIRA_SHELL_EDIT_MORE; /* telnet's CR NUL */
    case KEY_ESC: ed->esc_state = ESC_START; return AKIRA_SHELL_EDIT_MORE;
    case KEY_CTRL('A'): move_to(ed, 0); break;
    case KEY_CTRL('E'): move_to(ed, ed->len); break;
    case KEY_CTRL('B'): key_left(ed); break;
    case KEY_CTRL('F'): key_right(ed); break;
    case KEY_CTRL('P'): history_older(ed); break;
    case KEY_CTRL('N'): history_newer(ed); break;
    case KEY_CTRL('K'): kill_range(ed, ed->cursor, ed->len); break;
    case KEY_CTRL('U'): kill_range(ed, 0, ed->cursor); break;
    case KEY_CTRL('W'): key_kill_word(ed); break;
    case KEY_CTRL('H'):
    case KEY_DEL: key_backspace(ed); break;
    case KEY_CTRL('D'):
        if (ed->len == 0) {
            outs(ed, "\r\n");
            return AKIRA_SHELL_EDIT_EOF;
        }
        key_delete(ed);
        break;
    case KEY_CTRL('C'):
        goto_end(ed);
        outs(ed, "^C\r\n");
        ed->cur_row = 0;
        ed->len = 0;
        ed->cursor = 0;
        ed->buf[0] = '\0';
        ed->hist_pos = 0;
        ed->overflow = false;
        if (ed->prompt) outs(ed, ed->prompt);
        break;
    case KEY_CTRL('L'):
        outs(ed, "\x1b[H\x1b[2J");
        ed->cur_row = 0;
        redraw(ed);
        break;
    case '\t': complete(ed); break;
    default:
        if (ch < 0x20) break; /* unbound control key */
        if (ch > 0x7e) {
            /* Non-ASCII: a UTF-8 character is several bytes but one screen cell, which
             * would put the cursor arithmetic off. The terminal shell is ASCII. */
            bell(ed);
            break;
        }
        {
            char c = (char)ch;
            bool at_end = ed->cursor == ed->len;
            if (!insert(ed, &c, 1)) {
                bell(ed); /* refused: the line stays as it is */
            } else if (at_end) {
                out(ed, &c, 1);
                settle(ed, ed->prompt_len + ed->len);
            } else {
                redraw(ed);
            }
        }
        break;
    }
    return AKIRA_SHELL_EDIT_MORE;
}

enum akira_shell_edit_result akira_shell_edit_readline(struct akira_shell_edit *ed,
                                                       const char *prompt)
{
    if (ed->eof) return AKIRA_SHELL_EDIT_EOF;
    akira_shell_edit_begin(ed, prompt);
    for (;;) {
        int ch = ed->io->read_char(ed->io->ctx);
        enum akira_shell_edit_result r = akira_shell_edit_feed(ed, ch);
        if (ch == AKIRA_SHELL_IO_EOF) ed->eof = true;
        if (r != AKIRA_SHELL_EDIT_MORE) return r;
        if (ed->eof) return AKIRA_SHELL_EDIT_EOF;
    }
}

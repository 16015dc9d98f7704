/*
 * Line editor on a narrow terminal: what the user sees must match the line.
 *
 * A small VT100 model (printable text with the pending-wrap rule real terminals have,
 * CR, LF, BS, cursor moves, erase in line/display) interprets everything the editor
 * writes. After every key, the screen must show the prompt and the line wrapped at the
 * terminal width, nothing else below, with the cursor on the cell of the edit cursor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/shell_edit.h>

#define ROWS 64
#define COLS 10

static struct {
    char cell[ROWS][COLS];
    int row, col;
    int pending_wrap;
    int esc; /* 0 none, 1 ESC, 2 CSI */
    int param;
} vt;

static void vt_reset(void)
{
    memset(&vt, 0, sizeof(vt));
    memset(vt.cell, ' ', sizeof(vt.cell));
}

static void vt_clear_row_from(int r, int c)
{
    for (int i = c; i < COLS; i++)
        vt.cell[r][i] = ' ';
}

static void vt_csi(char final)
{
    int n = vt.param ? vt.param : 1;
    vt.pending_wrap = 0;
    switch (final) {
    case 'A': vt.row = vt.row - n < 0 ? 0 : vt.row - n; break;
    case 'B': vt.row = vt.row + n >= ROWS ? ROWS - 1 : vt.row + n; break;
    case 'C': vt.col = vt.col + n >= COLS ? COLS - 1 : vt.col + n; break;
    case 'D': vt.col = vt.col - n < 0 ? 0 : vt.col - n; break;
    case 'K': vt_clear_row_from(vt.row, vt.col); break;
    case 'J':
        vt_clear_row_from(vt.row, vt.col);
        for (int r = vt.row + 1; r < ROWS; r++)
            vt_clear_row_from(r, 0);
        break;
    case 'H': vt.row = vt.col = 0; break;
    default: fail_msg("unexpected CSI %c", final);
    }
}

static void vt_put(char ch)
{
    if (vt.esc == 1) {
        assert_int_equal(ch, '[');
        vt.esc = 2;
        vt.param = 0;
        return;
    }
    if (vt.esc == 2) {
        if (ch >= '0' && ch <= '9') {
            vt.param = vt.param * 10 + (ch - '0');
            return;
        }
        vt.esc = 0;
        vt_csi(ch);
        return;
    }
    switch (ch) {
    case 0x1b: vt.esc = 1; return;
    case '\r':
        vt.col = 0;
        vt.pending_wrap = 0;
        return;
    case '\n':
        assert_true(vt.row < ROWS - 1);
        vt.row++;
        vt.pending_wrap = 0;
        return;
    case '\b':
        if (vt.col > 0) vt.col--;
        vt.pending_wrap = 0;
        return;
    case '\a': return;
    default: break;
    }
    assert_true(ch >= 0x20 && ch < 0x7f);
    if (vt.pending_wrap) {
        assert_true(vt.row < ROWS - 1);
        vt.row++;
        vt.col = 0;
        vt.pending_wrap = 0;
    }
    vt.cell[vt.row][vt.col] = ch;
    if (vt.col == COLS - 1)
        vt.pending_wrap = 1;
    else
        vt.col++;
}

static int vt_write(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        vt_put(buf[i]);
    return 0;
}

static unsigned vt_columns(void *ctx)
{
    (void)ctx;
    return COLS;
}

static int no_input(void *ctx)
{
    (void)ctx;
    return AKIRA_SHELL_IO_EOF;
}

static const struct akira_shell_io vt_io = {
    .read_char = no_input,
    .write = vt_write,
    .columns = vt_columns,
    .interactive = true,
};

/* The screen from row `top` down shows prompt + line, and the cursor sits on the
 * edit cursor's cell. */
static void check_screen(const struct akira_shell_edit *ed, const char *prompt, int top)
{
    char text[AKIRA_SHELL_LINE_MAX + 32];
    snprintf(text, sizeof(text), "%s%s", prompt, ed->buf);
    size_t n = strlen(text);
    for (int r = top; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            size_t i = (size_t)(r - top) * COLS + (size_t)c;
            char want = i < n ? text[i] : ' ';
            if (vt.cell[r][c] != want) {
                fail_msg("cell %d,%d is '%c', want '%c' (line \"%s\", cursor %zu)", r - top, c,
                         vt.cell[r][c], want, ed->buf, ed->cursor);
            }
        }
    }
    size_t at = strlen(prompt) + ed->cursor;
    assert_int_equal(vt.row - top, (int)(at / COLS));
    assert_int_equal(vt.col, (int)(at % COLS));
    assert_int_equal(vt.pending_wrap, 0);
}

static void feed(struct akira_shell_edit *ed, const char *keys)
{
    for (const char *k = keys; *k; k++) {
        assert_int_equal(akira_shell_edit_feed(ed, (unsigned char)*k), AKIRA_SHELL_EDIT_MORE);
    }
}

static void test_wrapping_edits(void **state)
{
    (void)state;
    static struct akira_shell_edit ed;
    vt_reset();
    akira_shell_edit_init(&ed, &vt_io, NULL, NULL);
    akira_shell_edit_begin(&ed, "> ");
    check_screen(&ed, "> ", 0);
    /* exactly one row, then across the boundary */
    feed(&ed, "abcdefgh");
    check_screen(&ed, "> ", 0);
    feed(&ed, "ijklmnopqrstuvwx");
    check_screen(&ed, "> ", 0);
    /* left across two row boundaries, insert, home, end */
    feed(&ed, "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D");
    check_screen(&ed, "> ", 0);
    feed(&ed, "XY");
    check_screen(&ed, "> ", 0);
    feed(&ed, "\x01");
    check_screen(&ed, "> ", 0);
    feed(&ed, "\x05");
    check_screen(&ed, "> ", 0);
    /* backspace back over a row boundary */
    for (int i = 0; i < 12; i++) {
        feed(&ed, "\x7f");
        check_screen(&ed, "> ", 0);
    }
    /* kill the start, the line shrinks to one row */
    feed(&ed, "\x1b[D\x1b[D\x15");
    check_screen(&ed, "> ", 0);
    /* hide + redraw around foreign output keeps the screen right */
    akira_shell_edit_hide(&ed);
    vt_write(NULL, "log line\r\n", 10);
    akira_shell_edit_redraw(&ed);
    check_screen(&ed, "> ", 1);
    assert_memory_equal(vt.cell[0], "log line  ", COLS);
}

static void test_random_keys_keep_screen_in_sync(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "a",    "b",       "c",    " ",    "xyz",  "\x1b[D", "\x1b[C", "\x01",       "\x05",
        "\x7f", "\x1b[3~", "\x0b", "\x15", "\x17", "\x1b[H", "\x1b[F", "0123456789",
    };
    static struct akira_shell_edit ed;
    srand(1234);
    for (int round = 0; round < 40; round++) {
        vt_reset();
        akira_shell_edit_init(&ed, &vt_io, NULL, NULL);
        akira_shell_edit_begin(&ed, "akira> ");
        for (int i = 0; i < 150; i++) {
            /* bias toward typing so lines get long enough to wrap several times */
            size_t k = (size_t)rand() % (sizeof(keys) / sizeof(keys[0]) + 6);
            feed(&ed, k < sizeof(keys) / sizeof(keys[0]) ? keys[k] : "wxyz");
            check_screen(&ed, "akira> ", 0);
        }
        /* Enter leaves the cursor on a fresh row below the whole line */
        size_t rows = (strlen("akira> ") + ed.len) / COLS;
        assert_int_equal(akira_shell_edit_feed(&ed, '\r'), AKIRA_SHELL_EDIT_LINE);
        assert_int_equal(vt.row, (int)rows + 1);
        assert_int_equal(vt.col, 0);
    }
}

/* Any byte sequence, including broken escape sequences and non-ASCII bytes, keeps the
 * editor's state consistent and the screen in sync (the VT model also fails on any
 * unexpected output byte). */
static void test_random_bytes(void **state)
{
    (void)state;
    static struct akira_shell_edit ed;
    srand(99);
    for (int round = 0; round < 200; round++) {
        vt_reset();
        akira_shell_edit_init(&ed, &vt_io, NULL, NULL);
        akira_shell_edit_begin(&ed, "> ");
        for (int i = 0; i < 200; i++) {
            int ch = rand() % 256;
            if (ch == '\r' || ch == '\n' || ch == 0x03 || ch == 0x04 || ch == 0x0c || ch == '\t') {
                continue; /* line end, Ctrl-C/D/L, TAB: covered elsewhere, they move rows */
            }
            if (rand() % 8 == 0) ch = 0x1b; /* many escape sequences */
            assert_int_equal(akira_shell_edit_feed(&ed, ch), AKIRA_SHELL_EDIT_MORE);
            assert_true(ed.len < AKIRA_SHELL_LINE_MAX);
            assert_true(ed.cursor <= ed.len);
            assert_int_equal(strlen(ed.buf), ed.len);
            if (ed.esc_state == 0) check_screen(&ed, "> ", 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapping_edits),
        cmocka_unit_test(test_random_keys_keep_screen_in_sync),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * A scripted shell stream for unit tests: input comes from a byte string, output is
 * collected in a buffer the test inspects.
 */
#ifndef TESTS_SHELL_FAKE_IO_H
#define TESTS_SHELL_FAKE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <akira/shell_io.h>

struct fake_io {
    const char *in;
    size_t in_len;
    size_t in_pos;
    char out[16384];
    size_t out_len;
    struct akira_shell_io io;
};

static int fake_read_char(void *ctx)
{
    struct fake_io *f = ctx;
    if (f->in_pos >= f->in_len) return AKIRA_SHELL_IO_EOF;
    return (unsigned char)f->in[f->in_pos++];
}

static int fake_write(void *ctx, const char *buf, size_t len)
{
    struct fake_io *f = ctx;
    size_t room = sizeof(f->out) - 1 - f->out_len;
    if (len > room) len = room;
    memcpy(f->out + f->out_len, buf, len);
    f->out_len += len;
    f->out[f->out_len] = '\0';
    return 0;
}

/* Input is `len` bytes so tests can feed NUL and other control bytes. */
static inline void fake_io_init(struct fake_io *f, const char *in, size_t len, bool interactive)
{
    memset(f, 0, sizeof(*f));
    f->in = in;
    f->in_len = len;
    f->io.read_char = fake_read_char;
    f->io.write = fake_write;
    f->io.ctx = f;
    f->io.interactive = interactive;
}

static inline void fake_io_set_input(struct fake_io *f, const char *in, size_t len)
{
    f->in = in;
    f->in_len = len;
    f->in_pos = 0;
}

static inline void fake_io_clear_output(struct fake_io *f)
{
    f->out_len = 0;
    f->out[0] = '\0';
}

#endif /* TESTS_SHELL_FAKE_IO_H */

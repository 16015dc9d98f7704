/*
 * aot_files.h - the AOT tests' module and section files (made at build time in AOT_DIR,
 * tests/engine/CMakeLists.txt) read whole, and a reader over one of them. For cmocka
 * tests: include after <cmocka.h>, with AOT_DIR defined.
 */
#ifndef AKIRA_TEST_AOT_FILES_H
#define AKIRA_TEST_AOT_FILES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct file {
    uint8_t *p;
    size_t n;
} file;

static inline file slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", AOT_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    file r = {NULL, (size_t)ftell(f)};
    fseek(f, 0, SEEK_SET);
    r.p = malloc(r.n);
    assert_int_equal(fread(r.p, 1, r.n, f), r.n);
    fclose(f);
    return r;
}

/* aw_read_fn over a file */
static inline int rd(void *ctx, uint32_t off, void *dst, uint32_t len)
{
    const file *b = ctx;
    if (off > b->n || len > b->n - off) return -1;
    memcpy(dst, b->p + off, len);
    return 0;
}

#endif

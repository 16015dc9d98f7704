/*
 * modbuild.h - builds small Wasm binaries byte by byte for the loader's unit tests.
 */
#ifndef AKIRA_TEST_MODBUILD_H
#define AKIRA_TEST_MODBUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct mb {
    uint8_t b[8192];
    size_t n;
} mb;

static inline void mb_bytes(mb *m, const void *p, size_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static inline void mb_u32(mb *m, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        m->b[m->n++] = byte | (v ? 0x80 : 0);
    } while (v);
}

static inline void mb_header(mb *m)
{
    m->n = 0;
    mb_bytes(m, "\0asm\1\0\0\0", 8);
}

static inline void mb_section(mb *m, uint8_t id, const void *payload, size_t n)
{
    m->b[m->n++] = id;
    mb_u32(m, (uint32_t)n);
    mb_bytes(m, payload, n);
}

/* Signed LEB128 (i32.const, i64.const). */
static inline void mb_s64(mb *m, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7f;
        v >>= 7; /* arithmetic on every compiler this builds with */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        m->b[m->n++] = byte | (done ? 0 : 0x80);
        if (done) return;
    }
}

static inline void mb_s32(mb *m, int32_t v)
{
    mb_s64(m, v);
}

/* A module of one function: type section with the one functype `type` (0x60 ...),
 * a function section, with `pages` > 0 a memory of that many pages (maximum 2), the
 * export "f", and the code section with `body` (locals declaration through the final
 * end). */
static inline void mb_func_module_mem(mb *m, uint32_t pages, const void *type, size_t tn,
                                      const void *body, size_t bn)
{
    mb_header(m);
    uint8_t sec[4096];
    sec[0] = 1;
    memcpy(sec + 1, type, tn);
    mb_section(m, 1, sec, tn + 1);
    mb_section(m, 3, "\1\0", 2);
    if (pages) {
        uint8_t mem[4] = {1, 1, (uint8_t)pages, 2};
        mb_section(m, 5, mem, sizeof mem);
    }
    mb_section(m, 7, "\1\1f\0\0", 5);
    mb tmp = {.n = 0};
    mb_u32(&tmp, 1);
    mb_u32(&tmp, (uint32_t)bn);
    mb_bytes(&tmp, body, bn);
    mb_section(m, 10, tmp.b, tmp.n);
}

static inline void mb_func_module(mb *m, const void *type, size_t tn, const void *body, size_t bn)
{
    mb_func_module_mem(m, 0, type, tn, body, bn);
}

/* An active data segment section: `n` bytes at constant address `at` of memory 0. */
static inline void mb_data(mb *m, uint32_t at, const void *bytes, size_t n)
{
    mb tmp = {.n = 0};
    mb_u32(&tmp, 1);
    tmp.b[tmp.n++] = 0;    /* active, memory 0 */
    tmp.b[tmp.n++] = 0x41; /* i32.const at */
    mb_s32(&tmp, (int32_t)at);
    tmp.b[tmp.n++] = 0x0b;
    mb_u32(&tmp, (uint32_t)n);
    mb_bytes(&tmp, bytes, n);
    mb_section(m, 11, tmp.b, tmp.n);
}

#endif

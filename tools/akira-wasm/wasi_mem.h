/*
 * wasi_mem.h - guest memory access for the WASI host functions.
 *
 * Every guest address goes through aw_memory_ptr() (bounds-checked); loads and stores
 * are little-endian byte by byte because guest structures need not be aligned for the
 * host and Wasm is little-endian whatever the host is.
 */
#ifndef AKIRA_CLI_WASI_MEM_H
#define AKIRA_CLI_WASI_MEM_H

#include "wasi.h"

#include <stdint.h>

/* Host pointer to guest range [addr, addr+len) of the caller's memory 0, or NULL when
 * the range is outside it (or the instance has no memory). A zero-length range needs
 * only a valid start, which any address up to the memory size is. */
static inline uint8_t *wasi_ptr(aw_instance *caller, uint32_t addr, uint64_t len)
{
    aw_memory *mem = aw_instance_memory(caller, 0);
    if (!mem) return NULL;
    if (len == 0) {
        static uint8_t empty;
        return (uint64_t)addr <= aw_memory_size(mem) ? &empty : NULL;
    }
    return aw_memory_ptr(mem, addr, len);
}

static inline uint32_t wasi_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t wasi_ld64(const uint8_t *p)
{
    return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}

static inline void wasi_st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void wasi_st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void wasi_st64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Store a u32 / u64 result at guest `addr`; false when out of bounds. */
static inline bool wasi_put32(aw_instance *c, uint32_t addr, uint32_t v)
{
    uint8_t *p = wasi_ptr(c, addr, 4);
    if (p) wasi_st32(p, v);
    return p != NULL;
}

static inline bool wasi_put64(aw_instance *c, uint32_t addr, uint64_t v)
{
    uint8_t *p = wasi_ptr(c, addr, 8);
    if (p) wasi_st64(p, v);
    return p != NULL;
}

/* Host functions answer a WASI errno in io[0]; returning AW_OK keeps the app running. */
static inline aw_status wasi_ret(aw_val *io, uint16_t err)
{
    io[0].i32 = err;
    return AW_OK;
}

#endif /* AKIRA_CLI_WASI_MEM_H */

/*
 * CoreMark porting layer of AkiraOS's Cortex-M benchmark (bench/mcu): the same port for
 * the native Thumb-2 build and the wasm32 build run on the engine, so the two differ
 * only in the compiler's target. CoreMark's own sources are read from
 * ../shared/bench/coremark. Time is the board's 25 MHz cycle counter (under QEMU's
 * -icount shift=0, one tick is 40 instructions); output goes through cm_putc. Both
 * come from the bench image (bench_main.c), imported by the wasm build from "env".
 * `make bench` on the host reuses this port with bench/wasm/coremark_host.c (CPU-time
 * microseconds, -DCM_TICKS_PER_SEC=1000000; WASI for the wasm32 build).
 */
#ifndef CORE_PORTME_H
#define CORE_PORTME_H

#include <stddef.h>
#include <stdint.h>

#define HAS_FLOAT         0
#define HAS_TIME_H        0
#define USE_CLOCK         0
#define HAS_STDIO         0
#define HAS_PRINTF        0
#define SEED_METHOD       SEED_VOLATILE
#define MEM_METHOD        MEM_STACK
#define MULTITHREAD       1
#define MAIN_HAS_NOARGC   1
#define MAIN_HAS_NORETURN 0
#ifndef COMPILER_VERSION
#define COMPILER_VERSION __VERSION__
#endif
#ifndef COMPILER_FLAGS
#define COMPILER_FLAGS FLAGS_STR
#endif
#define MEM_LOCATION "STACK"

typedef signed short ee_s16;
typedef unsigned short ee_u16;
typedef signed int ee_s32;
typedef unsigned char ee_u8;
typedef unsigned int ee_u32;
/* pointer-sized: the host build is 64-bit (uintptr_t is ee_u32 on Thumb-2 and wasm32) */
typedef uintptr_t ee_ptr_int;
typedef size_t ee_size_t;
typedef float ee_f32;

#define align_mem(x) (void *)(4 + (((ee_ptr_int)(x)-1) & ~3))

#define CORETIMETYPE ee_u32
typedef ee_u32 CORE_TICKS;

typedef struct CORE_PORTABLE_S {
    ee_u8 portable_id;
} core_portable;

extern ee_u32 default_num_contexts;

void portable_init(core_portable *p, int *argc, char *argv[]);
void portable_fini(core_portable *p);
int ee_printf(const char *fmt, ...);

/* From the bench image: the board's cycle counter and one console byte. */
unsigned cm_cycles(void);
void cm_putc(int c);

#endif

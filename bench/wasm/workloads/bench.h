/*
 * bench.h - the one export every workload provides.
 *
 * `bench()` runs the workload a fixed number of times and returns a checksum of what it
 * computed, so every runner (native, akira-wasm, wasm-interp, node) can be checked for
 * the same answer. It takes no arguments because wabt's wasm-interp can only call
 * exports without arguments (--run-all-exports). It must be re-runnable: it resets its
 * own state, since the drivers call it several times in one instance.
 */
#ifndef AKIRA_BENCH_H
#define AKIRA_BENCH_H

#include <stdint.h>

#ifdef __wasm__
#define BENCH_EXPORT __attribute__((export_name("bench")))
#else
#define BENCH_EXPORT
#endif

#define NOINLINE __attribute__((noinline))

BENCH_EXPORT uint32_t bench(void);

#endif /* AKIRA_BENCH_H */

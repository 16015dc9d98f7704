/*
 * runner.h - runs one wast2json command list (FILE.json and the .wasm files beside it)
 * on the engine, as the spec's reference interpreter runs the .wast it came from.
 *
 * All modules of a file live in one store with the `spectest` host module, so externs
 * registered by one module can be imported by the next. Counting:
 *   passed / failed  one per assertion (assert_return, assert_trap, assert_exhaustion,
 *                    assert_invalid, binary assert_malformed, assert_unlinkable,
 *                    assert_uninstantiable); a module, register or action command that
 *                    fails is also counted as failed (the script could not go on as
 *                    written), one that works is not counted.
 *   skipped          text-format assert_malformed (a binary engine cannot parse text),
 *                    and, on an engine built without SIMD (AKIRA_WASM_SIMD off),
 *                    every assertion of a SIMD file (`simd_*.json`) or with a v128.
 * Each failure is printed as "  SOURCE.wast:LINE: what happened" while the file runs.
 */
#ifndef AKIRA_SPEC_RUNNER_H
#define AKIRA_SPEC_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Command kinds, for the per-kind breakdown (`akira-spectest --kinds`). */
typedef enum akira_spec_kind {
    AKIRA_SPEC_KIND_MODULE,
    AKIRA_SPEC_KIND_REGISTER,
    AKIRA_SPEC_KIND_ACTION,
    AKIRA_SPEC_KIND_ASSERT_RETURN,
    AKIRA_SPEC_KIND_ASSERT_TRAP,
    AKIRA_SPEC_KIND_ASSERT_EXHAUSTION,
    AKIRA_SPEC_KIND_ASSERT_INVALID,
    AKIRA_SPEC_KIND_ASSERT_MALFORMED_BINARY,
    AKIRA_SPEC_KIND_ASSERT_MALFORMED_TEXT,
    AKIRA_SPEC_KIND_ASSERT_UNLINKABLE,
    AKIRA_SPEC_KIND_ASSERT_UNINSTANTIABLE,
    AKIRA_SPEC_KIND_OTHER, /* unreadable file, unknown command */
    AKIRA_SPEC_KIND_COUNT,
} akira_spec_kind;

typedef struct akira_spec_tally {
    unsigned long passed, failed, skipped;
} akira_spec_tally;

/* `passed`, `failed`, `skipped` are the totals described above. In `by_kind`, the
 * `passed` of module, register and action commands counts those that worked (they
 * are not in the total). */
typedef struct akira_spec_counts {
    unsigned long passed, failed, skipped;
    unsigned long aot_modules; /* modules that ran on native code (--aot) */
    unsigned long excluded;    /* of `skipped`: assertions in akira_spec_options.exclude */
    akira_spec_tally by_kind[AKIRA_SPEC_KIND_COUNT];
} akira_spec_counts;

/* "assert_return", "assert_malformed (binary)", ... */
const char *akira_spec_kind_name(akira_spec_kind k);

typedef struct akira_spec_options {
    bool verbose; /* print every command and the spectest print calls */
    FILE *out;    /* where failures go */
    bool aot;     /* every module runs on its native code, FILE.wasm.aot beside it */
    /* The whole file at `path` in a malloc'd buffer (one byte more, NUL), its length in
     * *size; NULL if it cannot be read. The host tool reads with stdio (main.c), the
     * board image through semihosting (tests/spec/mcu). */
    char *(*read_file)(const char *path, size_t *size);
    /* --aot: the memories of the store (aw_config.vmem): guard pages for x86-64's
     * default native code; NULL for code with explicit bounds checks (thumbv7em). */
    const struct aw_vmem *aot_vmem;
    /* --aot: the port's asynchronous interruption (aw_config.async_intr) for x86-64's
     * default native code, which has no loop-header polls; NULL for code that polls. */
    const struct aw_async_intr *aot_async;
    size_t native_stack; /* aw_store_set_native_stack: the bytes native code may use */
    /* Assertions this build cannot run, "SOURCE.wast:LINE" each, NULL-terminated (NULL:
     * none): counted as skipped, each printed with `exclude_why`. For the board, whose
     * memory cannot hold what some scripts grow to (tests/spec/mcu). */
    const char *const *exclude;
    const char *exclude_why;
} akira_spec_options;

/* Run the command list at `json_path`, adding to *counts. Returns false if the file
 * could not be read or parsed at all (then one failure is counted and reported). */
bool akira_spec_runner_run_file(const char *json_path, const akira_spec_options *opt,
                                akira_spec_counts *counts);

#endif /* AKIRA_SPEC_RUNNER_H */

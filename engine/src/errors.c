/*
 * errors.c - names of statuses and traps. Trap strings are the spec testsuite's
 * wording, so a harness can compare them with assert_trap messages.
 */
#include "akira/wasm.h"

const char *aw_status_str(aw_status s)
{
    switch (s) {
    case AW_OK: return "ok";
    case AW_ERR_MALFORMED: return "malformed module";
    case AW_ERR_INVALID: return "invalid module";
    case AW_ERR_UNLINKABLE: return "unlinkable";
    case AW_ERR_TRAP: return "trap";
    case AW_ERR_NOMEM: return "out of memory";
    case AW_ERR_IO: return "module read failed";
    case AW_ERR_NOT_FOUND: return "not found";
    case AW_ERR_ARGS: return "bad arguments";
    case AW_ERR_YIELD: return "budget exhausted (yield)";
    case AW_ERR_UNSUPPORTED: return "unsupported feature";
    case AW_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown status";
}

const char *aw_trap_str(aw_trap t)
{
    switch (t) {
    case AW_TRAP_NONE: return "no trap";
    case AW_TRAP_UNREACHABLE: return "unreachable";
    case AW_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case AW_TRAP_TABLE_OOB: return "out of bounds table access";
    case AW_TRAP_DIV_ZERO: return "integer divide by zero";
    case AW_TRAP_INT_OVERFLOW: return "integer overflow";
    case AW_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case AW_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case AW_TRAP_UNINITIALIZED: return "uninitialized element";
    case AW_TRAP_INDIRECT_TYPE: return "indirect call type mismatch";
    case AW_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case AW_TRAP_INTERRUPTED: return "interrupted";
    case AW_TRAP_HOST: return "host function trapped";
    }
    return "unknown trap";
}

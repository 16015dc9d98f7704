/*
 * AkiraOS app SDK - module "common": logging, delay, uptime. No capability needed.
 *
 * For apps compiled with clang --target=wasm32 (with or without wasi-libc). Every
 * function is an import from module "akira"; errors are negative AKIRA_E* codes
 * (akira/errors.h), returned as the function's result. Strings are pointer + length
 * unless the function says NUL-terminated.
 */
#ifndef AKIRA_SDK_COMMON_H
#define AKIRA_SDK_COMMON_H

#include <stdint.h>

#include <akira/errors.h>

#define AKIRA_IMPORT(name) __attribute__((import_module("akira"), import_name(name)))

enum { AKIRA_LOG_ERR = 1, AKIRA_LOG_WRN = 2, AKIRA_LOG_INF = 3, AKIRA_LOG_DBG = 4 };

/* Log text[0..len) at a level (AKIRA_LOG_*) into the app's log (`app logs NAME`) and the
 * system log. 0, AKIRA_EINVAL (level), AKIRA_EFAULT (text outside memory). Control
 * characters (C0, DEL, C1 raw or UTF-8 encoded) and bytes that are not UTF-8 show as
 * '?'. An app logs at most 20 lines a second after a burst of 64 (log, printf and WASI
 * stdout/stderr together): lines beyond are dropped, counted in `app info`, and the
 * next line that passes is preceded by "N log lines dropped (rate limit ...)". */
AKIRA_IMPORT("log") int32_t akira_log(int32_t level, const char *text, uint32_t len);

/* printf into the app's log (level info, one line per '\n'). Conversions: d i u x X o c
 * s p f F e E g G %, with flags, width, precision and the h/l/ll/z/j/t lengths; a '*'
 * width, %n or an unknown conversion gives AKIRA_EINVAL. The format is at most 256
 * bytes, each %s argument at most 256. Returns the length of the formatted text (lines
 * longer than 99 bytes are cut in the log), AKIRA_EINVAL or AKIRA_EFAULT. */
AKIRA_IMPORT("printf") int32_t akira_printf(const char *fmt, ...);

/* Sleep ms milliseconds (counts as waiting for the watchdog). 0, AKIRA_EINVAL (ms < 0).
 * When the app is stopped meanwhile the app ends here. */
AKIRA_IMPORT("delay") int32_t akira_delay(int32_t ms);

/* Milliseconds since the device booted. */
AKIRA_IMPORT("uptime_ms") int64_t akira_uptime_ms(void);

#endif /* AKIRA_SDK_COMMON_H */

/* UTF-8 decoding for the runtime's text checks (manifest text, app log lines). */
#ifndef AKIRA_RT_UTF8_H
#define AKIRA_RT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p (n > 0 bytes left) and its code point in *cp;
 * 0 when the bytes there are not UTF-8 (stray continuation byte, overlong form,
 * surrogate, past U+10FFFF, cut short). */
size_t akira_rt_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

#endif

/*
 * Random bytes for secrets (tokens, nonces) from the port's entropy source: the
 * host's getrandom() on POSIX, the hardware RNG on a device. Any thread may call it;
 * it may block briefly at early boot until the source is seeded.
 */
#ifndef AKIRA_RANDOM_H
#define AKIRA_RANDOM_H

#include <stddef.h>

/* Fills buf with len unpredictable bytes. 0, AKIRA_EINVAL (NULL buf with len > 0) or
 * AKIRA_EIO (no entropy source: the caller must not fall back to a weak one). */
int akira_random_fill(void *buf, size_t len);

#endif /* AKIRA_RANDOM_H */

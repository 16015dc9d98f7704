/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()): chunk and record checks of the
 * app store. crc = akira_rt_crc32(0, data, len) for one piece; feed the previous
 * result back in to continue. */
#ifndef AKIRA_RT_CRC32_H
#define AKIRA_RT_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t akira_rt_crc32(uint32_t crc, const void *data, size_t len);

#endif

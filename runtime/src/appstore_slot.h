/*
 * One app store slot on flash (private to the app store).
 *
 *   slot + 0       commit record, 64 bytes, written last (layout in appstore_slot.c)
 *   slot + 64      chunk CRC table: one u32 (little endian) per 4 KiB chunk of data,
 *                  each written when its chunk is complete
 *   slot + sector  package bytes
 *
 * A slot is committed when its record has the magic, its own CRC matches, the table's
 * CRC matches, and every chunk's CRC matches the bytes. Anything else is free.
 */
#ifndef AKIRA_APPSTORE_SLOT_H
#define AKIRA_APPSTORE_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/flash_map.h>
#include <akira/trust.h>

#define SLOT_REC_SIZE    64u
#define SLOT_TABLE_OFF   64u
#define SLOT_FLAG_SIGNED 1u

struct slot_rec {
    uint32_t seq;
    uint32_t size;
    uint32_t flags;
    uint32_t table_crc;
    char key_name[AKIRA_TRUST_KEY_NAME_MAX + 1];
};

/* Chunks of `size` package bytes with `chunk`-byte chunks. */
static inline uint32_t slot_chunks(uint32_t size, uint32_t chunk)
{
    return (size + chunk - 1) / chunk;
}

/* Read and check the record at slot offset `base`. AKIRA_OK, AKIRA_ENOENT (no valid
 * record: free), AKIRA_EIO. */
int slot_rec_read(const struct akira_flash_area *fa, uint32_t base, struct slot_rec *r);

/* Write the record (the commit). */
int slot_rec_write(const struct akira_flash_area *fa, uint32_t base, const struct slot_rec *r);

/* Check every chunk of `size` bytes against the table and give the table's CRC.
 * AKIRA_OK, AKIRA_ECORRUPT (a chunk differs), AKIRA_EIO. */
int slot_data_check(const struct akira_flash_area *fa, uint32_t base, uint32_t sector,
                    uint32_t size, uint32_t *table_crc);

#endif

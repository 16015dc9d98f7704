/*
 * Slot commit records and chunk checks (appstore_slot.h).
 *
 * Record layout, little endian, 64 bytes:
 *   0  u32 magic "AKAP" (0x50414B41)      4  u16 format version (1)   6 u16 flags
 *   8  u32 seq                            12 u32 package size
 *   16 u32 chunk size (the sector size)   20 u32 CRC of the chunk table
 *   24 char key_name[32] (NUL padded)     56 u32 reserved (0)
 *   60 u32 CRC of bytes 0..59
 * The record's CRC is its last word, so a write torn at any point (the chip programs
 * a prefix) leaves a record that fails its check: the slot stays uncommitted.
 */
#include <string.h>

#include <akira/err.h>

#include "appstore_slot.h"
#include "crc32.h"

#define REC_MAGIC   0x50414B41u
#define REC_VERSION 1u
#define CHECK_PIECE 256u

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int slot_rec_read(const struct akira_flash_area *fa, uint32_t base, struct slot_rec *r)
{
    uint8_t b[SLOT_REC_SIZE];
    if (akira_flash_area_read(fa, base, b, sizeof b)) return AKIRA_EIO;
    if (get32(b) != REC_MAGIC) return AKIRA_ENOENT;
    if (akira_rt_crc32(0, b, 60) != get32(b + 60)) return AKIRA_ENOENT;
    if ((get32(b + 4) & 0xFFFFu) != REC_VERSION) return AKIRA_ENOENT;
    if (get32(b + 16) != fa->sector_size) return AKIRA_ENOENT;
    r->flags = get32(b + 4) >> 16;
    r->seq = get32(b + 8);
    r->size = get32(b + 12);
    r->table_crc = get32(b + 20);
    memcpy(r->key_name, b + 24, sizeof r->key_name);
    r->key_name[sizeof r->key_name - 1] = '\0';
    return AKIRA_OK;
}

int slot_rec_write(const struct akira_flash_area *fa, uint32_t base, const struct slot_rec *r)
{
    uint8_t b[SLOT_REC_SIZE];
    memset(b, 0, sizeof b);
    put32(b, REC_MAGIC);
    put32(b + 4, REC_VERSION | (r->flags << 16));
    put32(b + 8, r->seq);
    put32(b + 12, r->size);
    put32(b + 16, fa->sector_size);
    put32(b + 20, r->table_crc);
    memcpy(b + 24, r->key_name, strnlen(r->key_name, 31));
    put32(b + 60, akira_rt_crc32(0, b, 60));
    return akira_flash_area_write(fa, base, b, sizeof b) ? AKIRA_EIO : AKIRA_OK;
}

int slot_data_check(const struct akira_flash_area *fa, uint32_t base, uint32_t sector,
                    uint32_t size, uint32_t *table_crc)
{
    uint32_t n = slot_chunks(size, sector);
    if (SLOT_TABLE_OFF + 4u * n > sector) return AKIRA_ECORRUPT;
    uint32_t tcrc = 0;
    uint8_t piece[CHECK_PIECE];
    for (uint32_t c = 0; c < n; c++) {
        uint8_t want[4];
        if (akira_flash_area_read(fa, base + SLOT_TABLE_OFF + 4u * c, want, 4)) return AKIRA_EIO;
        tcrc = akira_rt_crc32(tcrc, want, 4);
        uint32_t start = c * sector;
        uint32_t end = start + sector < size ? start + sector : size;
        uint32_t crc = 0;
        for (uint32_t off = start; off < end;) {
            uint32_t k = end - off < CHECK_PIECE ? end - off : CHECK_PIECE;
            if (akira_flash_area_read(fa, base + sector + off, piece, k)) return AKIRA_EIO;
            crc = akira_rt_crc32(crc, piece, k);
            off += k;
        }
        if (crc != get32(want)) return AKIRA_ECORRUPT;
    }
    *table_crc = tcrc;
    return AKIRA_OK;
}

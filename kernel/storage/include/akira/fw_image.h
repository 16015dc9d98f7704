/*
 * Firmware images and image slots in MCUboot's format (docs/boot.md has the layout).
 *
 * An image is [header][header padding][payload][protected TLVs][TLVs]: a 32-byte header
 * with magic 0x96f3b83d, load address, header size, protected-TLV size, payload size,
 * flags and version; then the TLV areas holding the SHA-256 of everything before the
 * unprotected area, the SHA-256 of the signing key (DER SubjectPublicKeyInfo, as
 * MCUboot's imgtool embeds it) and the Ed25519 signature of that SHA-256 digest. A slot
 * ends with MCUboot's trailer (magic, swap info, copy-done, image-ok); the last sector
 * of every slot is reserved for it, so an image may fill the slot minus one sector.
 *
 * This is a storage format, used by the bootloader (boot/), the OTA manager
 * (connectivity/) and the host tool (tools/akira): it sits in kernel/storage so that
 * each of them may include it. The crypto comes in through struct akira_fw_crypto so
 * a board plugs its own implementation (libsodium on the host, a hardware engine or
 * another library on an MCU); nothing here links a crypto library.
 *
 * RAM: a check streams the image through a 256-byte stack buffer; the hash state is
 * the crypto's (<= 128 bytes). Any thread; pure functions of the reader's bytes.
 */
#ifndef AKIRA_FW_IMAGE_H
#define AKIRA_FW_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/flash_map.h>

#define AKIRA_FW_IMAGE_MAGIC      0x96f3b83du
#define AKIRA_FW_HEADER_LEN       32u
#define AKIRA_FW_TLV_INFO_MAGIC   0x6907u /* unprotected TLV area */
#define AKIRA_FW_TLV_PROT_MAGIC   0x6908u /* protected TLV area (covered by the hash) */
#define AKIRA_FW_TLV_KEYHASH      0x01u
#define AKIRA_FW_TLV_PUBKEY       0x02u
#define AKIRA_FW_TLV_SHA256       0x10u
#define AKIRA_FW_TLV_ED25519      0x24u
#define AKIRA_FW_TLV_SEC_CNT      0x50u
#define AKIRA_FW_F_ENCRYPTED_MASK 0x0000000Cu /* AES-128 / AES-256 encrypted payload */
#define AKIRA_FW_F_NON_BOOTABLE   0x00000010u

#define AKIRA_FW_PUBKEY_LEN 32u
#define AKIRA_FW_SIG_LEN    64u
#define AKIRA_FW_HASH_LEN   32u
/* An Ed25519 public key as a DER SubjectPublicKeyInfo: this 12-byte prefix, the key. */
#define AKIRA_FW_SPKI_PREFIX_LEN 12u
#define AKIRA_FW_SPKI_LEN        (AKIRA_FW_SPKI_PREFIX_LEN + AKIRA_FW_PUBKEY_LEN)
extern const uint8_t akira_fw_spki_prefix[AKIRA_FW_SPKI_PREFIX_LEN];

struct akira_fw_version {
    uint8_t major;
    uint8_t minor;
    uint16_t revision;
    uint32_t build;
};

struct akira_fw_header {
    uint32_t magic;
    uint32_t load_addr;
    uint16_t hdr_size;
    uint16_t protect_tlv_size; /* 0, or the whole protected area with its 4-byte info */
    uint32_t img_size;         /* payload bytes after the header padding */
    uint32_t flags;
    struct akira_fw_version ver;
};

/* Little-endian codec of the 32-byte header. */
void akira_fw_header_encode(const struct akira_fw_header *h, uint8_t out[AKIRA_FW_HEADER_LEN]);
void akira_fw_header_decode(const uint8_t in[AKIRA_FW_HEADER_LEN], struct akira_fw_header *h);

/* -1, 0, 1 comparing major, minor, revision, then build. */
int akira_fw_version_cmp(const struct akira_fw_version *a, const struct akira_fw_version *b);
/* "1.2.3+4" into buf (at least 24 bytes). */
void akira_fw_version_str(const struct akira_fw_version *v, char *buf, size_t len);
/* Parse "MAJOR.MINOR.REVISION[+BUILD]" (each in range). AKIRA_OK or AKIRA_EINVAL. */
int akira_fw_version_parse(const char *s, struct akira_fw_version *v);

/* --- crypto the board provides ------------------------------------------------------- */

struct akira_fw_sha256 {
    _Alignas(8) uint8_t state[128];
};

struct akira_fw_crypto {
    void (*sha256_init)(struct akira_fw_sha256 *st);
    void (*sha256_update)(struct akira_fw_sha256 *st, const void *data, size_t len);
    void (*sha256_final)(struct akira_fw_sha256 *st, uint8_t out[AKIRA_FW_HASH_LEN]);
    /* true when sig is pub's Ed25519 signature of msg[0..len) */
    bool (*ed25519_verify)(const uint8_t sig[AKIRA_FW_SIG_LEN], const uint8_t *msg, size_t len,
                           const uint8_t pub[AKIRA_FW_PUBKEY_LEN]);
};

/* A public key the verifier trusts (the bootloader's are built in). */
struct akira_fw_key {
    const char *name;
    uint8_t pub[AKIRA_FW_PUBKEY_LEN];
};

/* SHA-256 of the key's DER SubjectPublicKeyInfo: the KEYHASH TLV's value. */
void akira_fw_key_hash(const struct akira_fw_crypto *c, const uint8_t pub[AKIRA_FW_PUBKEY_LEN],
                       uint8_t out[AKIRA_FW_HASH_LEN]);

/* --- checking an image --------------------------------------------------------------- */

/* Where the image's bytes come from: a file, a buffer, a slot. `size` bounds every
 * read: the image must fit in it. */
struct akira_fw_reader {
    int (*read)(void *ctx, uint32_t off, void *buf, uint32_t len);
    void *ctx;
    uint32_t size;
};

/* A reader over a slot's image region (the slot minus its trailer sector). */
void akira_fw_reader_slot(struct akira_fw_reader *r, const struct akira_flash_area *slot);

struct akira_fw_info {
    struct akira_fw_header hdr;
    uint32_t tlv_end;                /* bytes from the header to the end of the TLV areas */
    uint8_t hash[AKIRA_FW_HASH_LEN]; /* computed */
    bool has_keyhash;
    uint8_t keyhash[AKIRA_FW_HASH_LEN];
    bool is_signed;
    uint8_t sig[AKIRA_FW_SIG_LEN];
    bool has_sec_cnt;
    uint32_t sec_cnt; /* security counter (protected TLV 0x50), 0 when absent */
    int key_index;    /* index of the key that verified, -1 */
};

/*
 * Parse the header and TLV areas and check the hash (not the signature). AKIRA_OK, or:
 *  AKIRA_ENOEXEC  no image magic (erased slot, not an image);
 *  AKIRA_EFORMAT  a size or TLV that does not add up (truncated image, bad TLV magic);
 *  AKIRA_ETOOBIG  the image is larger than the reader's size (the slot);
 *  AKIRA_ENOTSUP  an encrypted or non-bootable image;
 *  AKIRA_ESIG     no SHA-256 TLV, or the hash does not match;
 *  AKIRA_EIO      the reader failed.
 * *why (may be NULL) gets a static sentence for the user.
 */
int akira_fw_image_parse(const struct akira_fw_reader *r, const struct akira_fw_crypto *c,
                         struct akira_fw_info *info, const char **why);

/* Parse, then require a KEYHASH naming one of keys[] and a valid Ed25519 signature by
 * it over the hash. Beyond parse's codes: AKIRA_ESIG "unsigned", "signed by an unknown
 * key", "bad signature". info->key_index tells which key. */
int akira_fw_image_verify(const struct akira_fw_reader *r, const struct akira_fw_crypto *c,
                          const struct akira_fw_key *keys, size_t nkeys, struct akira_fw_info *info,
                          const char **why);

/* --- slot trailers --------------------------------------------------------------------- */

#define AKIRA_FW_TRAILER_MAGIC_LEN 16u
#define AKIRA_FW_TRAILER_ALIGN     8u /* MCUboot's BOOT_MAX_ALIGN: one field per 8 bytes */
extern const uint8_t akira_fw_trailer_magic[AKIRA_FW_TRAILER_MAGIC_LEN];

/* Offsets back from the end of the trailer region (the slot's end). */
#define AKIRA_FW_TRAILER_MAGIC_OFF     16u
#define AKIRA_FW_TRAILER_IMAGE_OK_OFF  24u
#define AKIRA_FW_TRAILER_COPY_DONE_OFF 32u
#define AKIRA_FW_TRAILER_SWAP_INFO_OFF 40u
#define AKIRA_FW_TRAILER_SWAP_SIZE_OFF 48u

enum akira_fw_swap_type {
    AKIRA_FW_SWAP_NONE = 1,
    AKIRA_FW_SWAP_TEST = 2,
    AKIRA_FW_SWAP_PERM = 3,
    AKIRA_FW_SWAP_REVERT = 4,
};

#define AKIRA_FW_FLAG_SET 0x01u

struct akira_fw_trailer {
    bool magic; /* the 16 magic bytes are there */
    bool image_ok;
    bool copy_done;
    uint8_t swap_info; /* raw byte: low nibble swap type, high nibble image number */
    uint32_t swap_size;
};

/* Read the trailer that ends at `end` in the area (a slot: its size). A flag counts as
 * set when its byte is not erased (a torn flag write only happens after what the flag
 * records was complete). */
int akira_fw_trailer_read(const struct akira_flash_area *fa, uint32_t end,
                          struct akira_fw_trailer *t);
/* Write one field (flag byte or swap size) of the trailer ending at `end`, padded with
 * 0xFF to the write block. off is one of the *_OFF above. */
int akira_fw_trailer_write(const struct akira_flash_area *fa, uint32_t end, uint32_t off,
                           const void *val, size_t len);
int akira_fw_trailer_write_magic(const struct akira_flash_area *fa, uint32_t end);

/* Bytes of a slot that an image may use: the slot minus its last (trailer) sector. */
uint32_t akira_fw_slot_image_max(const struct akira_flash_area *slot);

/* The OTA side of MCUboot's protocol. Mark the secondary slot's image for a test
 * swap (or permanent) at the next boot: image-ok when permanent, then the magic. The
 * caller verified the image first. AKIRA_ESTATE when the trailer already holds data. */
int akira_fw_slot_set_pending(const struct akira_flash_area *secondary, bool permanent);
/* Confirm the image running from the primary slot: set image-ok. AKIRA_OK also when it
 * already was confirmed; AKIRA_ESTATE when the trailer has no magic (never swapped in:
 * permanent by definition, nothing to write). */
int akira_fw_slot_confirm(const struct akira_flash_area *primary);
/* True when the primary slot's image runs in test mode: swapped in (magic, copy-done)
 * and not confirmed. */
bool akira_fw_slot_in_test(const struct akira_flash_area *primary);
/* The swap type the trailers ask for (MCUboot's table; docs/boot.md). */
enum akira_fw_swap_type akira_fw_swap_type_get(const struct akira_flash_area *primary,
                                               const struct akira_flash_area *secondary);

#endif /* AKIRA_FW_IMAGE_H */

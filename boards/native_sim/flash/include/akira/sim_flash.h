/*
 * native_sim's NOR flash: a flash device (akira/flash.h) backed by an image file or by
 * RAM, with the chip's rules enforced and power cuts injectable.
 *
 * Backing: with a path, the image file is created (filled with 0xFF) when absent and
 * mapped MAP_SHARED, so every completed write is in the host's page cache the moment
 * the call returns: it survives the process being killed (SIGKILL) without any fsync.
 * Only a host crash could lose it; akira_sim_flash_close() msyncs for that case, and
 * nothing else fsyncs, because a real chip has no such cost either. Without a path the
 * flash lives in anonymous memory (tests).
 *
 * Fault injection (tests): akira_sim_flash_cut_after(f, n, mode) makes the n-th next
 * mutating operation (write or erase, counted from 1) be cut by a power loss: with
 * AKIRA_SIM_CUT_CLEAN it is not performed at all; with AKIRA_SIM_CUT_TORN a write is
 * left with its first half (in write blocks) programmed and an erase leaves the sector
 * partly erased and partly garbage. The cut operation and every later one fail with
 * AKIRA_EIO until akira_sim_flash_reboot(), which models the power coming back: the
 * contents stay, the cut is cleared.
 *
 * Silent programming faults (tests of read-back checks): akira_sim_flash_weak_bit_after(f,
 * n) makes the n-th next write that clears any bit leave the first of those bits set,
 * as a weak cell that did not program, and still report success.
 *
 * Erase counts per sector and byte/operation totals are kept for wear and write
 * amplification measurements. Thread-safe: each operation runs under the chip's own
 * lock (different layers use different partitions from different threads). Open and
 * close are not: the board does them at boot and shutdown.
 */
#ifndef AKIRA_SIM_FLASH_H
#define AKIRA_SIM_FLASH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/flash.h>

enum akira_sim_cut_mode {
    AKIRA_SIM_CUT_CLEAN, /* the interrupted operation did nothing */
    AKIRA_SIM_CUT_TORN,  /* the interrupted operation was half done */
};

struct akira_sim_flash_stats {
    uint64_t bytes_written;
    uint64_t writes;
    uint64_t erases;
    uint64_t bytes_read;
    uint64_t weak_bits; /* bits left set by akira_sim_flash_weak_bit_after() */
};

struct akira_sim_flash {
    struct akira_device dev; /* what users get: pass &f->dev to the flash API */
    struct akira_device_state dev_state;
    struct akira_flash_info info;
    uint8_t *mem;
    int fd; /* -1 when RAM backed */
    uint32_t *erase_count;
    struct akira_sim_flash_stats stats;
    uint64_t cut_countdown; /* 0: no cut armed */
    enum akira_sim_cut_mode cut_mode;
    bool cut;                /* power is off: everything fails */
    uint64_t weak_countdown; /* 0: no weak bit armed */
    uint32_t rng;
    pthread_mutex_t lock;
};

/*
 * Open a flash of `size` bytes with the given geometry. path NULL: RAM backed, erased.
 * path set: the file is created erased if absent; an existing file must have exactly
 * `size` bytes (AKIRA_EINVAL otherwise). `name` is the device name (e.g. "flash0"; the
 * string must outlive the device). Returns AKIRA_OK, AKIRA_EINVAL, AKIRA_EIO or
 * AKIRA_ENOMEM.
 */
int akira_sim_flash_open(struct akira_sim_flash *f, const char *name, const char *path,
                         uint32_t size, uint32_t sector_size, uint32_t write_block_size);

/* Flush (file backed) and release everything. */
void akira_sim_flash_close(struct akira_sim_flash *f);

/* Arm a power cut at the n-th next write or erase (n >= 1); n = 0 disarms. */
void akira_sim_flash_cut_after(struct akira_sim_flash *f, uint64_t n, enum akira_sim_cut_mode mode);

/* Arm a weak bit at the n-th next write that clears any bit (n >= 1): that write
 * leaves the first bit it should clear set and returns AKIRA_OK. n = 0 disarms. */
void akira_sim_flash_weak_bit_after(struct akira_sim_flash *f, uint64_t n);

/* Power back on after a cut: later operations work again, contents are kept. */
void akira_sim_flash_reboot(struct akira_sim_flash *f);

/* True once a cut happened and until the next reboot. */
bool akira_sim_flash_is_cut(struct akira_sim_flash *f);

/* Times the sector holding byte `offset` was erased since open. */
uint32_t akira_sim_flash_erase_count(struct akira_sim_flash *f, uint32_t offset);

/* Totals since open (or since the last reset). */
void akira_sim_flash_stats_get(struct akira_sim_flash *f, struct akira_sim_flash_stats *out);
void akira_sim_flash_stats_reset(struct akira_sim_flash *f);

/* Seed of the garbage a torn erase leaves (tests want reproducible runs). */
void akira_sim_flash_seed(struct akira_sim_flash *f, uint32_t seed);

#endif /* AKIRA_SIM_FLASH_H */

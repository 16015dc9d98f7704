/*
 * native_sim's storage bring-up: the simulated flash chip behind --flash, registered as
 * device "flash0", and the storage service (akira/storage.h) on it.
 *
 * Called by the board's main after akira_kernel_init() (boot) and before
 * akira_kernel_shutdown() (shutdown); not thread-safe. Without an image path the chip
 * lives in RAM: storage works but forgets everything at exit.
 */
#ifndef AKIRA_SIM_STORAGE_H
#define AKIRA_SIM_STORAGE_H

#include <stddef.h>

/* Open the chip (image at path, or RAM when path is NULL), register it and bring up
 * settings and the file system. detail (cap bytes) gets a one-line summary for the
 * boot log. Returns AKIRA_OK or the first error. */
int akira_sim_storage_boot(const char *path, char *detail, size_t cap);

/* Sync the file system, unregister and close the chip. Safe when boot failed. */
void akira_sim_storage_shutdown(void);

#endif /* AKIRA_SIM_STORAGE_H */

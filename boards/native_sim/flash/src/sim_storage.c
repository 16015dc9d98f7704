/*
 * native_sim storage bring-up: chip "flash0" plus the storage service on it.
 */
#include <akira/sim_storage.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>

#include <stdio.h>

static struct akira_sim_flash chip;
static bool chip_open, chip_registered;

int akira_sim_storage_boot(const char *path, char *detail, size_t cap)
{
    struct akira_storage_report rep;
    int err =
        akira_sim_flash_open(&chip, "flash0", path, AKIRA_BOARD_FLASH_SIZE,
                             AKIRA_BOARD_FLASH_SECTOR_SIZE, AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE);
    if (err) return err;
    chip_open = true;
    err = akira_device_register(&chip.dev);
    if (err) return err;
    chip_registered = true;
    err = akira_storage_init(&chip.dev, &rep);
    /* The image path is already on the flash image's boot line: not repeated. */
    if (detail && cap)
        snprintf(detail, cap, "settings %s, fs %s%s%s", akira_err_str(rep.settings),
                 akira_err_str(rep.fs), rep.fs_formatted ? " (formatted)" : "",
                 path ? "" : "; flash in RAM, nothing persists");
    return err;
}

void akira_sim_storage_shutdown(void)
{
    akira_storage_deinit();
    if (chip_registered) akira_device_unregister(&chip.dev);
    chip_registered = false;
    if (chip_open) akira_sim_flash_close(&chip);
    chip_open = false;
}

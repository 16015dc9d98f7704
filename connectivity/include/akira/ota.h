/*
 * The OTA manager: firmware images into the secondary slot, the slots' state, confirm
 * and revert, and the self-test that confirms a new firmware (docs/boot.md, "OTA").
 *
 * An upload is a transport stream of kind AKIRA_TRANSPORT_KIND_OTA (POST /api/ota over
 * HTTP or the serial link). It is written into image-1 as it arrives, in bounded RAM
 * (one write block of carry-over; sectors erased just before they are written), after
 * the first 32 bytes proved to be an image header whose size fits the slot. At the end
 * the image is verified in flash (hash, signature by a built-in key, not older than the
 * running one) and only then marked pending (MCUboot's test swap). Anything else
 * (a cut connection, a bad image) leaves the secondary slot not pending, with a clear
 * error, and the running firmware untouched. One upload at a time.
 *
 * Test boot: akira_ota_selftest_start() at the end of the boot. When the running image
 * is unconfirmed it watches for the configured time that storage is mounted, the app
 * manager is up and the hardware watchdog keeps being fed (its own watchdog channel
 * too), then confirms the image. A failed check reboots (the bootloader reverts); a
 * hang starves the watchdog, whose reset reverts as well.
 */
#ifndef AKIRA_OTA_H
#define AKIRA_OTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/fw_image.h>

struct akira_ota_config {
    const struct akira_fw_crypto *crypto;
    const struct akira_fw_key *keys; /* the bootloader's */
    size_t nkeys;
    /* Restart the device (the bootloader runs). Called from a work item. */
    void (*reboot)(void);
    uint32_t selftest_ms; /* how long the self-test watches before confirming */
    /* Test builds: the self-test fails ("never"), hangs ("hang") or passes without
     * confirming ("manual"); NULL normally. */
    const char *selftest_fault;
};

/* Binds the slots and registers the OTA stream handler. Boot thread, after storage. */
int akira_ota_init(const struct akira_ota_config *cfg);
void akira_ota_deinit(void);
bool akira_ota_ready(void);

enum akira_ota_state {
    AKIRA_OTA_IDLE,
    AKIRA_OTA_RECEIVING,
    AKIRA_OTA_VERIFYING,
    AKIRA_OTA_PENDING, /* the last upload is verified and marked for the next boot */
    AKIRA_OTA_FAILED,  /* the last upload was refused (error says why) */
};

struct akira_ota_progress {
    enum akira_ota_state state;
    uint64_t received;
    uint64_t total; /* 0 when the length is not known */
    char error[128];
};
void akira_ota_progress_get(struct akira_ota_progress *out);
const char *akira_ota_state_name(enum akira_ota_state s);

struct akira_ota_slot {
    int status; /* AKIRA_OK: a valid image; else why not (AKIRA_ENOEXEC: empty) */
    const char *why;
    struct akira_fw_version ver;
    uint8_t hash[AKIRA_FW_HASH_LEN];
    const char *key; /* name of the key that signed it, NULL when not verified */
    uint32_t size;   /* whole image bytes */
    bool confirmed;  /* primary: image-ok set, or never swapped in */
    bool pending;    /* secondary: marked for the next boot */
    bool test;       /* primary: running unconfirmed */
};
/* slot 0 primary, 1 secondary. AKIRA_OK, AKIRA_EINVAL, AKIRA_ESTATE (not initialised),
 * AKIRA_EBUSY (an upload is writing the secondary). */
int akira_ota_slot_get(int slot, struct akira_ota_slot *out);

/* For the board's boot status line: "firmware 0.2.0+0, confirmed", "..., TEST boot
 * (...)", or that the primary slot holds no valid image; "" when not initialised. */
void akira_ota_describe(char *buf, size_t cap);

/* Confirm the running image. AKIRA_OK (also when it was confirmed already). */
int akira_ota_confirm(void);
/* Go back: in test mode, reboot now (the bootloader reverts); with an update pending,
 * cancel it. AKIRA_ESTATE when neither (the running image is confirmed: push the old
 * one to go back). *rebooting tells whether a reboot was started. */
int akira_ota_revert(bool *rebooting);
/* Reboot the device in 200 ms (the answer to the request goes out first): the
 * bootloader then runs. AKIRA_ENOTSUP when the board gave no reboot. */
int akira_ota_reboot(void);
/* Erase the secondary slot. AKIRA_EBUSY during an upload; AKIRA_ESTATE in test mode
 * (the previous image there is what a revert needs). */
int akira_ota_erase(void);

/* Starts the self-test when the running image is unconfirmed. AKIRA_OK (started or
 * nothing to do), else the error. Boot thread, after everything is up. */
int akira_ota_selftest_start(void);

#endif /* AKIRA_OTA_H */

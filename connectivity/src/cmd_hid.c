/*
 * Shell command `hid`: the device as a HID host of another node's keyboard (the HID
 * manager's host role, docs/ble_host.md): `hid connect CONN [boot]` finds the peer's
 * HID service, reads its report map and subscribes (the link is encrypted first with
 * `gatt pair`); `hid keys` prints the key presses and releases queued since; `hid
 * leds BITS` writes the keyboard's LED output report.
 */
#include <stdlib.h>
#include <string.h>

#include <akira/bt_host.h>
#include <akira/clock.h>
#include <akira/hid_manager.h>
#include <akira/shell.h>
#include <akira/thread.h>

#define READY_MS 10000

static int cmd_hid_connect(struct akira_shell *sh, int argc, char **argv)
{
    if (!akira_bt_host()) {
        akira_shell_print(sh, "hid: no BLE host (start akiraos with --radio SOCK)\n");
        return AKIRA_ENODEV;
    }
    char *end;
    unsigned long conn = strtoul(argv[1], &end, 0);
    bool boot = argc > 2 && !strcmp(argv[2], "boot");
    if (*end || conn > 0xfffe || (argc > 2 && !boot)) {
        akira_shell_print(sh, "hid connect: CONN [boot]\n");
        return AKIRA_EINVAL;
    }
    akira_err_t rc = akira_hid_manager_connect((uint16_t)conn, boot);
    if (rc != AKIRA_OK) {
        akira_shell_print(sh, "hid connect: %s\n", akira_err_str(rc));
        return rc;
    }
    int st = 0;
    for (int waited = 0; waited < READY_MS && (st = akira_hid_manager_host_state()) == 0;
         waited += 20)
        akira_sleep_ms(20);
    if (st != 1) {
        akira_shell_print(sh, "hid connect: %s\n",
                          st == 0 ? "not ready within 10 s" : "the peer's HID service failed");
        return st == 0 ? AKIRA_ETIMEDOUT : AKIRA_EIO;
    }
    akira_shell_print(sh, "hid: conn %lu: keyboard ready (%s protocol)\n", conn,
                      boot ? "boot" : "report");
    return 0;
}

static int cmd_hid_keys(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint16_t code;
    bool pressed;
    unsigned n = 0;
    while (akira_hid_manager_next_key(&code, &pressed) == AKIRA_OK) {
        akira_shell_print(sh, "key 0x%02x %s\n", code, pressed ? "down" : "up");
        n++;
    }
    akira_shell_print(sh, "%u key event(s), %u dropped\n", n,
                      (unsigned)akira_hid_manager_keys_dropped());
    return 0;
}

static int cmd_hid_leds(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    char *end;
    unsigned long leds = strtoul(argv[1], &end, 0);
    if (*end || leds > 0xff) {
        akira_shell_print(sh, "hid leds: BITS (0..255: 1 Num Lock, 2 Caps Lock, 4 Scroll Lock)\n");
        return AKIRA_EINVAL;
    }
    akira_err_t rc = akira_hid_manager_set_leds((uint8_t)leds);
    if (rc != AKIRA_OK) {
        akira_shell_print(sh, "hid leds: %s\n",
                          rc == AKIRA_ESTATE ? "no keyboard (hid connect first)"
                                             : akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "hid: LEDs 0x%02lx sent\n", leds);
    return 0;
}

AKIRA_SHELL_SUBCMDS(hid_sub,
                    AKIRA_SHELL_CMD("connect", "be the HID host of a peer's keyboard",
                                    "CONN [boot]", cmd_hid_connect, NULL, 1, 2),
                    AKIRA_SHELL_CMD("keys", "key presses received since the last call", NULL,
                                    cmd_hid_keys, NULL, 0, 0),
                    AKIRA_SHELL_CMD("leds", "set the peer keyboard's LEDs (output report)", "BITS",
                                    cmd_hid_leds, NULL, 1, 1));

AKIRA_SHELL_CMD_REGISTER(hid, "hid", "HID host: keys from another node's keyboard", NULL,
                         cmd_hid_keys, hid_sub, 0, 0);

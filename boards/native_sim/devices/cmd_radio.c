/*
 * Shell command `radio`: the board's radios (akira/drivers/radio.h) by hand: list them
 * with their place on the medium and counters, send a raw frame, listen for a while,
 * measure the energy on a frequency. Frames use the access address 0x71764129 except
 * at the BLE rates on 2402/2426/2480 MHz, which use the advertising one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/radio.h>
#include <akira/shell.h>

#define RAW_AA 0x71764129u

static const char *const rate_names[AKIRA_RADIO_RATE_COUNT_] = {"ble1m", "ble2m", "rf250k", "rf1m",
                                                                "rf2m"};

static void list_one(const struct akira_device *dev, void *user)
{
    struct akira_shell *sh = user;
    struct akira_radio_info in;
    struct akira_radio_stats st;
    if (akira_radio_info_get(dev, &in) != 0 || akira_radio_stats_get(dev, &st) != 0) {
        akira_shell_print(sh, "%s: absent\n", dev->name);
        return;
    }
    akira_shell_print(sh,
                      "%s: node %u at %.2f,%.2f m, %d dBm, sensitivity %d dBm; tx %u rx %u "
                      "dropped %u filtered %u\n",
                      dev->name, (unsigned)in.node_id, in.x_cm / 100.0, in.y_cm / 100.0,
                      in.tx_power_dbm, in.sensitivity_dbm, (unsigned)st.tx_frames,
                      (unsigned)st.rx_frames, (unsigned)st.rx_dropped, (unsigned)st.rx_filtered);
}

static int cmd_radio(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (akira_driver_foreach(AKIRA_DRIVER_RADIO, list_one, sh) == 0)
        akira_shell_print(sh, "no radio\n");
    return 0;
}

/* DEV FREQ RATE: the device, tuned. */
static int tune(struct akira_shell *sh, char **argv, const struct akira_device **out)
{
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_RADIO, argv[1]);
    if (!dev || !akira_device_is_ready(dev)) {
        akira_shell_print(sh, "no ready radio '%s' (`radio` lists them)\n", argv[1]);
        return AKIRA_ENODEV;
    }
    char *end;
    unsigned long f = strtoul(argv[2], &end, 10);
    int rate = -1;
    for (int i = 0; i < AKIRA_RADIO_RATE_COUNT_; i++)
        if (strcmp(argv[3], rate_names[i]) == 0) rate = i;
    struct akira_radio_info in;
    akira_radio_info_get(dev, &in);
    struct akira_radio_config c = {(uint16_t)f, (uint8_t)rate, in.tx_power_dbm, RAW_AA};
    if (rate < AKIRA_RADIO_RF_250K && (f == 2402 || f == 2426 || f == 2480))
        c.access_address = AKIRA_RADIO_BLE_ADV_AA;
    if (*end || f > 65535 || rate < 0 || !akira_radio_config_valid(&c)) {
        akira_shell_print(
            sh, "bad frequency or rate: %s MHz %s (rates: ble1m ble2m rf250k rf1m rf2m)\n", argv[2],
            argv[3]);
        return AKIRA_EINVAL;
    }
    *out = dev;
    return akira_radio_configure(dev, &c);
}

static int cmd_radio_send(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const struct akira_device *dev;
    uint8_t buf[AKIRA_RADIO_FRAME_MAX];
    size_t n = strlen(argv[4]) / 2;
    if (strlen(argv[4]) % 2 || n == 0 || n > sizeof(buf)) {
        akira_shell_print(sh, "the frame: 1..%d bytes as hex digits\n", AKIRA_RADIO_FRAME_MAX);
        return AKIRA_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        char two[3] = {argv[4][2 * i], argv[4][2 * i + 1], 0}, *end;
        buf[i] = (uint8_t)strtoul(two, &end, 16);
        if (*end) {
            akira_shell_print(sh, "not hex: '%s'\n", argv[4]);
            return AKIRA_EINVAL;
        }
    }
    int rc = tune(sh, argv, &dev);
    if (rc) return rc;
    rc = akira_radio_send(dev, buf, n);
    if (rc == 0) akira_shell_print(sh, "sent %u bytes\n", (unsigned)n);
    return rc;
}

static int cmd_radio_listen(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const struct akira_device *dev;
    char *end;
    unsigned long ms = strtoul(argv[4], &end, 10);
    if (*end || ms < 1 || ms > 60000) {
        akira_shell_print(sh, "not a time in ms (1..60000): '%s'\n", argv[4]);
        return AKIRA_EINVAL;
    }
    int rc = tune(sh, argv, &dev);
    if (rc) return rc;
    akira_radio_rx_enable(dev, true);
    akira_shell_print(sh, "listening on %s at %s MHz %s for %lu ms\n", dev->name, argv[2], argv[3],
                      ms);
    uint64_t end_us = akira_uptime_us() + ms * 1000u;
    unsigned frames = 0;
    static struct akira_radio_frame f;
    for (uint64_t t; (t = akira_uptime_us()) < end_us;) {
        rc = akira_radio_recv(dev, &f, (int32_t)((end_us - t + 999) / 1000));
        if (rc == AKIRA_ETIMEDOUT) break;
        if (rc) break;
        frames++;
        akira_shell_print(sh, "frame %u bytes rssi %d lqi %u:", f.len, f.rssi_dbm, f.lqi);
        for (unsigned i = 0; i < f.len && i < 64; i++)
            akira_shell_print(sh, " %02x", f.data[i]);
        akira_shell_print(sh, "\n");
    }
    akira_radio_rx_enable(dev, false);
    akira_shell_print(sh, "%u frame(s)\n", frames);
    return rc == AKIRA_ETIMEDOUT ? 0 : rc;
}

static int cmd_radio_cca(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    const struct akira_device *dev;
    int rc = tune(sh, argv, &dev);
    if (rc) return rc;
    int8_t e;
    rc = akira_radio_energy(dev, &e);
    if (rc) return rc;
    akira_shell_print(sh, "energy %d dBm: %s at -85 dBm\n", e, e < -85 ? "clear" : "busy");
    return 0;
}

AKIRA_SHELL_SUBCMDS(radio_sub,
                    AKIRA_SHELL_CMD("send", "send one frame now", "DEV FREQ_MHZ RATE HEX",
                                    cmd_radio_send, NULL, 4, 4),
                    AKIRA_SHELL_CMD("listen", "print the frames heard for a while",
                                    "DEV FREQ_MHZ RATE MS", cmd_radio_listen, NULL, 4, 4),
                    AKIRA_SHELL_CMD("cca", "energy on a frequency now (listen-before-talk)",
                                    "DEV FREQ_MHZ RATE", cmd_radio_cca, NULL, 3, 3));

AKIRA_SHELL_CMD_REGISTER(radio, "radio", "radios on the medium: list, send, listen, cca", NULL,
                         cmd_radio, radio_sub, 0, 0);

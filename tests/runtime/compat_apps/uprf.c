/* Upstream-style RF app: every rf_* call with good and bad arguments (each result
 * logged as `name: value` for tests/runtime/test_compat_radio_e2e.py), then packets
 * with the same app on another node: it sends a numbered packet every 100 ms and logs
 * what it hears, and 3 s after it heard three it holds the radio in a long blocking
 * receive (a stop ends it at once; the watchdog does not count it). */
#include "up_radio.h"

static unsigned char buf[300];
static unsigned char raw[64];

int main(void)
{
    /* bad arguments first (nothing claimed yet) */
    R("rf_set_frequency_433", rf_set_frequency(433920000u));   /* not our band */
    R("rf_set_frequency_half", rf_set_frequency(2410500000u)); /* not a whole MHz */
    R("rf_set_frequency_2526", rf_set_frequency(2526000000u)); /* past channel 125 */
    R("rf_set_frequency_ble", rf_set_frequency(2402000000u));  /* reserved: -EPERM */
    R("rf_set_frequency_mesh", rf_set_frequency(2440000000u)); /* reserved: -EPERM */
    R("rf_set_power_30", rf_set_power(30));
    R("rf_set_power_m41", rf_set_power(-41));
    R("rf_select_9", rf_select(9));
    R("rf_select_cc1101", rf_select(2));
    R("rf_select_lr2021", rf_select(5));
    R("rf_set_modulation_0", rf_set_modulation(0));
    R("rf_set_modulation_lora", rf_set_modulation(5));
    R("rf_set_spreading_factor", rf_set_spreading_factor(7));
    R("rf_set_bandwidth", rf_set_bandwidth(125000));
    R("rf_set_coding_rate", rf_set_coding_rate(5));
    R("rf_set_bitrate_9600", rf_set_bitrate(9600));
    R("rf_set_bitrate_0", rf_set_bitrate(0));
    R("rf_tx_cw_start", rf_tx_cw_start());
    R("rf_tx_cw_set_freq", rf_tx_cw_set_freq(2410000000u));
    R("rf_tx_cw_stop", rf_tx_cw_stop());
    R("rf_set_sync_word", rf_set_sync_word(0x12));
    R("rf_raw_capture", rf_raw_capture(raw, sizeof raw, 10000, 100));
    R("rf_raw_replay", rf_raw_replay(raw, sizeof raw, 10000, 1));
    /* the radio: ours answers to NRF24 */
    R("rf_select_nrf24", rf_select(1));
    R("rf_set_frequency", rf_set_frequency(2410000000u));
    R("rf_set_power", rf_set_power(0));
    R("rf_set_bitrate", rf_set_bitrate(1000000));
    R("rf_set_modulation_gfsk", rf_set_modulation(2));
    R("rf_get_rssi_dbm", rf_get_rssi() < 0 && rf_get_rssi() >= -127);
    R("rf_send_0", rf_send(buf, 0));
    R("rf_send_256", rf_send(buf, 256));
    R("rf_recv_pop_bad", rf_recv_pop(BAD_PTR, 16, 0));
    R("rf_recv_pop_0", rf_recv_pop(buf, 0, 0));
    R("rf_receive_bad", rf_receive(BAD_PTR, 16, 10));
    R("rf_recv_pop_empty", rf_recv_pop(buf, sizeof buf, 0));
    R("rf_recv_pop_wait", rf_recv_pop(buf, sizeof buf, 50));
    R("rf_receive_timeout", rf_receive(buf, sizeof buf, 50));
    printf("uprf: checks done\n");
    /* packets with the other node */
    int heard = 0, enough = -1; /* sends on 3 s after the third, for the other node */
    for (int n = 0; n < 300 && (enough < 0 || n < enough + 30); n++) {
        if (heard >= 3 && enough < 0) enough = n;
        int len = snprintf((char *)buf, sizeof buf, "uprf packet %d", n);
        int rc = rf_send(buf, (u32)len);
        if (rc != 0) printf("uprf: send %d\n", rc);
        int got = rf_receive(buf, sizeof buf - 1, 100);
        for (; got > 0; got = rf_recv_pop(buf, sizeof buf - 1, 0)) {
            buf[got] = 0;
            if (heard++ < 3) printf("uprf: heard %d bytes: %s\n", got, (char *)buf);
        }
    }
    printf("uprf: link %s\n", heard >= 3 ? "ok" : "failed");
    /* hold the radio in one long blocking receive at a time */
    printf("uprf: holding\n");
    for (;;) {
        int got = rf_receive(buf, sizeof buf, 30000);
        if (got < 0 && got != -116) printf("uprf: receive %d\n", got);
    }
    return 0;
}

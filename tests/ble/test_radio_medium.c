/* The radio medium's physics (boards/native_sim/medium/medium_model.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/radio_medium.h>

static struct akira_medium_params P;

static int setup(void **state)
{
    (void)state;
    akira_medium_params_default(&P);
    return 0;
}

static void path_loss_follows_distance_and_frequency(void **state)
{
    (void)state;
    /* free-space loss at 1 m, 2440 MHz: 20 log10(2440) - 27.55 = 40.2 dB */
    assert_true(fabs(akira_medium_path_loss_db(&P, 1.0, 2440) - 40.2) < 0.1);
    /* exponent 3: ten times the distance costs 30 dB */
    double d10 =
        akira_medium_path_loss_db(&P, 10.0, 2440) - akira_medium_path_loss_db(&P, 1.0, 2440);
    assert_true(fabs(d10 - 30.0) < 1e-9);
    P.exponent = 2.0;
    d10 = akira_medium_path_loss_db(&P, 10.0, 2440) - akira_medium_path_loss_db(&P, 1.0, 2440);
    assert_true(fabs(d10 - 20.0) < 1e-9);
    /* sub-GHz loses less at the same distance (about 9 dB at 868 MHz) */
    assert_true(akira_medium_path_loss_db(&P, 10.0, 868) <
                akira_medium_path_loss_db(&P, 10.0, 2440) - 8);
    /* closer than 10 cm counts as 10 cm: no gain from overlapping nodes */
    assert_true(akira_medium_path_loss_db(&P, 0.0, 2440) ==
                akira_medium_path_loss_db(&P, 0.1, 2440));
}

static void rssi_from_positions(void **state)
{
    (void)state;
    /* 0 dBm, 3 m apart (300 cm), exponent 3: 40.2 + 14.3 = 54.5 dB -> -54 or -55 */
    int r = akira_medium_rssi(&P, 0, 0, 0, 300, 0, 2426);
    assert_true(r <= -54 && r >= -55);
    assert_int_equal(akira_medium_rssi(&P, 0, 0, 0, 300, 0, 2426),
                     akira_medium_rssi(&P, 0, 0, 0, 0, 300, 2426));
    /* TX power adds dB for dB */
    assert_int_equal(akira_medium_rssi(&P, 8, 0, 0, 300, 0, 2426), r + 8);
    /* 5 km is far below the sensitivity of every rate */
    assert_true(akira_medium_rssi(&P, 20, 0, 0, 500000, 0, 2402) <
                akira_medium_sensitivity(AKIRA_RADIO_RF_250K));
}

static void airtime_from_length_and_rate(void **state)
{
    (void)state;
    /* 1M: (1 preamble + 4 AA + 39 PDU/CRC) * 8 us */
    assert_int_equal(akira_medium_airtime_us(AKIRA_RADIO_BLE_1M, 39), 352);
    assert_int_equal(akira_medium_airtime_us(AKIRA_RADIO_BLE_2M, 39), (2 + 4 + 39) * 4);
    assert_int_equal(akira_medium_airtime_us(AKIRA_RADIO_RF_250K, 10), (1 + 4 + 10) * 32);
    assert_true(akira_medium_sensitivity(AKIRA_RADIO_RF_250K) <
                akira_medium_sensitivity(AKIRA_RADIO_BLE_1M));
    assert_int_equal(akira_medium_lqi(-95, AKIRA_RADIO_BLE_1M), 0);
    assert_int_equal(akira_medium_lqi(-50, AKIRA_RADIO_BLE_1M), 255);
    assert_int_equal(akira_medium_lqi(-85, AKIRA_RADIO_BLE_1M), 64);
}

static void collisions_by_overlap_frequency_and_capture(void **state)
{
    (void)state;
    struct akira_medium_tx f = {1000, 1352, 2402, -60};
    struct akira_medium_tx o[1];
    /* same frequency, overlapping, as strong: lost */
    o[0] = (struct akira_medium_tx){1200, 1500, 2402, -60};
    assert_false(akira_medium_survives(&P, &f, o, 1));
    /* 5 dB stronger is not enough (capture 6 dB)... */
    o[0].rssi = -65;
    assert_false(akira_medium_survives(&P, &f, o, 1));
    /* ...6 dB is */
    o[0].rssi = -66;
    assert_true(akira_medium_survives(&P, &f, o, 1));
    /* another frequency never collides */
    o[0] = (struct akira_medium_tx){1200, 1500, 2426, -40};
    assert_true(akira_medium_survives(&P, &f, o, 1));
    /* touching but not overlapping in time */
    o[0] = (struct akira_medium_tx){1352, 1700, 2402, -40};
    assert_true(akira_medium_survives(&P, &f, o, 1));
    o[0] = (struct akira_medium_tx){500, 1000, 2402, -40};
    assert_true(akira_medium_survives(&P, &f, o, 1));
    o[0] = (struct akira_medium_tx){500, 1001, 2402, -40};
    assert_false(akira_medium_survives(&P, &f, o, 1));
}

static void loss_is_seeded_and_at_its_rate(void **state)
{
    (void)state;
    P.loss = 0.1;
    int lost = 0;
    for (uint32_t seq = 0; seq < 20000; seq++)
        lost += akira_medium_lost(&P, 1, 2, seq, -50, 0);
    assert_true(lost > 1800 && lost < 2200);
    /* the same seed loses the same frames; another seed others */
    int same = 0, diff = 0;
    for (uint32_t seq = 0; seq < 2000; seq++) {
        bool a = akira_medium_lost(&P, 1, 2, seq, -50, 0);
        same += a == akira_medium_lost(&P, 1, 2, seq, -50, 0);
        P.seed = 2;
        diff += a != akira_medium_lost(&P, 1, 2, seq, -50, 0);
        P.seed = 1;
    }
    assert_int_equal(same, 2000);
    assert_true(diff > 100);
    /* each direction of a link draws on its own */
    diff = 0;
    for (uint32_t seq = 0; seq < 2000; seq++)
        diff +=
            akira_medium_lost(&P, 1, 2, seq, -50, 0) != akira_medium_lost(&P, 2, 1, seq, -50, 0);
    assert_true(diff > 100);
    /* no loss configured: nothing lost with a margin; below sensitivity always lost */
    P.loss = 0;
    for (uint32_t seq = 0; seq < 1000; seq++)
        assert_false(akira_medium_lost(&P, 1, 2, seq, -80, 0));
    assert_true(akira_medium_lost(&P, 1, 2, 0, -96, AKIRA_RADIO_BLE_1M));
    /* at the edge (1 dB above sensitivity, fade 3 dB) about two thirds are lost */
    lost = 0;
    for (uint32_t seq = 0; seq < 3000; seq++)
        lost += akira_medium_lost(&P, 1, 2, seq, -94, 0);
    assert_true(lost > 1800 && lost < 2200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(path_loss_follows_distance_and_frequency, setup),
        cmocka_unit_test_setup(rssi_from_positions, setup),
        cmocka_unit_test_setup(airtime_from_length_and_rate, setup),
        cmocka_unit_test_setup(collisions_by_overlap_frequency_and_capture, setup),
        cmocka_unit_test_setup(loss_is_seeded_and_at_its_rate, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

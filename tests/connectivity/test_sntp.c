/* SNTP reply checks (akira/sntp.h, RFC 4330) and the wall clock's formats
 * (akira/walltime.h): a good reply gives the server's time plus half the wire time; a
 * short packet, a wrong mode or version, another request's originate timestamp, zero
 * timestamps, an unsynchronised server and a kiss-o'-death are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/sntp.h>
#include <akira/walltime.h>

static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* 2026-12-07T12:00:00Z in NTP seconds (era 0). */
#define T_UNIX 1796644800LL
#define T_NTP  ((uint32_t)(T_UNIX + 2208988800LL))

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A good reply: received at T, sent 10 ms later (frac 0x028F5C29 ~ 10 ms). */
static void good(uint8_t p[AKIRA_SNTP_PACKET])
{
    memset(p, 0, AKIRA_SNTP_PACKET);
    p[0] = (0 << 6) | (4 << 3) | 4;
    p[1] = 2;
    memcpy(p + 24, nonce, 8);
    put32(p + 32, T_NTP);
    put32(p + 40, T_NTP);
    put32(p + 44, 0x028F5C29u);
}

static void test_good(void **state)
{
    (void)state;
    uint8_t p[AKIRA_SNTP_PACKET];
    good(p);
    int64_t ms = 0;
    const char *why = "x";
    /* Round trip 110 ms, 10 of them in the server: 50 ms after its transmit time. */
    assert_int_equal(akira_sntp_parse(p, sizeof(p), nonce, 1000, 1110, &ms, &why), 0);
    assert_null(why);
    assert_true(ms >= T_UNIX * 1000 + 59 && ms <= T_UNIX * 1000 + 61);
    uint8_t req[AKIRA_SNTP_PACKET];
    akira_sntp_request(req, nonce);
    assert_int_equal(req[0] & 7, 3);
    assert_memory_equal(req + 40, nonce, 8);
}

static void expect_refused(const uint8_t *p, size_t len, int err)
{
    int64_t ms = 42;
    const char *why = NULL;
    assert_int_equal(akira_sntp_parse(p, len, nonce, 0, 10, &ms, &why), err);
    assert_non_null(why);
    assert_int_equal(ms, 42);
}

static void test_refused(void **state)
{
    (void)state;
    uint8_t p[AKIRA_SNTP_PACKET];
    good(p);
    expect_refused(p, 47, AKIRA_EFORMAT); /* short */
    good(p);
    p[0] = (4 << 3) | 3; /* mode 3: a client's request reflected */
    expect_refused(p, sizeof(p), AKIRA_EFORMAT);
    good(p);
    p[0] = (4 << 3) | 5; /* broadcast */
    expect_refused(p, sizeof(p), AKIRA_EFORMAT);
    good(p);
    p[0] = (7 << 3) | 4; /* version 7 */
    expect_refused(p, sizeof(p), AKIRA_EFORMAT);
    good(p);
    p[24] ^= 1; /* not our request */
    expect_refused(p, sizeof(p), AKIRA_EAUTH);
    good(p);
    memset(p + 40, 0, 8); /* zero transmit time */
    expect_refused(p, sizeof(p), AKIRA_EFORMAT);
    good(p);
    memset(p + 32, 0, 8); /* zero receive time */
    expect_refused(p, sizeof(p), AKIRA_EFORMAT);
    good(p);
    p[0] |= 3 << 6; /* unsynchronised */
    expect_refused(p, sizeof(p), AKIRA_EAGAIN);
    good(p);
    p[1] = 0; /* kiss-o'-death */
    expect_refused(p, sizeof(p), AKIRA_EAGAIN);
    good(p);
    p[1] = 16;
    expect_refused(p, sizeof(p), AKIRA_EAGAIN);
}

static void test_era(void **state)
{
    (void)state;
    /* 2040: NTP seconds wrapped (era 1, top bit clear). */
    uint8_t p[AKIRA_SNTP_PACKET];
    good(p);
    int64_t u2040 = 2208988800LL; /* 2040-01-01 */
    uint32_t ntp = (uint32_t)((u2040 + 2208988800LL) - 4294967296LL);
    put32(p + 32, ntp);
    put32(p + 40, ntp);
    put32(p + 44, 0);
    int64_t ms;
    assert_int_equal(akira_sntp_parse(p, sizeof(p), nonce, 0, 0, &ms, NULL), 0);
    assert_true(ms == u2040 * 1000);
}

static void test_walltime(void **state)
{
    (void)state;
    int tz;
    assert_int_equal(akira_walltime_tz_parse("+01:00", &tz), 0);
    assert_int_equal(tz, 60);
    assert_int_equal(akira_walltime_tz_parse("-05:30", &tz), 0);
    assert_int_equal(tz, -330);
    assert_int_equal(akira_walltime_tz_parse("Z", &tz), 0);
    assert_int_equal(tz, 0);
    assert_int_equal(akira_walltime_tz_parse("+15:00", &tz), AKIRA_EINVAL);
    assert_int_equal(akira_walltime_tz_parse("+1:00", &tz), AKIRA_EINVAL);
    assert_int_equal(akira_walltime_tz_parse("+01:60", &tz), AKIRA_EINVAL);
    char b[AKIRA_TIME_STR_MAX];
    assert_true(akira_walltime_format(T_UNIX * 1000 + 5, 0, b, sizeof(b)) > 0);
    assert_string_equal(b, "2026-12-07T12:00:00.005Z");
    assert_true(akira_walltime_format(T_UNIX * 1000, 60, b, sizeof(b)) > 0);
    assert_string_equal(b, "2026-12-07T13:00:00.000+01:00");
    assert_true(akira_walltime_format(951782400000LL, -330, b, sizeof(b)) > 0); /* 2000-02-29 */
    assert_string_equal(b, "2000-02-28T18:30:00.000-05:30");
    assert_int_equal(akira_walltime_format(0, 0, b, 8), AKIRA_ERANGE);
    int64_t now;
    akira_walltime_clear();
    assert_int_equal(akira_walltime_now(&now), AKIRA_ENOENT);
    assert_int_equal(akira_walltime_set(1000, "test"), AKIRA_EINVAL); /* 1970: no */
    assert_int_equal(akira_walltime_set(T_UNIX * 1000, "test"), 0);
    assert_int_equal(akira_walltime_now(&now), 0);
    assert_true(now >= T_UNIX * 1000 && now < T_UNIX * 1000 + 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_era),
        cmocka_unit_test(test_walltime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

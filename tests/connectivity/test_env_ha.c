/* The Home Assistant light command parser of upstream's ha_light_poll
 * (akira_env_ha_parse, connectivity/src/env_mqtt.c; docs/compat.md). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/env_compat.h>

struct out {
    int on, bri, r, g, b;
};

static int parse(const char *s, struct out *o)
{
    *o = (struct out){-1, -1, -1, -1, -1};
    return akira_env_ha_parse(s, strlen(s), &o->on, &o->bri, &o->r, &o->g, &o->b);
}

static void test_fields(void **state)
{
    (void)state;
    struct out o;
    assert_int_equal(parse("{\"state\":\"ON\",\"brightness\":200,\"color\":{\"r\":1,\"g\":2,"
                           "\"b\":3},\"transition\":2.5,\"effect\":\"none\"}",
                           &o),
                     7);
    assert_int_equal(o.on, 1);
    assert_int_equal(o.bri, 200);
    assert_int_equal(o.r << 16 | o.g << 8 | o.b, 0x010203);
    /* only what the command holds is written */
    assert_int_equal(parse(" { \"state\" : \"OFF\" } \n", &o), 1);
    assert_int_equal(o.on, 0);
    assert_int_equal(o.bri, -1);
    assert_int_equal(parse("{\"brightness\":300}", &o), 2);
    assert_int_equal(o.bri, 255);
    assert_int_equal(parse("{\"brightness\":-5,\"color\":{\"b\":999,\"g\":0,\"r\":7}}", &o), 6);
    assert_int_equal(o.bri, 0);
    assert_int_equal(o.r << 16 | o.g << 8 | o.b, 0x0700FF);
    /* a color without all three, an unknown state, other keys: not fields */
    assert_int_equal(parse("{\"color\":{\"r\":1,\"g\":2}}", &o), 0);
    assert_int_equal(o.r, -1);
    assert_int_equal(parse("{\"state\":\"on\"}", &o), 0);
    assert_int_equal(
        parse("{\"effect\":{\"a\":[1,2,{\"b\":null}],\"c\":true},\"state\":\"ON\"}", &o), 1);
    assert_int_equal(parse("{\"state\":\"O\\\"N\",\"color_temp\":153}", &o), 0);
    assert_int_equal(parse("{\"brightness\":\"high\"}", &o), 0);
}

static void test_malformed(void **state)
{
    (void)state;
    struct out o;
    static const char *const bad[] = {
        "",
        "{",
        "}",
        "[1]",
        "{}",
        "{\"state\":\"ON\"",
        "{\"state\":ON}",
        "{\"state\" \"ON\"}",
        "{\"state\":\"ON\",}",
        "{\"state\":\"ON\"} x",
        "{\"brightness\":-}",
        "\"ON\"",
        "{\"a\":[[[[[[[[[[1]]]]]]]]]],\"state\":\"ON\"}",
        "{\"color\":{\"r\":1,\"g\":2,\"b\":3}",
        "{\"state\":\"ON\\",
        "{\"a\":\"unterminated}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &o) != 0) fail_msg("'%s' parsed", bad[i]);
        assert_int_equal(o.on, -1); /* nothing written */
    }
    /* the length bounds the parse: the bytes after it are not read */
    const char *s = "{\"state\":\"OFF\"}{\"state\":\"ON\"}";
    assert_int_equal(akira_env_ha_parse(s, 15, &o.on, &o.bri, &o.r, &o.g, &o.b), 1);
    assert_int_equal(o.on, 0);
    assert_int_equal(akira_env_ha_parse(s, 14, &o.on, &o.bri, &o.r, &o.g, &o.b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

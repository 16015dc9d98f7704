/*
 * The API modules' per-app state tables (akira/app_table.h): a state is made from the
 * app's quota at its first use, one per app, and given back at the app's end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/app_table.h>
#include <akira/err.h>
#include <akira/quota.h>

struct state {
    struct akira_app_ctx *app;
    uint32_t data[30];
};
AKIRA_APP_TABLE_STATE(struct state);

#define SLOTS 2u

struct app {
    struct akira_quota q;
    struct akira_app_ctx ctx;
};

static void app_init(struct app *a, const char *name, size_t limit)
{
    memset(a, 0, sizeof(*a));
    akira_quota_init(&a->q, limit, NULL);
    a->ctx.name = name;
    a->ctx.quota = &a->q;
}

static void test_first_use_charges_the_quota(void **state)
{
    (void)state;
    void *table[SLOTS] = {0};
    struct app a;
    app_init(&a, "a", 4096);
    int rc = 1;
    assert_null(akira_app_table_get(table, SLOTS, &a.ctx, sizeof(struct state), false, &rc));
    assert_int_equal(rc, AKIRA_ENOENT); /* a lookup makes nothing */
    assert_int_equal(akira_quota_used(&a.q), 0);
    struct state *s = akira_app_table_get(table, SLOTS, &a.ctx, sizeof(*s), true, &rc);
    assert_non_null(s);
    assert_int_equal(rc, 0);
    assert_ptr_equal(s->app, &a.ctx);
    for (size_t i = 0; i < 30; i++)
        assert_int_equal(s->data[i], 0);
    assert_int_equal(akira_quota_used(&a.q), sizeof(struct state));
    s->data[3] = 7;
    /* later calls find the same state and charge nothing more */
    assert_ptr_equal(akira_app_table_get(table, SLOTS, &a.ctx, sizeof(*s), true, &rc), s);
    assert_ptr_equal(akira_app_table_get(table, SLOTS, &a.ctx, sizeof(*s), false, &rc), s);
    assert_int_equal(rc, 0);
    assert_int_equal(s->data[3], 7);
    assert_int_equal(akira_quota_used(&a.q), sizeof(struct state));
    akira_app_table_release(table, SLOTS, &a.ctx, sizeof(*s));
    assert_int_equal(akira_quota_used(&a.q), 0);
}

static void test_quota_exhausted(void **state)
{
    (void)state;
    void *table[SLOTS] = {0};
    struct app a;
    app_init(&a, "small", sizeof(struct state) - 1);
    int rc = 0;
    assert_null(akira_app_table_get(table, SLOTS, &a.ctx, sizeof(struct state), true, &rc));
    assert_int_equal(rc, AKIRA_EQUOTA);
    assert_null(table[0]); /* no slot taken by the refusal */
    assert_null(table[1]);
    assert_int_equal(akira_quota_used(&a.q), 0);
    assert_int_equal(atomic_load(&a.q.refused), 1);
}

static void test_each_app_its_own_and_release(void **state)
{
    (void)state;
    void *table[SLOTS] = {0};
    struct app a, b, c;
    app_init(&a, "a", 4096);
    app_init(&b, "b", 4096);
    app_init(&c, "c", 4096);
    int rc;
    struct state *sa = akira_app_table_get(table, SLOTS, &a.ctx, sizeof(*sa), true, &rc);
    struct state *sb = akira_app_table_get(table, SLOTS, &b.ctx, sizeof(*sb), true, &rc);
    assert_non_null(sa);
    assert_non_null(sb);
    assert_ptr_not_equal(sa, sb);
    assert_ptr_equal(sb->app, &b.ctx);
    assert_int_equal(akira_quota_used(&a.q), sizeof(struct state)); /* each on its own */
    assert_int_equal(akira_quota_used(&b.q), sizeof(struct state));
    /* every slot taken: a third app gets none, and its quota is not touched */
    assert_null(akira_app_table_get(table, SLOTS, &c.ctx, sizeof(struct state), true, &rc));
    assert_int_equal(rc, AKIRA_ENOSPC);
    assert_int_equal(akira_quota_used(&c.q), 0);
    /* a's end frees its state and its slot; b keeps its own */
    akira_app_table_release(table, SLOTS, &a.ctx, sizeof(struct state));
    assert_int_equal(akira_quota_used(&a.q), 0);
    assert_null(akira_app_table_get(table, SLOTS, &a.ctx, sizeof(struct state), false, &rc));
    assert_int_equal(rc, AKIRA_ENOENT);
    assert_ptr_equal(akira_app_table_get(table, SLOTS, &b.ctx, sizeof(*sb), false, &rc), sb);
    struct state *sc = akira_app_table_get(table, SLOTS, &c.ctx, sizeof(*sc), true, &rc);
    assert_non_null(sc);
    assert_ptr_equal(sc->app, &c.ctx);
    assert_int_equal(akira_quota_used(&c.q), sizeof(struct state));
    /* releasing an app without a state changes nothing */
    akira_app_table_release(table, SLOTS, &a.ctx, sizeof(struct state));
    assert_int_equal(akira_quota_used(&b.q) + akira_quota_used(&c.q), 2 * sizeof(struct state));
    /* take: out of the table, the caller frees it */
    assert_ptr_equal(akira_app_table_take(table, SLOTS, &b.ctx), sb);
    assert_null(akira_app_table_take(table, SLOTS, &b.ctx));
    assert_null(akira_app_table_get(table, SLOTS, &b.ctx, sizeof(*sb), false, &rc));
    akira_quota_realloc(&b.q, sb, sizeof(*sb), 0);
    assert_int_equal(akira_quota_used(&b.q), 0);
    akira_app_table_release(table, SLOTS, &c.ctx, sizeof(struct state));
    assert_int_equal(akira_quota_used(&c.q), 0);
    assert_null(table[0]);
    assert_null(table[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_use_charges_the_quota),
        cmocka_unit_test(test_quota_exhausted),
        cmocka_unit_test(test_each_app_its_own_and_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

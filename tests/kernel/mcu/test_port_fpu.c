/*
 * Cortex-M port: the FPU registers of a thread survive preemption. Two threads of
 * equal priority load all of s0-s31 with their own values, spin long enough to be
 * switched out by the time slice several times, and check every register afterwards.
 * A port that does not save the FP context (s16-s31 in PendSV, s0-s15 lazily by the
 * core) lets one thread's values leak into the other's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/kernel.h>
#include <akira/thread.h>

struct fp_job {
    uint32_t seed;
    uint32_t rounds;
    volatile uint32_t bad;
};

/* Load s0-s31, spin `spins` times in core registers only, store s0-s31. */
static void fp_hold(const float *in, float *out, uint32_t spins)
{
    __asm__ volatile("vldmia %[in], {s0-s31}\n"
                     "1: subs %[n], %[n], #1\n"
                     "bne 1b\n"
                     "vstmia %[out], {s0-s31}\n"
                     : [n] "+r"(spins)
                     : [in] "r"(in), [out] "r"(out)
                     : "memory", "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
                       "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20",
                       "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31");
}

static int fp_thread(void *arg)
{
    struct fp_job *j = arg;
    float in[32], out[32];
    for (uint32_t r = 0; r < j->rounds; r++) {
        for (int i = 0; i < 32; i++)
            in[i] = (float)(j->seed * 1000u + r * 32u + (uint32_t)i);
        fp_hold(in, out, 10000000); /* tens of ms: several time slices */
        for (int i = 0; i < 32; i++)
            if (out[i] != in[i]) j->bad++;
    }
    return 0;
}

static void test_fp_context_survives_switches(void **state)
{
    (void)state;
    struct fp_job a = {1, 6, 0}, b = {2, 6, 0};
    akira_thread_t *ta, *tb;
    /* More urgent than both while creating them, so they start together. */
    assert_int_equal(akira_thread_priority_set(akira_thread_current(), 5), 0);
    assert_int_equal(akira_thread_create(&ta, "fp-a", fp_thread, &a, 12, 0), 0);
    assert_int_equal(akira_thread_create(&tb, "fp-b", fp_thread, &b, 12, 0), 0);
    assert_int_equal(akira_thread_join(ta, 60000, NULL), 0);
    assert_int_equal(akira_thread_join(tb, 60000, NULL), 0);
    assert_int_equal(a.bad, 0);
    assert_int_equal(b.bad, 0);
}

/* The kernel adopts this thread, so it can change its own priority. */
static int setup(void **state)
{
    (void)state;
    return akira_kernel_init();
}

static int teardown(void **state)
{
    (void)state;
    return akira_kernel_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_context_survives_switches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

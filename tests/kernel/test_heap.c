/* Region heap: random alloc/free/realloc against a model, exhaustion, coalescing,
 * alignment, misuse detection, statistics, concurrency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/heap.h>
#include <akira/thread.h>

#define REGION (64 * 1024)
static _Alignas(64) unsigned char region[REGION];
static akira_heap_t *h;

static int setup(void **state)
{
    (void)state;
    memset(region, 0x5a, sizeof(region));
    return akira_heap_create(&h, region, sizeof(region));
}

static int teardown(void **state)
{
    (void)state;
    akira_heap_destroy(h);
    return 0;
}

static struct akira_heap_stats stats(void)
{
    struct akira_heap_stats s;
    akira_heap_stats_get(h, &s);
    return s;
}

/* Tiny deterministic PRNG so failures reproduce. */
static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

struct live {
    unsigned char *p;
    size_t size;
    unsigned char fill;
};

static void check_fill(const struct live *l)
{
    for (size_t i = 0; i < l->size; i++)
        assert_int_equal(l->p[i], l->fill);
}

static void test_random_against_model(void **state)
{
    (void)state;
    enum { SLOTS = 64 };
    struct live model[SLOTS] = {0};
    size_t live_count = 0;
    for (int step = 0; step < 20000; step++) {
        struct live *l = &model[rnd() % SLOTS];
        uint32_t op = rnd() % 4;
        if (l->p == NULL && op != 3) {
            size_t size = 1 + rnd() % (rnd() % 8 == 0 ? 4000 : 200);
            l->p = akira_heap_alloc(h, size);
            if (l->p == NULL) continue; /* full is allowed; the model stays valid */
            assert_int_equal((uintptr_t)l->p % AKIRA_HEAP_ALIGN, 0);
            assert_true(akira_heap_usable_size(h, l->p) >= size);
            l->size = size;
            l->fill = (unsigned char)rnd();
            memset(l->p, l->fill, size);
            live_count++;
        } else if (l->p != NULL && op == 3) {
            size_t size = 1 + rnd() % 3000;
            unsigned char *n = akira_heap_realloc(h, l->p, size);
            if (n == NULL) {
                check_fill(l); /* failed realloc leaves the block alone */
                continue;
            }
            l->p = n;
            if (size < l->size) l->size = size;
            check_fill(l); /* contents preserved up to the smaller size */
            l->size = size;
            memset(l->p, l->fill, size);
        } else if (l->p != NULL) {
            check_fill(l); /* nobody else wrote into this block */
            assert_int_equal(akira_heap_free(h, l->p), 0);
            l->p = NULL;
            live_count--;
        }
        if (step % 64 == 0) {
            assert_int_equal(akira_heap_check(h), 0);
            struct akira_heap_stats s = stats();
            assert_int_equal(s.alloc_count, live_count);
            assert_int_equal(s.used_bytes + s.free_bytes, s.total_bytes);
            assert_true(s.peak_used_bytes >= s.used_bytes);
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (model[i].p) {
            check_fill(&model[i]);
            assert_int_equal(akira_heap_free(h, model[i].p), 0);
        }
    /* Everything coalesces back into one block. */
    assert_int_equal(akira_heap_check(h), 0);
    struct akira_heap_stats s = stats();
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.alloc_count, 0);
    assert_int_equal(s.largest_free, s.total_bytes - 2 * sizeof(void *));
}

static void test_exhaustion_then_coalescing(void **state)
{
    (void)state;
    struct akira_heap_stats fresh = stats();
    assert_true(fresh.total_bytes > REGION - 1024 && fresh.total_bytes < REGION);
    void *blocks[1024];
    size_t n = 0;
    while (n < 1024 && (blocks[n] = akira_heap_alloc(h, 100)) != NULL)
        n++;
    assert_true(n > 100 && n < 1024);
    struct akira_heap_stats full = stats();
    assert_int_equal(full.failures, 1);
    assert_int_equal(full.alloc_count, n);
    assert_true(full.largest_free < 100);
    assert_null(akira_heap_alloc(h, 100));
    assert_int_equal(stats().failures, 2);

    /* A big block fits only once its neighbours are merged again: free every other
     * block first (fragmented), then the rest. */
    for (size_t i = 0; i < n; i += 2)
        akira_heap_free(h, blocks[i]);
    assert_true(stats().largest_free < 1000);
    assert_null(akira_heap_alloc(h, fresh.largest_free / 2));
    for (size_t i = 1; i < n; i += 2)
        akira_heap_free(h, blocks[i]);
    assert_int_equal(akira_heap_check(h), 0);
    struct akira_heap_stats s = stats();
    assert_int_equal(s.largest_free, fresh.largest_free);
    void *big = akira_heap_alloc(h, fresh.largest_free);
    assert_non_null(big);
    assert_int_equal(stats().free_bytes, 0);
    assert_int_equal(akira_heap_free(h, big), 0);
    assert_int_equal(stats().total_allocs, n + 1);
    assert_true(stats().peak_used_bytes == stats().total_bytes);
}

static void test_aligned(void **state)
{
    (void)state;
    void *p[24];
    for (int i = 0; i < 24; i++) {
        size_t align = (size_t)1 << (4 + i % 9); /* 16 .. 4096 */
        p[i] = akira_heap_aligned_alloc(h, align, 40 + (size_t)i * 13);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % align, 0);
        memset(p[i], i, 40 + (size_t)i * 13);
        assert_int_equal(akira_heap_check(h), 0);
    }
    for (int i = 0; i < 24; i++) {
        for (size_t j = 0; j < 40 + (size_t)i * 13; j++)
            assert_int_equal(((unsigned char *)p[i])[j], (unsigned char)i);
        assert_int_equal(akira_heap_free(h, p[i]), 0);
    }
    assert_int_equal(akira_heap_check(h), 0);
    assert_int_equal(stats().used_bytes, 0);
    assert_null(akira_heap_aligned_alloc(h, 48, 10)); /* not a power of two */
    assert_null(akira_heap_aligned_alloc(h, 4096, REGION));
}

static void test_misuse_is_detected(void **state)
{
    (void)state;
    char *a = akira_heap_alloc(h, 64);
    char *b = akira_heap_alloc(h, 64);
    char *c = akira_heap_alloc(h, 64);
    static char foreign[64];
    struct akira_heap_stats before = stats();
    assert_int_equal(akira_heap_free(h, foreign), AKIRA_EINVAL);
    assert_int_equal(akira_heap_free(h, b + 16), AKIRA_EINVAL); /* interior */
    assert_int_equal(akira_heap_free(h, b + 1), AKIRA_EINVAL);  /* misaligned */
    assert_int_equal(akira_heap_free(h, b), 0);
    assert_int_equal(akira_heap_free(h, b), AKIRA_EINVAL); /* double free */
    assert_int_equal(akira_heap_free(h, a), 0);            /* merges with b's block */
    assert_int_equal(akira_heap_free(h, b), AKIRA_EINVAL); /* stale header inside a merge */
    assert_int_equal(akira_heap_free(h, NULL), 0);
    assert_int_equal(akira_heap_usable_size(h, foreign), 0);
    assert_null(akira_heap_realloc(h, foreign, 10));
    struct akira_heap_stats after = stats();
    assert_int_equal(after.alloc_count, before.alloc_count - 2);
    assert_int_equal(akira_heap_check(h), 0);
    assert_int_equal(akira_heap_free(h, c), 0);
    assert_int_equal(stats().used_bytes, 0);
}

static void test_realloc_in_place_and_moving(void **state)
{
    (void)state;
    char *a = akira_heap_alloc(h, 100);
    memset(a, 'a', 100);
    /* Free space follows a: it grows where it is. */
    char *g = akira_heap_realloc(h, a, 1000);
    assert_ptr_equal(g, a);
    for (int i = 0; i < 100; i++)
        assert_int_equal(g[i], 'a');
    char *blocker = akira_heap_alloc(h, 16); /* now a cannot grow in place */
    memset(g, 'g', 1000);
    char *m = akira_heap_realloc(h, g, 5000);
    assert_non_null(m);
    assert_true(m != g);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(m[i], 'g');
    /* Shrinking stays in place. */
    assert_ptr_equal(akira_heap_realloc(h, m, 10), m);
    assert_int_equal(stats().alloc_count, 2);
    assert_null(akira_heap_realloc(h, m, 0)); /* frees */
    assert_int_equal(stats().alloc_count, 1);
    assert_null(akira_heap_realloc(h, blocker, REGION * 2));
    assert_int_equal(akira_heap_free(h, blocker), 0); /* untouched by the failed realloc */
    assert_int_equal(akira_heap_check(h), 0);
}

static void test_calloc_and_zero(void **state)
{
    (void)state;
    unsigned char *z = akira_heap_calloc(h, 10, 30);
    assert_non_null(z);
    for (int i = 0; i < 300; i++)
        assert_int_equal(z[i], 0);
    assert_null(akira_heap_calloc(h, SIZE_MAX / 2, 4)); /* overflow */
    assert_null(akira_heap_alloc(h, 0));
    assert_null(akira_heap_alloc(h, SIZE_MAX));
    akira_heap_free(h, z);
}

static void test_create_rejects_bad_regions(void **state)
{
    (void)state;
    akira_heap_t *x;
    static char small[AKIRA_HEAP_MIN_SIZE - 1];
    assert_int_equal(akira_heap_create(&x, small, sizeof(small)), AKIRA_EINVAL);
    assert_int_equal(akira_heap_create(&x, NULL, 4096), AKIRA_EINVAL);
    /* An unaligned start works: the heap aligns itself inside the region. */
    static char odd[4096 + 3];
    assert_int_equal(akira_heap_create(&x, odd + 3, 4096), 0);
    void *p = akira_heap_alloc(x, 100);
    assert_non_null(p);
    assert_true((char *)p > odd + 3 && (char *)p + 100 <= odd + 3 + 4096);
    assert_int_equal(akira_heap_free(h, p), AKIRA_EINVAL); /* wrong heap */
    assert_int_equal(akira_heap_free(x, p), 0);
    akira_heap_destroy(x);
}

#define THREADS 4

static int hammer(void *arg)
{
    uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
    void *mine[16] = {0};
    for (int i = 0; i < 5000; i++) {
        seed = seed * 1103515245u + 12345u;
        int slot = (int)((seed >> 16) % 16);
        if (mine[slot]) {
            if (*(uint32_t *)mine[slot] != (uint32_t)(uintptr_t)arg) return -1;
            if (akira_heap_free(h, mine[slot]) != 0) return -2;
            mine[slot] = NULL;
        } else {
            mine[slot] = akira_heap_alloc(h, 8 + (seed >> 8) % 300);
            if (mine[slot]) *(uint32_t *)mine[slot] = (uint32_t)(uintptr_t)arg;
        }
    }
    for (int i = 0; i < 16; i++)
        if (mine[i] && akira_heap_free(h, mine[i]) != 0) return -3;
    return 0;
}

static void test_threads_share_heap(void **state)
{
    (void)state;
    akira_thread_t *t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(
            akira_thread_create(&t[i], "hammer", hammer, (void *)(uintptr_t)(i + 1), 10, 0), 0);
    for (int i = 0; i < THREADS; i++) {
        int status = -9;
        assert_int_equal(akira_thread_join(t[i], 10000, &status), 0);
        assert_int_equal(status, 0);
    }
    assert_int_equal(akira_heap_check(h), 0);
    assert_int_equal(stats().used_bytes, 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_TEST_ASAN 1
#endif
#endif

static void test_use_after_free_caught_under_asan(void **state)
{
    (void)state;
#ifdef HEAP_TEST_ASAN
    volatile char *p = akira_heap_alloc(h, 256);
    assert_non_null(p);
    p[200] = 1; /* fine while live */
    akira_heap_free(h, (void *)p);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        p[200] = 2; /* freed: the sanitizer must stop the child here */
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#else
    skip(); /* only sanitizer builds poison free blocks */
#endif
}

static void test_sys_heap_stats(void **state)
{
    (void)state;
    struct akira_sys_heap_stats s;
    void *keep = malloc(100000);
    assert_int_equal(akira_sys_heap_stats(&s), 0);
    assert_true(s.used_bytes <= s.total_bytes);
    assert_true(s.mmapped_bytes <= s.total_bytes);
    free(keep);
    assert_int_equal(akira_sys_heap_stats(NULL), AKIRA_EINVAL);
}

/* The first calls of the system heap's figures come at once from several threads (HTTP
 * workers answering /api/status): each child process, whose allocator figures were never
 * read, starts 16 threads that read them together. Without the port's lock glibc's
 * allocator was set up by several of them at once and one read half-made bins (a SEGV,
 * about 1 child in 20 under AddressSanitizer, whose malloc leaves glibc's unused; a plain
 * build has set glibc's up before). */
#ifdef __GLIBC__
#define FIRST_READERS 16
static pthread_barrier_t first_barrier;

static void *first_reader(void *arg)
{
    (void)arg;
    struct akira_sys_heap_stats s;
    pthread_barrier_wait(&first_barrier);
    return (void *)(intptr_t)akira_sys_heap_stats(&s);
}
#endif

static void test_sys_heap_stats_first_calls_at_once(void **state)
{
    (void)state;
#ifdef __GLIBC__
    for (int round = 0; round < 100; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            pthread_t t[FIRST_READERS];
            int bad = pthread_barrier_init(&first_barrier, NULL, FIRST_READERS);
            for (int i = 0; i < FIRST_READERS; i++)
                bad |= pthread_create(&t[i], NULL, first_reader, NULL);
            for (int i = 0; i < FIRST_READERS; i++) {
                void *rc = NULL;
                pthread_join(t[i], &rc);
                bad |= rc != NULL;
            }
            _exit(bad ? 1 : 0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
#else
    skip(); /* glibc's allocator (the posix port) only */
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: no test before it has read the allocator's figures in this process */
        cmocka_unit_test(test_sys_heap_stats_first_calls_at_once),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion_then_coalescing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aligned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_is_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_realloc_in_place_and_moving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calloc_and_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_rejects_bad_regions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_share_heap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_use_after_free_caught_under_asan, setup, teardown),
        cmocka_unit_test(test_sys_heap_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

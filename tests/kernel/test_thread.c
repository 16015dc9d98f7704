/* Threads: names, exit status, join timeouts, registry states, stack high-water. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if !defined(AKIRA_PORT_CORTEX_M)
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/heap.h>
#include <akira/sem.h>
#include <akira/thread.h>

static int return_arg(void *arg)
{
    return (int)(intptr_t)arg;
}

static void test_join_returns_exit_status(void **state)
{
    (void)state;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "ret", return_arg, (void *)(intptr_t)42, 10, 0), 0);
    int status = 0;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, 42);
}

static int exit_early(void *arg)
{
    (void)arg;
    akira_thread_exit(-7);
}

static void test_thread_exit_sets_status(void **state)
{
    (void)state;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "exiter", exit_early, NULL, 10, 0), 0);
    int status = 0;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, -7);
}

struct self_check {
    char name[AKIRA_THREAD_NAME_MAX];
    int prio;
    akira_thread_t *seen;
};

static int record_self(void *arg)
{
    struct self_check *c = arg;
    c->seen = akira_thread_current();
    strcpy(c->name, akira_thread_name(c->seen));
    c->prio = akira_thread_priority(c->seen);
    return 0;
}

static void test_current_name_priority(void **state)
{
    (void)state;
    struct self_check c = {0};
    akira_thread_t *t;
    assert_int_equal(
        akira_thread_create(&t, "a-rather-long-thread-name-for-the-test", record_self, &c, 3, 0),
        0);
    /* Name is cut to the limit, never overflowing. */
    assert_int_equal(strlen(akira_thread_name(t)), AKIRA_THREAD_NAME_MAX - 1);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    assert_ptr_equal(c.seen, t);
    assert_int_equal(strncmp(c.name, "a-rather-long-thread-name", 25), 0);
    assert_int_equal(c.prio, 3);
    /* The test's main thread was not created by the kernel (no akira_kernel_init). */
    assert_null(akira_thread_current());

    assert_int_equal(akira_thread_create(&t, NULL, return_arg, NULL, 10, 0), 0);
    assert_int_equal(strncmp(akira_thread_name(t), "thread-", 7), 0);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "x", NULL, NULL, 10, 0), AKIRA_EINVAL);
    assert_int_equal(akira_thread_create(&t, "x", return_arg, NULL, AKIRA_PRIO_LOWEST + 1, 0),
                     AKIRA_EINVAL);
    assert_int_equal(akira_thread_create(&t, "x", return_arg, NULL, -1, 0), AKIRA_EINVAL);
}

static int wait_on_sem(void *arg)
{
    return akira_sem_take(arg, AKIRA_FOREVER);
}

static struct akira_thread_info *find_info(struct akira_thread_info *infos, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (infos[i].id == id) return &infos[i];
    return NULL;
}

static void test_join_timeout_and_states(void **state)
{
    (void)state;
    akira_sem_t *s;
    assert_int_equal(akira_sem_create(&s, 0, 1), 0);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "waiter", wait_on_sem, s, 7, 0), 0);

    assert_int_equal(akira_thread_join(t, AKIRA_NO_WAIT, NULL), AKIRA_EAGAIN);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_thread_join(t, 60, NULL), AKIRA_ETIMEDOUT);
    assert_true(akira_uptime_ms() - t0 >= 60);

    /* Blocked in the semaphore, as the registry shows. */
    struct akira_thread_info infos[16];
    size_t n = akira_thread_list(infos, 16);
    struct akira_thread_info *i = find_info(infos, n, akira_thread_id(t));
    assert_non_null(i);
    assert_string_equal(i->name, "waiter");
    assert_int_equal(i->priority, 7);
    assert_int_equal(i->state, AKIRA_THREAD_BLOCKED);
    assert_true(i->stack_size >= AKIRA_THREAD_STACK_MIN);
    assert_true(i->stack_used_max > 0 && i->stack_used_max < i->stack_size);

    akira_sem_give(s);
    /* Finished but not joined: DEAD and still listed. */
    for (int tries = 0; tries < 500; tries++) {
        n = akira_thread_list(infos, 16);
        i = find_info(infos, n, akira_thread_id(t));
        if (i->state == AKIRA_THREAD_DEAD) break;
        akira_sleep_ms(2);
    }
    assert_int_equal(i->state, AKIRA_THREAD_DEAD);
    uint32_t id = akira_thread_id(t);
    int status = -1;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, 0);
    n = akira_thread_list(infos, 16);
    assert_null(find_info(infos, n, id));
    akira_sem_destroy(s);
}

static int sleeper(void *arg)
{
    akira_sleep_ms((uint32_t)(intptr_t)arg);
    return 0;
}

static void test_sleeping_state_and_duration(void **state)
{
    (void)state;
    akira_thread_t *t;
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_thread_create(&t, "sleeper", sleeper, (void *)(intptr_t)150, 10, 0), 0);
    akira_sleep_ms(40);
    struct akira_thread_info infos[16];
    size_t n = akira_thread_list(infos, 16);
    struct akira_thread_info *i = find_info(infos, n, akira_thread_id(t));
    assert_non_null(i);
    assert_int_equal(i->state, AKIRA_THREAD_SLEEPING);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    assert_true(akira_uptime_ms() - t0 >= 150);
}

/* Uses about `depth` KiB of stack through recursion the compiler cannot flatten. */
static __attribute__((noinline)) int deep(int depth)
{
    volatile char frame[1024];
    memset((char *)frame, depth & 0xff, sizeof(frame));
    if (depth == 0) return frame[10];
    return deep(depth - 1) + frame[depth % 1024];
}

struct hw {
    size_t before, after;
};

/* Stack for the high-water test and how many KiB of frames it uses: 512 KiB / 100 where
 * threads get at least 64 KiB (POSIX), 48 KiB / 24 on an MCU board's RAM. */
#if AKIRA_THREAD_STACK_MIN >= 64 * 1024
#define DEEP_STACK (512 * 1024)
#define DEEP_KIB   100
#else
#define DEEP_STACK (48 * 1024)
#define DEEP_KIB   24
#endif

static int use_stack(void *arg)
{
    struct hw *h = arg;
    h->before = akira_thread_stack_used(akira_thread_current());
    deep(DEEP_KIB);
    h->after = akira_thread_stack_used(akira_thread_current());
    return 0;
}

struct spin {
    volatile int stop;
};

static int spinner(void *arg)
{
    struct spin *s = arg;
    while (!s->stop) {
    }
    return 0;
}

static void test_cpu_time_measured(void **state)
{
    (void)state;
    struct spin s = {0};
    akira_sem_t *sem;
    assert_int_equal(akira_sem_create(&sem, 0, 1), 0);
    akira_thread_t *busy, *idle;
    /* The spinner shares the caller's priority: a more urgent one would rightly starve
     * the caller on a port that enforces priorities (Cortex-M). */
    assert_int_equal(akira_thread_create(&busy, "busy", spinner, &s, AKIRA_PRIO_DEFAULT, 0), 0);
    assert_int_equal(akira_thread_create(&idle, "idle", wait_on_sem, sem, 10, 0), 0);
    /* A spinning thread accumulates CPU time (however loaded the host, within a few
     * seconds), a blocked one almost none. */
    struct akira_thread_info infos[16], *b = NULL, *i = NULL;
    for (int tries = 0; tries < 1000; tries++) { /* up to ~10 s */
        size_t n = akira_thread_list(infos, 16);
        b = find_info(infos, n, akira_thread_id(busy));
        i = find_info(infos, n, akira_thread_id(idle));
        if (b && b->cpu_time_us >= 50000) break;
        akira_sleep_ms(10);
    }
    s.stop = 1;
    akira_sem_give(sem);
    assert_non_null(b);
    assert_non_null(i);
    assert_true(b->cpu_time_us >= 50000);
    assert_true(i->cpu_time_us < 20000);
    assert_int_equal(akira_thread_join(busy, 5000, NULL), 0);
    assert_int_equal(akira_thread_join(idle, 5000, NULL), 0);
    akira_sem_destroy(sem);
}

struct own_cpu {
    uint64_t spun, slept;
};

static int own_cpu_thread(void *arg)
{
    struct own_cpu *o = arg;
    uint64_t c0 = akira_thread_cpu_us(), deadline = akira_uptime_us() + 10000000u;
    while (akira_thread_cpu_us() - c0 < 30000 && akira_uptime_us() < deadline) {
    }
    o->spun = akira_thread_cpu_us() - c0;
    c0 = akira_thread_cpu_us();
    akira_sleep_ms(50);
    o->slept = akira_thread_cpu_us() - c0;
    return 0;
}

/* A thread's own CPU time (what the app manager charges a run) grows while it spins
 * and hardly while it sleeps. */
static void test_own_cpu_time(void **state)
{
    (void)state;
    struct own_cpu o = {0};
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "own", own_cpu_thread, &o, AKIRA_PRIO_DEFAULT, 0), 0);
    assert_int_equal(akira_thread_join(t, 20000, NULL), 0);
    assert_true(o.spun >= 30000);
    assert_true(o.slept < 20000);
}

static void test_stack_high_water_grows(void **state)
{
    (void)state;
    struct hw h = {0};
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "deep", use_stack, &h, 10, DEEP_STACK), 0);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    assert_true(h.before > 0);
    assert_true(h.after >= h.before + DEEP_KIB * 1024);
    assert_true(h.after < DEEP_STACK);
}

/* A stack from a heap the caller names: the thread runs on it with the size asked; on
 * Cortex-M the heap holds guard, stack and TLS while the thread lives and has them back
 * once it is joined (the POSIX port maps its own stacks and leaves the heap alone); a
 * heap without room refuses the thread. */
static void test_stack_from_heap(void **state)
{
    (void)state;
    static uint8_t region[64 * 1024] __attribute__((aligned(16)));
    akira_heap_t *h;
    assert_int_equal(akira_heap_create(&h, region, sizeof region), 0);
    struct akira_heap_stats before, during, after;
    akira_heap_stats_get(h, &before);
    struct hw hwm = {0};
    akira_thread_t *t;
    assert_int_equal(akira_thread_create_in(&t, "inheap", use_stack, &hwm, 10, DEEP_STACK, h), 0);
    akira_heap_stats_get(h, &during);
    assert_int_equal(akira_thread_join(t, 5000, NULL), 0);
    akira_heap_stats_get(h, &after);
    assert_true(hwm.after >= hwm.before + DEEP_KIB * 1024); /* it ran on a stack that big */
#if defined(AKIRA_PORT_CORTEX_M)
    assert_true(during.used_bytes >= before.used_bytes + DEEP_STACK);
#else
    assert_int_equal(during.used_bytes, before.used_bytes);
#endif
    assert_int_equal(after.used_bytes, before.used_bytes);
#if defined(AKIRA_PORT_CORTEX_M)
    assert_int_equal(akira_thread_create_in(&t, "nospace", return_arg, NULL, 10, sizeof region, h),
                     AKIRA_ENOMEM);
#endif
    assert_int_equal(akira_heap_check(h), 0);
    akira_heap_destroy(h);
}

/* On Cortex-M an overflow resets the device: tests/kernel/mcu/test_port_overflow.c
 * checks it in an image of its own. Here a child process crashes instead. */
#if !defined(AKIRA_PORT_CORTEX_M)
static int overflow(void *arg)
{
    (void)arg;
    return deep(1 << 20); /* 1 GiB of frames: far past any stack */
}

static void test_stack_overflow_crashes(void **state)
{
    (void)state;
    /* The guard page must stop a runaway thread instead of letting it write over
     * whatever lies below its stack. Run it in a child process and expect a crash. */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Keep the expected crash report (sanitizer builds) out of the test log. */
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        akira_thread_t *t;
        if (akira_thread_create(&t, "overflow", overflow, NULL, 10, 0) != 0) _exit(3);
        akira_thread_join(t, AKIRA_FOREVER, NULL);
        _exit(0); /* reaching this means the overflow went unnoticed */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* SIGSEGV, or the sanitizer's "stack-overflow" report with a failing exit. */
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}
#endif

static void test_join_self_and_detach(void **state)
{
    (void)state;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "detached", sleeper, (void *)(intptr_t)20, 10, 0), 0);
    uint32_t id = akira_thread_id(t);
    assert_int_equal(akira_thread_detach(t), 0);
    /* A detached thread frees itself: it leaves the registry once it finished. */
    struct akira_thread_info infos[16];
    bool gone = false;
    for (int tries = 0; tries < 500 && !gone; tries++) {
        size_t n = akira_thread_list(infos, 16);
        gone = find_info(infos, n, id) == NULL;
        if (!gone) akira_sleep_ms(2);
    }
    assert_true(gone);
}

static int join_self(void *arg)
{
    (void)arg;
    return akira_thread_join(akira_thread_current(), 10, NULL);
}

static void test_join_self_is_deadlock(void **state)
{
    (void)state;
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "selfjoin", join_self, NULL, 10, 0), 0);
    int status = 0;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, AKIRA_EDEADLK);
}

static void test_uptime_monotonic(void **state)
{
    (void)state;
    uint64_t a = akira_uptime_us();
    akira_sleep_us(2000);
    uint64_t b = akira_uptime_us();
    assert_true(b - a >= 2000);
    uint64_t ms = akira_uptime_ms();
    assert_true(ms >= b / 1000);
    assert_true(ms <= akira_uptime_us() / 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_returns_exit_status),
        cmocka_unit_test(test_thread_exit_sets_status),
        cmocka_unit_test(test_current_name_priority),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_join_timeout_and_states),
        cmocka_unit_test(test_sleeping_state_and_duration),
        cmocka_unit_test(test_cpu_time_measured),
        cmocka_unit_test(test_stack_high_water_grows),
        cmocka_unit_test(test_stack_from_heap),
#if !defined(AKIRA_PORT_CORTEX_M)
        cmocka_unit_test(test_stack_overflow_crashes),
#endif
        cmocka_unit_test(test_join_self_and_detach),
        cmocka_unit_test(test_join_self_is_deadlock),
        cmocka_unit_test(test_uptime_monotonic),
        cmocka_unit_test(test_own_cpu_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Recursive mutex and condition variable on pthreads, with timeouts on the monotonic
 * clock so that wall-clock changes never shorten or stretch a wait. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/mutex.h>

#include "kernel_internal.h"
#include "port.h"

struct akira_mutex {
    pthread_mutex_t m;
};

struct akira_condvar {
    pthread_cond_t c;
};

int akira_mutex_create(akira_mutex_t **out)
{
    if (out == NULL) return AKIRA_EINVAL;
    struct akira_mutex *m = malloc(sizeof(*m));
    if (m == NULL) return AKIRA_ENOMEM;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    int rc = pthread_mutex_init(&m->m, &a);
    pthread_mutexattr_destroy(&a);
    if (rc != 0) {
        free(m);
        return AKIRA_ENOMEM;
    }
    *out = m;
    return 0;
}

void akira_mutex_destroy(akira_mutex_t *m)
{
    if (m == NULL) return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

int akira_mutex_lock(akira_mutex_t *m, int32_t timeout_ms)
{
    int rc = pthread_mutex_trylock(&m->m);
    if (rc == 0) return 0;
    if (rc != EBUSY) return AKIRA_EINVAL;
    if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    enum akira_thread_state prev = akira_thread_state_enter(AKIRA_THREAD_BLOCKED);
    if (forever) {
        rc = pthread_mutex_lock(&m->m);
    } else {
        struct timespec ts = akira_posix_mono_from_uptime_us(deadline);
        rc = pthread_mutex_clocklock(&m->m, CLOCK_MONOTONIC, &ts);
    }
    akira_thread_state_restore(prev);
    if (rc == 0) return 0;
    return rc == ETIMEDOUT ? AKIRA_ETIMEDOUT : AKIRA_EINVAL;
}

int akira_mutex_unlock(akira_mutex_t *m)
{
    return pthread_mutex_unlock(&m->m) == 0 ? 0 : AKIRA_EPERM;
}

int akira_condvar_create(akira_condvar_t **out)
{
    if (out == NULL) return AKIRA_EINVAL;
    struct akira_condvar *cv = malloc(sizeof(*cv));
    if (cv == NULL) return AKIRA_ENOMEM;
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&cv->c, &a);
    pthread_condattr_destroy(&a);
    if (rc != 0) {
        free(cv);
        return AKIRA_ENOMEM;
    }
    *out = cv;
    return 0;
}

void akira_condvar_destroy(akira_condvar_t *cv)
{
    if (cv == NULL) return;
    pthread_cond_destroy(&cv->c);
    free(cv);
}

int akira_condvar_wait_until(akira_condvar_t *cv, akira_mutex_t *m, uint64_t deadline_us)
{
    enum akira_thread_state prev = akira_thread_state_enter(AKIRA_THREAD_BLOCKED);
    int rc;
    if (deadline_us == UINT64_MAX) {
        rc = pthread_cond_wait(&cv->c, &m->m);
    } else {
        struct timespec ts = akira_posix_mono_from_uptime_us(deadline_us);
        rc = pthread_cond_timedwait(&cv->c, &m->m, &ts);
    }
    akira_thread_state_restore(prev);
    return rc == ETIMEDOUT ? AKIRA_ETIMEDOUT : 0;
}

void akira_condvar_signal(akira_condvar_t *cv)
{
    pthread_cond_signal(&cv->c);
}

void akira_condvar_broadcast(akira_condvar_t *cv)
{
    pthread_cond_broadcast(&cv->c);
}

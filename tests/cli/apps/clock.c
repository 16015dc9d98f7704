/* clock: time moves forward, sleeping (poll_oneoff) waits at least as asked, and
 * random bytes are not constant. */
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <sys/random.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return -1;
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(void)
{
    long long t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 20 * 1000 * 1000};
    if (nanosleep(&req, NULL) != 0) {
        printf("nanosleep failed\n");
        return 1;
    }
    long long slept = now_ns(CLOCK_MONOTONIC) - t0;
    printf("slept >= 20ms: %s\n", slept >= 20000000 ? "yes" : "no");
    long long real = now_ns(CLOCK_REALTIME);
    printf("realtime after 2020: %s\n", real > 1577836800ll * 1000000000ll ? "yes" : "no");
    struct timespec res;
    printf("resolution ok: %s\n",
           clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 ? "yes" : "no");

    /* poll_oneoff with an fd subscription and a timeout: stdin is /dev/null, which is
     * readable (at end of file) at once; with no fds, poll is a sleep. */
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, 5000);
    printf("poll stdin: %d %s\n", r, (p.revents & POLLIN) ? "readable" : "not readable");
    t0 = now_ns(CLOCK_MONOTONIC);
    r = poll(NULL, 0, 30);
    printf("poll timeout: %d, waited >= 30ms: %s\n", r,
           now_ns(CLOCK_MONOTONIC) - t0 >= 30000000 ? "yes" : "no");

    unsigned char a[32], b[32];
    if (getentropy(a, sizeof a) != 0 || getentropy(b, sizeof b) != 0) return 1;
    printf("random differs: %s\n", memcmp(a, b, sizeof a) != 0 ? "yes" : "no");
    return 0;
}

/*
 * native_sim "input0": the eight buttons and the touch panel, driven from the bench
 * (the shell's `input`, POST /api/input, script files) instead of fingers. Events
 * carry the uptime they happened at and wait in the class's bounded queue for the
 * runtime's input router.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/board_config.h>
#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/input.h>
#include <akira/err.h>

#include "sim.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty;
static struct akira_input_event ring[AKIRA_INPUT_QUEUE_DEPTH];
static uint32_t head, count;
static struct akira_input_state st;

static int input_init(const struct akira_device *dev)
{
    (void)dev;
    /* Waits use the monotonic clock, so a wall-clock jump cannot stretch them. */
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&nonempty, &a);
    pthread_condattr_destroy(&a);
    return rc ? AKIRA_ENOMEM : 0;
}

/* With lock held: queue e (or count it as dropped). */
static void push(const struct akira_input_event *e)
{
    if (count == AKIRA_INPUT_QUEUE_DEPTH) {
        st.dropped++;
        return;
    }
    ring[(head + count) % AKIRA_INPUT_QUEUE_DEPTH] = *e;
    count++;
    pthread_cond_signal(&nonempty);
}

static int input_read(const struct akira_device *dev, struct akira_input_event *out,
                      int32_t timeout_ms)
{
    (void)dev;
    if (timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000u;
    until.tv_sec += (time_t)(ns / 1000000000u);
    until.tv_nsec = (long)(ns % 1000000000u);
    pthread_mutex_lock(&lock);
    int rc = 0;
    while (count == 0) {
        if (timeout_ms == AKIRA_NO_WAIT) {
            rc = AKIRA_EAGAIN;
            break;
        }
        int w = timeout_ms == AKIRA_FOREVER ? pthread_cond_wait(&nonempty, &lock)
                                            : pthread_cond_timedwait(&nonempty, &lock, &until);
        if (w == ETIMEDOUT && count == 0) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    if (rc == 0) {
        *out = ring[head];
        head = (head + 1) % AKIRA_INPUT_QUEUE_DEPTH;
        count--;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static void input_state(const struct akira_device *dev, struct akira_input_state *out)
{
    (void)dev;
    pthread_mutex_lock(&lock);
    *out = st;
    out->queued = count;
    pthread_mutex_unlock(&lock);
}

static const struct akira_input_api input_api = {.read = input_read, .state = input_state};

AKIRA_DRIVER_DEFINE(native_sim_input0, AKIRA_DRIVER_INPUT, "input0", input_init, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 30, &input_api);

/* --- bench side ------------------------------------------------------------------ */

int akira_sim_input_button(unsigned code, bool pressed)
{
    if (code >= AKIRA_INPUT_BTN_COUNT_) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    uint32_t bit = 1u << code;
    if (((st.buttons & bit) != 0) != pressed) {
        st.buttons ^= bit;
        struct akira_input_event e = {.time_us = akira_uptime_us(),
                                      .type = AKIRA_INPUT_BUTTON,
                                      .code = (uint8_t)code,
                                      .pressed = pressed};
        push(&e);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

int akira_sim_input_touch(int x, int y, bool pressed)
{
    if (pressed &&
        (x < 0 || y < 0 || x >= AKIRA_BOARD_DISPLAY_WIDTH || y >= AKIRA_BOARD_DISPLAY_HEIGHT))
        return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    /* A lift without a touch is nothing; a move while touching is a new point. */
    if (pressed || st.touching) {
        if (pressed) {
            st.x = (int16_t)x;
            st.y = (int16_t)y;
        }
        st.touching = pressed;
        struct akira_input_event e = {.time_us = akira_uptime_us(),
                                      .type = AKIRA_INPUT_TOUCH,
                                      .pressed = pressed,
                                      .x = st.x,
                                      .y = st.y};
        push(&e);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static int why_set(char *why, size_t len, const char *fmt, const char *word)
{
    if (why && len) snprintf(why, len, fmt, word ? word : "");
    return AKIRA_EINVAL;
}

/* A coordinate: decimal digits only, 0..9999. */
static int coord(const char *s, int *out)
{
    if (!s || !*s || strlen(s) > 4) return AKIRA_EINVAL;
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return AKIRA_EINVAL;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

/* Parses one action; with run, does it. */
static int action(const char *line, bool run, char *why, size_t why_len)
{
    char buf[96];
    if (!line || strlen(line) >= sizeof(buf)) return why_set(why, why_len, "line too long%s", "");
    strcpy(buf, line);
    char *save = NULL, *w[4] = {0};
    int n = 0;
    for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 4) return why_set(why, why_len, "too many words: '%s'", t);
        w[n++] = t;
    }
    if (n == 0) return why_set(why, why_len, "empty action%s", "");
    bool press = !strcmp(w[0], "press"), release = !strcmp(w[0], "release"),
         tap = !strcmp(w[0], "tap"), touch = !strcmp(w[0], "touch");
    if (!press && !release && !tap && !touch)
        return why_set(why, why_len, "not press, release, tap or touch: '%s'", w[0]);
    if ((press || release || tap) && n == 2) {
        int code = akira_input_button_from_name(w[1]);
        if (code < 0)
            return why_set(why, why_len,
                           "no such button: '%s' (up down left right select back a b)", w[1]);
        if (run) {
            if (!release) akira_sim_input_button((unsigned)code, true);
            if (!press) akira_sim_input_button((unsigned)code, false);
        }
        return 0;
    }
    if (release && n == 1) {
        if (run) akira_sim_input_touch(0, 0, false);
        return 0;
    }
    if ((touch || tap) && n == 3) {
        int x, y;
        if (coord(w[1], &x) || coord(w[2], &y) || x >= AKIRA_BOARD_DISPLAY_WIDTH ||
            y >= AKIRA_BOARD_DISPLAY_HEIGHT)
            return why_set(why, why_len, "touch point off the panel (%s)", "320x240");
        if (run) {
            akira_sim_input_touch(x, y, true);
            if (tap) akira_sim_input_touch(x, y, false);
        }
        return 0;
    }
    return why_set(why, why_len, "wrong number of words after '%s'", w[0]);
}

int akira_sim_input_apply(const char *line, char *why, size_t why_len)
{
    return action(line, true, why, why_len);
}

#define PLAY_LINE_MAX 128u
#define PLAY_TIME_MAX (3600u * 1000u) /* an hour */

/* The next script line: AKIRA_EINVAL (bad), 1 (an action at *at_ms, its text in *act),
 * 0 (blank or comment). */
static int script_line(char *line, uint32_t *at_ms, char **act, char *why, size_t why_len)
{
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#') return 0;
    char *end;
    errno = 0;
    unsigned long t = strtoul(p, &end, 10);
    if (end == p || errno || t > PLAY_TIME_MAX || (*end != ' ' && *end != '\t'))
        return why_set(why, why_len, "no time in ms (0..3600000) first%s", "");
    int rc = action(end, false, why, why_len);
    if (rc) return rc;
    *at_ms = (uint32_t)t;
    *act = end;
    return 1;
}

/* Reads the script; with play, performs it. Returns actions, or AKIRA_EINVAL. */
static int script_pass(FILE *f, bool play, const volatile bool *stop, char *why, size_t why_len)
{
    char line[PLAY_LINE_MAX + 2];
    uint64_t t0 = akira_uptime_us();
    uint32_t last = 0, lineno = 0;
    int done = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char sub[PLAY_LINE_MAX];
        if (!strchr(line, '\n') && !feof(f)) {
            if (why) snprintf(why, why_len, "line %u: longer than %u bytes", lineno, PLAY_LINE_MAX);
            return AKIRA_EINVAL;
        }
        uint32_t at = 0;
        char *act = NULL;
        int rc = script_line(line, &at, &act, sub, sizeof sub);
        if (rc < 0 || (rc == 1 && at < last)) {
            if (why)
                snprintf(why, why_len, "line %u: %s", lineno,
                         rc < 0 ? sub : "times must not go back");
            return AKIRA_EINVAL;
        }
        if (rc == 0) continue;
        last = at;
        if (play) {
            uint64_t due = t0 + (uint64_t)at * 1000u;
            while (!(stop && *stop)) {
                uint64_t now = akira_uptime_us();
                if (now >= due) break;
                uint64_t left = due - now > 50000u ? 50000u : due - now;
                struct timespec ts = {0, (long)left * 1000};
                nanosleep(&ts, NULL);
            }
            if (stop && *stop) break;
            action(act, true, NULL, 0);
        }
        done++;
    }
    return done;
}

int akira_sim_input_play(const char *path, const volatile bool *stop, char *why, size_t why_len)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        if (why) snprintf(why, why_len, "cannot open %s", path ? path : "(null)");
        return AKIRA_ENOENT;
    }
    int rc = script_pass(f, false, NULL, why, why_len);
    if (rc >= 0) {
        rewind(f);
        rc = script_pass(f, true, stop, why, why_len);
    }
    fclose(f);
    return rc;
}

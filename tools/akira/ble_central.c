/* The tool's central on the radio medium: a helper akiraos (ble_central.h). */
#define _POSIX_C_SOURCE 200809L
#include "ble_central.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child = -1;
static int conn_handle = -1; /* the helper's connection to the node */
static int to_fd = -1, from_fd = -1;
static char out[16384]; /* the helper's console output so far (the tail beyond it) */
static size_t out_len, seen;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the console until one of the needles appears after `seen`; returns its index
 * (seen moves past the line), -1 on timeout or exit. */
static int wait_for(const char *const *needles, int n, int timeout_ms, const char **line)
{
    long long end = now_ms() + timeout_ms;
    for (;;) {
        out[out_len] = '\0';
        for (int i = 0; i < n; i++) {
            char *p = strstr(out + seen, needles[i]);
            if (!p) continue;
            char *eol = strchr(p, '\n');
            if (!eol) continue; /* the whole line first */
            if (line) *line = p;
            seen = (size_t)(eol + 1 - out);
            return i;
        }
        long long left = end - now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {.fd = from_fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0) continue;
        if (out_len + 1 >= sizeof(out)) { /* keep the unread tail */
            size_t keep = out_len - seen;
            memmove(out, out + seen, keep);
            out_len = keep;
            seen = 0;
        }
        ssize_t r = read(from_fd, out + out_len, sizeof(out) - 1 - out_len);
        if (r <= 0) return -1;
        out_len += (size_t)r;
    }
}

static void say(const char *line)
{
    size_t n = strlen(line);
    if (write(to_fd, line, n) != (ssize_t)n) { /* the helper is gone: the wait says so */
    }
}

/* The akiraos next to this akira (build/bin), or $AKIRA_OS. */
static int find_akiraos(char *path, size_t cap)
{
    const char *env = getenv("AKIRA_OS");
    if (env && *env) {
        snprintf(path, cap, "%s", env);
        return access(path, X_OK);
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) return -1;
    *slash = '\0';
    if (strlen(self) + sizeof("/akiraos") > cap) return -1;
    memcpy(path, self, strlen(self));
    memcpy(path + strlen(self), "/akiraos", sizeof("/akiraos"));
    return access(path, X_OK);
}

static int node_addr(const char *node, char addr[18])
{
    if (strlen(node) == 17 && node[2] == ':') {
        snprintf(addr, 18, "%s", node);
        return 0;
    }
    if (!strncmp(node, "akira-", 6)) node += 6;
    char *end;
    unsigned long id = strtoul(node, &end, 10);
    if (!*node || *end || id < 1 || id > 65535) return -1;
    snprintf(addr, 18, "C0:00:00:00:%02lX:%02lX", id >> 8, id & 0xff);
    return 0;
}

int ble_central_start(const char *node, const char *radio, const char *pos, char *pty,
                      size_t pty_cap, char *err, size_t cap)
{
    char addr[18], bin[PATH_MAX];
    if (node_addr(node, addr)) {
        snprintf(err, cap, "--ble %s: not a node id, akira-N name or address", node);
        return -1;
    }
    if (find_akiraos(bin, sizeof(bin))) {
        snprintf(err, cap, "no akiraos next to akira (set AKIRA_OS to its path)");
        return -1;
    }
    int in[2], outp[2];
    if (pipe(in) || pipe(outp)) {
        snprintf(err, cap, "pipe: %s", strerror(errno));
        return -1;
    }
    child = fork();
    if (child < 0) {
        snprintf(err, cap, "fork: %s", strerror(errno));
        return -1;
    }
    if (child == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        dup2(outp[1], 2);
        close(in[1]);
        close(outp[0]);
        /* No network services, no management link of its own: only the radio. */
        execl(bin, bin, "--radio", radio, "--radio-pos", pos ? pos : "1,0", "--serial-uart", "off",
              (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    to_fd = in[1];
    from_fd = outp[0];
    fcntl(to_fd, F_SETFD, FD_CLOEXEC);
    fcntl(from_fd, F_SETFD, FD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);

    const char *line = NULL;
    const char *boot[] = {"boot complete", "bluetooth: off", "[FAIL]"};
    if (wait_for(boot, 3, 15000, &line) != 0) {
        snprintf(err, cap, "the central (akiraos on %s) did not come up%s", radio,
                 line ? ": no radio" : "");
        ble_central_stop();
        return -1;
    }
    const char *p = strstr(out, "uart1 on pty ");
    if (!p || sscanf(p + 13, "%63s", pty) != 1 || strlen(pty) >= pty_cap) {
        snprintf(err, cap, "the central has no uart1 pty");
        ble_central_stop();
        return -1;
    }
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "bt connect %s\n", addr);
    say(cmd);
    const char *conn[] = {"connected: conn ", "no connection", "bt connect:", "bt: "};
    int k = wait_for(conn, 4, 20000, &line);
    if (k != 0) {
        snprintf(err, cap, "no connection to %s over the medium", addr);
        ble_central_stop();
        return -1;
    }
    unsigned handle = (unsigned)atoi(line + strlen(conn[0]));
    conn_handle = (int)handle;
    snprintf(cmd, sizeof(cmd), "bt link %u uart1\n", handle);
    say(cmd);
    const char *link[] = {"link: conn ", "bt link: "};
    if (wait_for(link, 2, 30000, &line) != 0) {
        const char *eol = line ? strchr(line, '\n') : NULL;
        snprintf(err, cap, "%s: %.*s", addr, line && eol ? (int)(eol - line) : 7,
                 line ? line : "no link");
        ble_central_stop();
        return -1;
    }
    return 0;
}

void ble_central_stop(void)
{
    if (child <= 0) return;
    if (conn_handle >= 0) {
        /* A clean end (TERMINATE_IND 0x13): the node frees the connection at once
         * instead of after its supervision timeout. */
        char cmd[48];
        snprintf(cmd, sizeof(cmd), "bt disconnect %d\n", conn_handle);
        say(cmd);
        const char *done[] = {"disconnected conn", "bt disconnect", "bt: "};
        wait_for(done, 3, 3000, NULL);
        conn_handle = -1;
    }
    say("poweroff\n");
    long long end = now_ms() + 5000;
    int st;
    while (waitpid(child, &st, WNOHANG) == 0) {
        if (now_ms() > end) {
            kill(child, SIGKILL);
            waitpid(child, &st, 0);
            break;
        }
        char sink[4096];
        struct pollfd p = {.fd = from_fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0 && read(from_fd, sink, sizeof(sink)) <= 0) {
        }
    }
    child = -1;
    close(to_fd);
    close(from_fd);
    to_fd = from_fd = -1;
}

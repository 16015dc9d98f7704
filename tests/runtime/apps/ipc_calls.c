/* IPC calls from a hostile or unprivileged app. Without the capability every IPC call
 * must come back AKIRA_EACCES ("ipc: denied N of 5"); with it, every wild pointer,
 * bad length and bad topic must be refused with its error ("ipc: N calls not refused",
 * 0 = all). Then it subscribes to "echo" and answers each message there on
 * "echo/reply" until STOP, so the test can see it still works. */
#include <akira/akira.h>

#define WILD 0xfffff000u

static int expect(int32_t got, int32_t want, const char *what)
{
    if (got == want) return 0;
    akira_printf("ipc: %s gave %d, expected %d\n", what, (int)got, (int)want);
    return 1;
}

__attribute__((export_name("main"))) int app_main(void)
{
    char buf[AKIRA_IPC_MSG_MAX + 1];
    int32_t id = akira_ipc_sub("probe");
    if (id == AKIRA_EACCES) {
        int denied = 1;
        denied += akira_ipc_unsubscribe(1) == AKIRA_EACCES;
        denied += akira_ipc_pub("probe", "x", 1) == AKIRA_EACCES;
        denied += akira_ipc_recv(1, buf, sizeof(buf)) == AKIRA_EACCES;
        denied += akira_ipc_dropped(1) == AKIRA_EACCES;
        akira_printf("ipc: denied %d of 5\n", denied);
        return denied;
    }
    int bad = expect(id, 1, "first subscription");
    /* Wild pointers and lengths. */
    bad += expect(akira_ipc_subscribe((const char *)WILD, 5), AKIRA_EFAULT, "sub wild");
    bad += expect(akira_ipc_subscribe("x", 0x7fffffffu), AKIRA_EFAULT, "sub long wild");
    bad += expect(akira_ipc_publish((const char *)WILD, 4, "x", 1), AKIRA_EFAULT, "pub topic");
    bad += expect(akira_ipc_publish("t", 1, (const void *)WILD, 64), AKIRA_EFAULT, "pub data");
    bad += expect(akira_ipc_publish("t", 1, buf, 0x80000000u), AKIRA_EFAULT, "pub len");
    bad += expect(akira_ipc_recv(id, (void *)WILD, 16), AKIRA_EFAULT, "recv wild");
    bad += expect(akira_ipc_recv(id, buf, 0xfffffff0u), AKIRA_EFAULT, "recv cap");
    /* Bad topics. */
    bad += expect(akira_ipc_sub(""), AKIRA_EINVAL, "empty topic");
    bad += expect(akira_ipc_sub("/abs"), AKIRA_EINVAL, "leading /");
    bad += expect(akira_ipc_sub("a//b"), AKIRA_EINVAL, "empty segment");
    bad += expect(akira_ipc_sub("a/"), AKIRA_EINVAL, "trailing /");
    bad += expect(akira_ipc_sub("Caps"), AKIRA_EINVAL, "upper case");
    bad += expect(akira_ipc_sub("a b"), AKIRA_EINVAL, "space");
    bad += expect(akira_ipc_subscribe("a\0b", 3), AKIRA_EINVAL, "NUL inside");
    bad += expect(akira_ipc_sub("a-topic-name-that-is-32-bytes-xx"), AKIRA_ENAMETOOLONG,
                  "32-byte topic");
    bad += expect(akira_ipc_sub("a-topic-name-that-is-31-bytes-x") > 0, 1, "31-byte topic");
    bad += expect(akira_ipc_sub("probe"), AKIRA_EEXIST, "twice");
    /* Sizes: 128 bytes go, 129 do not; a short buffer keeps the message. */
    for (int i = 0; i < (int)sizeof(buf); i++)
        buf[i] = (char)i;
    bad += expect(akira_ipc_pub("probe", buf, AKIRA_IPC_MSG_MAX + 1), AKIRA_ETOOBIG, "129 bytes");
    bad += expect(akira_ipc_pub("probe", buf, AKIRA_IPC_MSG_MAX), 1, "128 bytes to self");
    bad += expect(akira_ipc_recv(id, buf, 127), AKIRA_ERANGE, "short buffer");
    bad += expect(akira_ipc_recv(id, buf, sizeof(buf)), AKIRA_IPC_MSG_MAX, "then it fits");
    bad += expect(buf[127], 127, "bytes copied");
    bad += expect(akira_ipc_recv(id, buf, sizeof(buf)), AKIRA_EAGAIN, "empty");
    bad += expect(akira_ipc_recv(9, buf, sizeof(buf)), AKIRA_ENOENT, "no such id");
    bad += expect(akira_ipc_unsubscribe(9), AKIRA_ENOENT, "unsubscribe unknown");
    /* Per-app limit: 4 held; probe and the 31-byte topic are two of them. */
    int32_t ids[4];
    int n = 0;
    const char *more[] = {"m1", "m2", "m3", "m4"};
    for (int i = 0; i < 4; i++)
        ids[i] = akira_ipc_sub(more[i]), n += ids[i] > 0;
    bad += expect(n, 2, "subscriptions until the app's table is full");
    bad += expect(ids[2], AKIRA_ENOSPC, "5th subscription");
    for (int i = 0; i < 4; i++)
        if (ids[i] > 0) akira_ipc_unsubscribe(ids[i]);
    akira_printf("ipc: %d calls not refused\n", bad);

    /* Still working: answer on echo/reply. */
    int32_t echo = akira_ipc_sub("echo");
    if (echo < 0) return 100;
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return bad;
        if (ev.type != AKIRA_EVENT_IPC) continue;
        int32_t len;
        while ((len = akira_ipc_recv(echo, buf, sizeof(buf))) >= 0) {
            akira_ipc_pub("echo/reply", buf, (uint32_t)len);
            akira_printf("ipc: echoed %d bytes\n", (int)len);
        }
    }
}

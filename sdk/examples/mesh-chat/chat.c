/*
 * mesh-chat: a chat room across AkiraMesh. A line typed on the device's console as
 * `ipc pub chat/say TEXT` goes to every node (mesh broadcast on topic "chat"), or to
 * one node when it starts with "@ID " (a unicast, acknowledged end to end); lines from
 * the other nodes show in this app's log (`app logs mesh-chat`):
 *
 *   chat: <3, 2 hops> hello
 *   chat: delivered to 3          (or: not delivered (-110))
 */
#include <akira/akira.h>

static const char TOPIC[] = "chat";
static int32_t say; /* the local IPC subscription: what the user types */

__attribute__((export_name("main"))) int app_main(void)
{
    say = akira_ipc_sub("chat/say");
    int32_t rc = say < 0 ? say : akira_mesh_subscribe(TOPIC, sizeof TOPIC - 1);
    if (rc < 0) {
        akira_printf("chat: cannot subscribe: %d\n", (int)rc);
        return 1;
    }
    int32_t id = akira_mesh_id();
    if (id < 0)
        akira_printf("chat: the mesh is down (%d); messages go out once it is up\n", (int)id);
    else
        akira_printf("chat: node %d joined\n", (int)id);
    return 0;
}

/* "@ID rest": the node id and where the text starts, or 0 for a broadcast. */
static uint32_t addressee(const char *s, int32_t n, int32_t *start)
{
    *start = 0;
    if (n < 3 || s[0] != '@') return 0;
    uint32_t id = 0;
    int32_t i = 1;
    while (i < n && s[i] >= '0' && s[i] <= '9' && id < 65535)
        id = id * 10 + (uint32_t)(s[i++] - '0');
    if (i == 1 || i >= n || s[i] != ' ' || id == 0 || id >= 0xFFFF) return 0;
    *start = i + 1;
    return id;
}

static void say_lines(void)
{
    char line[AKIRA_IPC_MSG_MAX + 1];
    int32_t n;
    while ((n = akira_ipc_recv(say, line, sizeof line - 1)) >= 0) {
        line[n] = '\0'; /* printf's %s: no '*' precision */
        int32_t start;
        uint32_t dst = addressee(line, n, &start);
        int32_t rc = akira_mesh_send(dst ? dst : AKIRA_MESH_BROADCAST, TOPIC, sizeof TOPIC - 1,
                                     line + start, (uint32_t)(n - start));
        if (rc < 0)
            akira_printf("chat: not sent: %d\n", (int)rc);
        else if (dst)
            akira_printf("chat: to %u (#%d): %s\n", (unsigned)dst, (int)rc, line + start);
        else
            akira_printf("chat: to all: %s\n", line);
    }
}

static void heard(void)
{
    char text[AKIRA_MESH_MSG_MAX + 1];
    struct akira_mesh_info info;
    int32_t n;
    while ((n = akira_mesh_recv(text, sizeof text - 1, &info)) >= 0) {
        text[n] = '\0';
        akira_printf("chat: <%u, %u hops%s> %s\n", (unsigned)info.origin, (unsigned)info.hops,
                     info.broadcast ? "" : ", to me", text);
    }
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    if (type == AKIRA_EVENT_IPC) say_lines();
    if (type == AKIRA_EVENT_MESH && a == AKIRA_MESH_EVT_MESSAGE) heard();
    if (type == AKIRA_EVENT_MESH && a == AKIRA_MESH_EVT_SENT) {
        if (c == 0)
            akira_printf("chat: #%u delivered\n", (unsigned)b);
        else
            akira_printf("chat: #%u not delivered (%d)\n", (unsigned)b, (int)(int32_t)c);
    }
}

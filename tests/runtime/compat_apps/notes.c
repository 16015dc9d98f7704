/* An app in upstream AkiraOS's style that keeps data: a run counter in settings, a log
 * file in its storage, messages to itself over IPC, and the lifecycle of the other
 * apps from the "akira.lifecycle" topic. Every result is logged as `name: value`. */
#include "up_env.h"

#define R(name, expr) printf("%s: %d\n", name, (int)(expr))

static char buf[300];

int main(void)
{
    int run = 1;
    R("settings_get", settings_get("notes/runs", buf, sizeof buf));
    if (settings_get("notes/runs", buf, sizeof buf) == 0) run = atoi(buf) + 1;
    char num[12];
    int n = 0, v = run;
    char tmp[12];
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        num[i] = tmp[n - 1 - i];
    num[n] = 0;
    R("settings_set", settings_set("notes/runs", num));
    printf("run %d\n", run);

    int fd = storage_open("log.txt", UP_STORAGE_APPEND);
    R("storage_open", fd >= 0);
    R("storage_write", storage_write(fd, "run\n", 4));
    storage_close(fd);
    fd = storage_open("log.txt", UP_STORAGE_READ);
    R("storage_read", storage_read(fd, buf, sizeof buf));
    storage_close(fd);
    R("storage_list", storage_list("/", buf, sizeof buf) > 0);
    printf("files %s\n", buf);
    R("storage_open_dotdot", storage_open("../other/x", UP_STORAGE_READ));
    R("storage_open_missing", storage_open("nope.txt", UP_STORAGE_READ));
    R("storage_read_badfd", storage_read(99, buf, 4));
    R("storage_delete_missing", storage_delete("nope.txt"));
    R("settings_get_missing", settings_get("notes/none", buf, sizeof buf));

    R("msg_subscribe", msg_subscribe("notes.cmd"));
    R("msg_subscribe_lifecycle", msg_subscribe("akira.lifecycle"));
    R("msg_publish", msg_publish("notes.cmd", "hello", 5));
    R("msg_pending", msg_pending("notes.cmd"));
    R("msg_try_recv", msg_try_recv("notes.cmd", buf, sizeof buf));
    R("msg_try_recv_empty", msg_try_recv("notes.cmd", buf, sizeof buf));
    R("msg_recv_timeout", msg_recv("notes.cmd", buf, sizeof buf, 50));
    R("msg_pending_other", msg_pending("other.topic"));
    R("msg_publish_big", msg_publish("notes.cmd", buf, 300));
    /* upstream's largest message, 256 bytes, arrives whole; one more byte is too long */
    for (int i = 0; i < 256; i++)
        buf[i] = (char)i;
    R("msg_publish_256", msg_publish("notes.cmd", buf, 256));
    R("msg_publish_257", msg_publish("notes.cmd", buf, 257));
    memset(buf, 0, sizeof buf);
    R("msg_recv_256", msg_try_recv("notes.cmd", buf, sizeof buf));
    int same = 1;
    for (int i = 0; i < 256; i++)
        same &= buf[i] == (char)i;
    R("msg_recv_256_bytes", same);
    R("msg_publish_256_small", msg_publish("notes.cmd", buf, 256));
    R("msg_recv_small_buf", msg_try_recv("notes.cmd", buf, 100));
    R("msg_unsubscribe", msg_unsubscribe("notes.cmd"));
    R("msg_unsubscribe_again", msg_unsubscribe("notes.cmd"));
    R("i2c_read_nocap", i2c_read_reg(0, 0x76, 0xD0, (unsigned char *)buf, 1));
    R("net_open_nocap", net_open(0)); /* upstream's network denial: -EACCES */
    printf_native("notes ready");

    /* The lifecycle of the other apps until one of them stops. */
    for (;;) {
        int got = msg_recv("akira.lifecycle", buf, 36, -1);
        if (got != 36) {
            R("lifecycle_error", got);
            return 1;
        }
        int state = *(int *)(buf + 32);
        printf("lifecycle %s %d\n", buf, state);
        if (state == 3 && strcmp(buf, "notes") != 0) return 0;
    }
}

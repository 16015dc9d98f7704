/*
 * `ipc`: the live IPC subscriptions (runtime/api/ipc.c) with their queues and drops.
 *   ipc                       one line per subscription: app, id, topic, queued,
 *                             delivered, dropped
 *   ipc pub TOPIC TEXT        publish TEXT on TOPIC as the system (for trying apps out)
 * A slow subscriber shows here as a growing DROPPED count while publishers go on.
 */
#include <inttypes.h>
#include <string.h>

#include <akira/app_ipc.h>
#include <akira/err.h>
#include <akira/shell.h>

static int cmd_ipc_show(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_ipc_sub_info subs[AKIRA_IPC_SUBS_MAX];
    size_t n = akira_ipc_list(subs, AKIRA_IPC_SUBS_MAX);
    if (n > AKIRA_IPC_SUBS_MAX) n = AKIRA_IPC_SUBS_MAX;
    akira_shell_print(sh, "%-16s %3s %-24s %6s %10s %10s\n", "APP", "ID", "TOPIC", "QUEUED",
                      "DELIVERED", "DROPPED");
    for (size_t i = 0; i < n; i++)
        akira_shell_print(sh, "%-16s %3u %-24s %6u %10" PRIu64 " %10" PRIu64 "\n", subs[i].app,
                          (unsigned)subs[i].id, subs[i].topic, (unsigned)subs[i].queued,
                          subs[i].delivered, subs[i].dropped);
    akira_shell_print(sh, "%zu subscriptions (at most %u, %u per app, %u messages queued each)\n",
                      n, AKIRA_IPC_SUBS_MAX, AKIRA_IPC_SUBS_PER_APP, AKIRA_IPC_QUEUE_DEPTH);
    return 0;
}

static int cmd_ipc_pub(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    int rc = akira_ipc_publish(argv[1], argv[2], strlen(argv[2]));
    if (rc < 0) {
        akira_shell_print(sh, "ipc pub: %s\n", akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "queued for %d subscribers\n", rc);
    return 0;
}

AKIRA_SHELL_SUBCMDS(ipc_sub, AKIRA_SHELL_CMD("pub", "publish TEXT on TOPIC as the system",
                                             "TOPIC TEXT", cmd_ipc_pub, NULL, 2, 2));

AKIRA_SHELL_CMD_REGISTER(ipc, "ipc", "IPC subscriptions, queues and drops", NULL, cmd_ipc_show,
                         ipc_sub, 0, 0);

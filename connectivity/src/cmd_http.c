/* Shell command `http`: the device token and the HTTP server's figures. */
#include <akira/connectivity.h>
#include <akira/err.h>
#include <akira/shell.h>

static int cmd_token(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[AKIRA_HTTP_TOKEN_HEX_LEN + 8];
    int n = akira_connectivity_token(buf, sizeof(buf));
    if (n < 0) {
        akira_shell_print(sh, "no token: %s\n", akira_err_str(n));
        return n;
    }
    akira_shell_print(sh, "%s\n", buf);
    return 0;
}

static int cmd_ports(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_print(sh, "http  %u\nshell %u\n", akira_connectivity_http_port(),
                      akira_connectivity_shell_port());
    return 0;
}

AKIRA_SHELL_SUBCMDS(http_sub,
                    AKIRA_SHELL_CMD("token", "print the device token", NULL, cmd_token, NULL, 0, 0),
                    AKIRA_SHELL_CMD("ports", "ports of the HTTP server and network shell (0: off)",
                                    NULL, cmd_ports, NULL, 0, 0));
AKIRA_SHELL_CMD_REGISTER(http, "http", "HTTP API: device token, ports", NULL, NULL, http_sub, 0, 0);

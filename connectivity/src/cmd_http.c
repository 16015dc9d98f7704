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
    akira_shell_print(sh, "http  %u\nshell %u\nhttps %u\ntls-shell %u\n",
                      akira_connectivity_http_port(), akira_connectivity_shell_port(),
                      akira_connectivity_https_port(), akira_connectivity_shell_tls_port());
    return 0;
}

static int cmd_tls(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char fp[96];
    int rc = akira_connectivity_tls_fingerprint(fp, sizeof(fp));
    if (rc) {
        akira_shell_print(sh, "no TLS identity: %s\n", akira_err_str(rc));
        return rc;
    }
    unsigned open;
    unsigned long failed;
    akira_connectivity_tls_counts(&open, &failed);
    akira_shell_print(sh,
                      "fingerprint %s\nhttps %u, tls-shell %u, plain %s\n"
                      "sessions open %u, failed handshakes %lu\n",
                      fp, akira_connectivity_https_port(), akira_connectivity_shell_tls_port(),
                      akira_connectivity_plain_on() ? "allowed" : "refused", open, failed);
    return 0;
}

static int cmd_tls_new(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int rc = akira_connectivity_tls_forget();
    if (rc)
        akira_shell_print(sh, "cannot delete the TLS identity: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "TLS identity deleted: reboot to make a new one (hosts must "
                              "re-pin: akira device pin NAME)\n");
    return rc;
}

AKIRA_SHELL_SUBCMDS(http_tls_sub,
                    AKIRA_SHELL_CMD("new", "delete the TLS key and certificate: new ones at reboot",
                                    NULL, cmd_tls_new, NULL, 0, 0));

AKIRA_SHELL_SUBCMDS(http_sub,
                    AKIRA_SHELL_CMD("token", "print the device token", NULL, cmd_token, NULL, 0, 0),
                    AKIRA_SHELL_CMD("ports", "ports of the HTTP server and network shell (0: off)",
                                    NULL, cmd_ports, NULL, 0, 0),
                    AKIRA_SHELL_CMD("tls", "the TLS certificate's SHA-256 fingerprint, TLS ports",
                                    NULL, cmd_tls, http_tls_sub, 0, 0));
AKIRA_SHELL_CMD_REGISTER(http, "http", "HTTP API: device token, ports, TLS", NULL, NULL, http_sub,
                         0, 0);

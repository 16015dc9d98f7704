/* Shell command `fleet` (docs/fleet.md): status, broker ADDR:PORT|off, id ID, tags a,b,
 * trust NAME HEX64, untrust NAME. A change of broker, id or tags restarts the agent. */
#include <string.h>

#include <akira/err.h>
#include <akira/fleet.h>
#include <akira/shell.h>
#include <akira/trust.h>

static int key_line(void *ctx, const char *name, const uint8_t pub[32])
{
    struct akira_shell *sh = ctx;
    akira_shell_print(sh, "  key %s: ", name);
    for (int i = 0; i < 32; i++)
        akira_shell_print(sh, "%02x", pub[i]);
    akira_shell_print(sh, "\n");
    return 0;
}

static int cmd_status(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_fleet_status s;
    int rc = akira_fleet_status(&s);
    if (rc) {
        akira_shell_print(sh, "fleet: %s\n", akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "fleet %s: device %s, broker %s, tags %s\n",
                      !s.running    ? "off"
                      : s.connected ? "connected"
                                    : "connecting",
                      s.id, s.broker[0] ? s.broker : "(none)", s.tags[0] ? s.tags : "(none)");
    akira_shell_print(sh, "commands ok %u, refused %u, last ts %llu\n", (unsigned)s.cmds_ok,
                      (unsigned)s.cmds_refused, (unsigned long long)s.last_ts);
    if (s.running)
        akira_shell_print(
            sh, "mqtt: connects %u, rx %llu, tx %llu, inflight %u, next back-off %u ms\n",
            (unsigned)s.connects, (unsigned long long)s.rx_msgs, (unsigned long long)s.tx_msgs,
            (unsigned)s.inflight, (unsigned)s.next_backoff_ms);
    akira_shell_print(sh, "ram: client %u bytes, agent %u bytes, app api %u bytes, stack used %u\n",
                      (unsigned)s.client_bytes, (unsigned)s.agent_bytes, (unsigned)s.app_api_bytes,
                      (unsigned)s.stack_used);
    return akira_fleet_keys_foreach(key_line, sh);
}

static int applied(struct akira_shell *sh, int rc, const char *what)
{
    if (rc == AKIRA_EINVAL) {
        akira_shell_print(sh, "fleet: bad %s\n", what);
        return rc;
    }
    if (!rc) rc = akira_fleet_restart();
    if (rc)
        akira_shell_print(sh, "fleet: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "fleet %s set\n", what);
    return rc;
}

static int cmd_broker(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return applied(sh, akira_fleet_set_broker(argv[1]), "broker (a.b.c.d:port or off)");
}

static int cmd_id(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return applied(sh, akira_fleet_set_id(argv[1]), "id ([a-z0-9-]{1,32})");
}

static int cmd_tags(struct akira_shell *sh, int argc, char **argv)
{
    return applied(sh, akira_fleet_set_tags(argc > 1 ? argv[1] : ""),
                   "tags (a,b: [a-z0-9-]{1,16} each, 8 at most)");
}

static int cmd_trust(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint8_t pub[32];
    if (akira_trust_pub_from_hex(argv[2], pub) != AKIRA_OK) {
        akira_shell_print(sh, "fleet: the key is 64 hex digits\n");
        return AKIRA_EINVAL;
    }
    int rc = akira_fleet_trust(argv[1], pub);
    if (rc)
        akira_shell_print(sh, "fleet: key not stored (%s)\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "fleet key %s trusted\n", argv[1]);
    return rc;
}

static int cmd_untrust(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    int rc = akira_fleet_untrust(argv[1]);
    if (rc)
        akira_shell_print(sh, "fleet: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "fleet key %s removed\n", argv[1]);
    return rc;
}

AKIRA_SHELL_SUBCMDS(
    fleet_sub,
    AKIRA_SHELL_CMD("status", "agent, broker, counters, keys", NULL, cmd_status, NULL, 0, 0),
    AKIRA_SHELL_CMD("broker", "the broker (restarts the agent)", "ADDR:PORT|off", cmd_broker, NULL,
                    1, 1),
    AKIRA_SHELL_CMD("id", "the device id in topics", "ID", cmd_id, NULL, 1, 1),
    AKIRA_SHELL_CMD("tags", "the groups a deploy can target", "[a,b]", cmd_tags, NULL, 0, 1),
    AKIRA_SHELL_CMD("trust", "trust a fleet public key (Ed25519)", "NAME HEX64", cmd_trust, NULL, 2,
                    2),
    AKIRA_SHELL_CMD("untrust", "remove a fleet key", "NAME", cmd_untrust, NULL, 1, 1));

AKIRA_SHELL_CMD_REGISTER(fleet, "fleet", "fleet agent: status, broker, id, tags, trust, untrust",
                         NULL, cmd_status, fleet_sub, 0, 0);

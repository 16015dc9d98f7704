/* Shell command `ota`: the firmware slots, confirm, revert, erase (akira/ota.h). */
#include <akira/err.h>
#include <akira/ota.h>
#include <akira/shell.h>

static void slot_line(struct akira_shell *sh, int idx)
{
    struct akira_ota_slot s;
    int rc = akira_ota_slot_get(idx, &s);
    const char *name = idx ? "secondary" : "primary";
    if (rc) {
        akira_shell_print(sh, "%-9s %s\n", name, akira_err_str(rc));
        return;
    }
    if (s.status == AKIRA_ENOEXEC) {
        akira_shell_print(sh, "%-9s empty\n", name);
        return;
    }
    char v[24];
    akira_fw_version_str(&s.ver, v, sizeof v);
    akira_shell_print(sh, "%-9s %s, %lu bytes, sha256 %02x%02x%02x%02x..., ", name, v,
                      (unsigned long)s.size, s.hash[0], s.hash[1], s.hash[2], s.hash[3]);
    if (s.status)
        akira_shell_print(sh, "INVALID: %s", s.why);
    else
        akira_shell_print(sh, "signed by %s", s.key);
    if (idx == 0)
        akira_shell_print(sh, "%s\n", s.test ? ", TEST (not confirmed)" : ", confirmed");
    else
        akira_shell_print(sh, "%s\n", s.pending ? ", PENDING (next boot)" : "");
}

static int cmd_status(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!akira_ota_ready()) {
        akira_shell_print(sh, "ota: not available\n");
        return AKIRA_ENODEV;
    }
    slot_line(sh, 0);
    slot_line(sh, 1);
    struct akira_ota_progress p;
    akira_ota_progress_get(&p);
    akira_shell_print(sh, "upload    %s, %llu/%llu bytes%s%s\n", akira_ota_state_name(p.state),
                      (unsigned long long)p.received, (unsigned long long)p.total,
                      p.error[0] ? ": " : "", p.error);
    return 0;
}

static int report(struct akira_shell *sh, int rc, const char *ok)
{
    if (rc)
        akira_shell_print(sh, "ota: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "%s\n", ok);
    return rc;
}

static int cmd_confirm(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return report(sh, akira_ota_confirm(), "running firmware confirmed");
}

static int cmd_revert(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    bool rebooting = false;
    int rc = akira_ota_revert(&rebooting);
    if (rc == AKIRA_ESTATE) {
        akira_shell_print(sh, "ota: nothing to revert (confirmed, no update pending)\n");
        return rc;
    }
    return report(sh, rc,
                  rebooting ? "rebooting: the bootloader restores the previous firmware"
                            : "pending update cancelled");
}

static int cmd_erase(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int rc = akira_ota_erase();
    if (rc == AKIRA_ESTATE) {
        akira_shell_print(sh, "ota: in test mode the secondary slot holds the previous firmware "
                              "(confirm first)\n");
        return rc;
    }
    return report(sh, rc, "secondary slot erased");
}

AKIRA_SHELL_SUBCMDS(
    ota_sub,
    AKIRA_SHELL_CMD("status", "both slots and the last upload", NULL, cmd_status, NULL, 0, 0),
    AKIRA_SHELL_CMD("confirm", "confirm the running firmware", NULL, cmd_confirm, NULL, 0, 0),
    AKIRA_SHELL_CMD("revert",
                    "back to the previous firmware, or cancel a pending "
                    "update",
                    NULL, cmd_revert, NULL, 0, 0),
    AKIRA_SHELL_CMD("erase", "erase the secondary slot", NULL, cmd_erase, NULL, 0, 0));

AKIRA_SHELL_CMD_REGISTER(ota, "ota", "firmware update: status, confirm, revert, erase", NULL,
                         cmd_status, ota_sub, 0, 0);

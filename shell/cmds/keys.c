/*
 * `keys`: the public keys this device trusts to sign apps, and the unsigned switch
 * (akira/trust.h; stored in settings under akira/security/).
 *   keys                    same as `keys list`
 *   keys list               name, key id and key of every trusted key
 *   keys add NAME HEXPUB    trust a key (64 hex digits, as in `akira keygen`'s NAME.pub)
 *   keys rm NAME            stop trusting a key (apps it signed stay installed)
 *   keys unsigned [on|off]  show or set akira/security/allow_unsigned
 */
#include <string.h>

#include <akira/err.h>
#include <akira/shell.h>
#include <akira/storage.h>
#include <akira/trust.h>

static int print_key(void *ctx, const char *name, const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    struct akira_shell *sh = ctx;
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    char hex[2 * AKIRA_PKG_PUBKEY_LEN + 1];
    akira_trust_pub_to_hex(pub, hex);
    if (akira_package_key_id(pub, id) != AKIRA_OK) {
        akira_shell_print(sh, "%-20s %-16s %s\n", name, "-", hex); /* no SHA-512 here */
        return 0;
    }
    akira_shell_print(sh, "%-20s %02x%02x%02x%02x%02x%02x%02x%02x %s\n", name, id[0], id[1], id[2],
                      id[3], id[4], id[5], id[6], id[7], hex);
    return 0;
}

/* Runs fn on the shared settings under the storage lock; AKIRA_ESTATE without them. */
static struct akira_settings *settings_locked(struct akira_shell *sh)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    if (!st) {
        akira_storage_unlock();
        akira_shell_puts(sh, "keys: settings storage is not up\n");
    }
    return st;
}

static int cmd_keys_list(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_settings *st = settings_locked(sh);
    if (!st) return AKIRA_ESTATE;
    akira_shell_print(sh, "%-20s %-16s %s\n", "NAME", "KEY ID", "PUBLIC KEY");
    int rc = akira_trust_key_foreach(st, print_key, sh);
    bool allow = akira_trust_allow_unsigned(st);
    akira_storage_unlock();
    akira_shell_print(sh, "unsigned apps: %s\n", allow ? "allowed" : "refused");
    return rc;
}

static int cmd_keys_add(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN];
    if (akira_trust_pub_from_hex(argv[2], pub) != AKIRA_OK) {
        akira_shell_puts(sh, "keys: the key must be 64 hex digits\n");
        return AKIRA_EINVAL;
    }
    struct akira_settings *st = settings_locked(sh);
    if (!st) return AKIRA_ESTATE;
    int rc = akira_trust_key_add(st, argv[1], pub);
    akira_storage_unlock();
    if (rc == AKIRA_EINVAL) {
        akira_shell_puts(sh, "keys: a name is 1-31 of A-Z a-z 0-9 _ . -\n");
    } else if (rc == AKIRA_EEXIST) {
        akira_shell_print(sh, "keys: '%s' holds another key: keys rm %s first\n", argv[1], argv[1]);
    } else if (rc == AKIRA_OK) {
        akira_shell_print(sh, "trusting '%s'\n", argv[1]);
    }
    return rc;
}

static int cmd_keys_rm(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    struct akira_settings *st = settings_locked(sh);
    if (!st) return AKIRA_ESTATE;
    int rc = akira_trust_key_remove(st, argv[1]);
    akira_storage_unlock();
    if (rc == AKIRA_ENOENT) akira_shell_print(sh, "keys: no key named '%s'\n", argv[1]);
    return rc;
}

static int cmd_keys_unsigned(struct akira_shell *sh, int argc, char **argv)
{
    bool on = false;
    if (argc == 2) {
        if (!strcmp(argv[1], "on")) {
            on = true;
        } else if (strcmp(argv[1], "off") != 0) {
            return AKIRA_EINVAL;
        }
    }
    struct akira_settings *st = settings_locked(sh);
    if (!st) return AKIRA_ESTATE;
    int rc = argc == 2 ? akira_trust_set_allow_unsigned(st, on) : AKIRA_OK;
    bool allow = akira_trust_allow_unsigned(st);
    akira_storage_unlock();
    if (rc == AKIRA_OK) akira_shell_print(sh, "unsigned apps: %s\n", allow ? "allowed" : "refused");
    return rc;
}

AKIRA_SHELL_SUBCMDS(
    keys_sub, AKIRA_SHELL_CMD("list", "list trusted signing keys", NULL, cmd_keys_list, NULL, 0, 0),
    AKIRA_SHELL_CMD("add", "trust a public key", "NAME HEXPUB", cmd_keys_add, NULL, 2, 2),
    AKIRA_SHELL_CMD("rm", "stop trusting a key", "NAME", cmd_keys_rm, NULL, 1, 1),
    AKIRA_SHELL_CMD("unsigned", "show or set whether unsigned apps install", "[on|off]",
                    cmd_keys_unsigned, NULL, 0, 1));

AKIRA_SHELL_CMD_REGISTER(keys, "keys", "app signing keys this device trusts", NULL, cmd_keys_list,
                         keys_sub, 0, 0);

/*
 * Shell command `gatt`: the device's BLE host as a GATT client
 * (docs/ble_host.md): pair, services, chrs, read, env (a peer's Environmental Sensing
 * values), mtu (bonds: `bt bonds`, `bt forget`). One command at a time; each waits at
 * most 10 s for the peer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/ble_ctrl.h>
#include <akira/bt_host.h>
#include <akira/clock.h>
#include <akira/mutex.h>
#include <akira/sem.h>
#include <akira/shell.h>
#include <akira/thread.h>

#define WAIT_MS 10000

/* Static: a procedure that outlives its command's wait still writes somewhere valid. */
static struct {
    akira_mutex_t *lock;
    akira_sem_t *done;
    int err;
    size_t len;
    akira_ble_gattc_item_t items[24];
    size_t n;
    uint8_t buf[512];
} G;

static void on_done(void *u, uint16_t conn, int err, size_t len)
{
    (void)u;
    (void)conn;
    G.err = err;
    G.len = len;
    akira_sem_give(G.done);
}

static void on_item(void *u, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    (void)u;
    (void)conn;
    if (G.n < sizeof(G.items) / sizeof(G.items[0])) G.items[G.n++] = *it;
}

static int ready(struct akira_shell *sh, akira_ble_host_t **h)
{
    *h = akira_bt_host();
    if (!*h) {
        akira_shell_print(sh, "gatt: no BLE host (start akiraos with --radio SOCK)\n");
        return AKIRA_ENODEV;
    }
    if (!G.lock && (akira_mutex_create(&G.lock) || akira_sem_create(&G.done, 0, 1)))
        return AKIRA_ENOMEM;
    return 0;
}

/* Run one procedure that reports through on_done; its result or the error. */
static int wait_done(struct akira_shell *sh, akira_err_t started)
{
    if (started != AKIRA_OK) {
        akira_shell_print(sh, "gatt: %s\n", akira_err_str(started));
        return started;
    }
    if (akira_sem_take(G.done, WAIT_MS) != 0) {
        akira_shell_print(sh, "gatt: no answer within %d s\n", WAIT_MS / 1000);
        return AKIRA_ETIMEDOUT;
    }
    if (G.err > 0) {
        akira_shell_print(sh, "gatt: ATT error 0x%02x\n", G.err);
        return AKIRA_EIO;
    }
    if (G.err < 0) {
        akira_shell_print(sh, "gatt: %s\n", akira_err_str(G.err));
        return G.err;
    }
    return 0;
}

static int parse_u16(struct akira_shell *sh, const char *s, uint16_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*end || *s == '\0' || v > 0xffff) {
        akira_shell_print(sh, "not a number 0..65535: '%s'\n", s);
        return AKIRA_EINVAL;
    }
    *out = (uint16_t)v;
    return 0;
}

static void uuid_str(const akira_ble_uuid_t *u, char out[40])
{
    if (u->len == 2) {
        snprintf(out, 40, "%04x", u->b[0] | (u->b[1] << 8));
        return;
    }
    size_t at = 0;
    for (int i = 15; i >= 0; i--) {
        at += (size_t)snprintf(out + at, 40 - at, "%02x", u->b[i]);
        if (i == 12 || i == 10 || i == 8 || i == 6) out[at++] = '-';
    }
    out[at] = 0;
}

typedef int (*gatt_fn)(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv);

static int locked(struct akira_shell *sh, int argc, char **argv, gatt_fn fn)
{
    akira_ble_host_t *h;
    int rc = ready(sh, &h);
    if (rc) return rc;
    akira_mutex_lock(G.lock, -1);
    akira_sem_reset(G.done);
    G.n = 0;
    rc = fn(sh, h, argc, argv);
    akira_mutex_unlock(G.lock);
    return rc;
}

static bool bonded_with(akira_ble_host_t *h, const akira_ble_addr_t *peer)
{
    akira_ble_bond_t b[AKIRA_BLE_BOND_MAX];
    size_t n = akira_ble_bonds(h, b, AKIRA_BLE_BOND_MAX);
    bool found = false;
    for (size_t i = 0; i < n && i < AKIRA_BLE_BOND_MAX; i++)
        found |= b[i].addr.type == peer->type && memcmp(b[i].addr.a, peer->a, 6) == 0;
    memset(b, 0, sizeof b);
    return found;
}

/* Encrypt with the bond when there is one (done when encrypted), else pair (done when
 * the pairing ends, keys distributed). */
static int do_pair(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn;
    akira_ble_addr_t peer;
    if (parse_u16(sh, argv[1], &conn)) return AKIRA_EINVAL;
    if (akira_ble_host_conn_info(h, conn, NULL, &peer, NULL, NULL) != AKIRA_OK) {
        akira_shell_print(sh, "gatt pair: no connection %u\n", conn);
        return AKIRA_ENOTCONN;
    }
    bool bond = bonded_with(h, &peer);
    uint32_t p0 = akira_bt_host_pairings(NULL, NULL);
    akira_err_t rc = akira_ble_smp_start(h, conn);
    if (rc != AKIRA_OK) {
        akira_shell_print(sh, "gatt pair: %s\n", akira_err_str(rc));
        return rc;
    }
    for (int i = 0; i < WAIT_MS / 20; i++) {
        uint8_t level = 0, reason = 0;
        if (akira_ble_host_conn_info(h, conn, NULL, NULL, NULL, &level) != AKIRA_OK) {
            akira_shell_print(sh, "gatt pair: conn %u is gone\n", conn);
            return AKIRA_ENOTCONN;
        }
        bool paired = akira_bt_host_pairings(&reason, NULL) != p0;
        if (paired && reason) {
            akira_shell_print(sh, "gatt pair: pairing failed (SMP reason 0x%02x)\n", reason);
            return AKIRA_EAUTH;
        }
        if (level > AKIRA_BLE_SEC_NONE && (bond || paired)) {
            akira_shell_print(sh, "conn %u: encrypted%s, security level %u, %u bond(s)\n", conn,
                              bond ? " with the bond" : ", paired", level,
                              (unsigned)akira_ble_bonds(h, NULL, 0));
            return 0;
        }
        akira_sleep_ms(20);
    }
    akira_shell_print(sh, "gatt pair: not encrypted within %d s\n", WAIT_MS / 1000);
    return AKIRA_ETIMEDOUT;
}

static int do_services(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn;
    if (parse_u16(sh, argv[1], &conn)) return AKIRA_EINVAL;
    int rc =
        wait_done(sh, akira_ble_gattc_discover_services(h, conn, NULL, on_item, on_done, NULL));
    if (rc) return rc;
    for (size_t i = 0; i < G.n; i++) {
        char u[40];
        uuid_str(&G.items[i].uuid, u);
        akira_shell_print(sh, "  0x%04x-0x%04x %s\n", G.items[i].handle, G.items[i].end, u);
    }
    akira_shell_print(sh, "%u service(s)\n", (unsigned)G.n);
    return 0;
}

static int do_chrs(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn, start, end;
    if (parse_u16(sh, argv[1], &conn) || parse_u16(sh, argv[2], &start) ||
        parse_u16(sh, argv[3], &end))
        return AKIRA_EINVAL;
    int rc =
        wait_done(sh, akira_ble_gattc_discover_chrs(h, conn, start, end, on_item, on_done, NULL));
    if (rc) return rc;
    for (size_t i = 0; i < G.n; i++) {
        char u[40];
        uuid_str(&G.items[i].uuid, u);
        akira_shell_print(sh, "  0x%04x value 0x%04x props 0x%02x %s\n", G.items[i].handle,
                          G.items[i].end, G.items[i].props, u);
    }
    akira_shell_print(sh, "%u characteristic(s)\n", (unsigned)G.n);
    return 0;
}

static int do_read(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn, handle;
    if (parse_u16(sh, argv[1], &conn) || parse_u16(sh, argv[2], &handle)) return AKIRA_EINVAL;
    int rc =
        wait_done(sh, akira_ble_gattc_read(h, conn, handle, G.buf, sizeof G.buf, on_done, NULL));
    if (rc) return rc;
    akira_shell_print(sh, "%u bytes:", (unsigned)G.len);
    for (size_t i = 0; i < G.len; i++)
        akira_shell_print(sh, " %02x", G.buf[i]);
    akira_shell_print(sh, "\n");
    return 0;
}

static int do_mtu(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn, mtu = 0;
    if (parse_u16(sh, argv[1], &conn)) return AKIRA_EINVAL;
    int rc = wait_done(sh, akira_ble_gattc_exchange_mtu(h, conn, on_done, NULL));
    if (rc) return rc;
    akira_ble_host_conn_info(h, conn, NULL, NULL, &mtu, NULL);
    akira_shell_print(sh, "conn %u: ATT MTU %u\n", conn, mtu);
    return 0;
}

/* A peer's Environmental Sensing service: temperature, humidity, pressure. */
static int do_env(struct akira_shell *sh, akira_ble_host_t *h, int argc, char **argv)
{
    (void)argc;
    uint16_t conn;
    if (parse_u16(sh, argv[1], &conn)) return AKIRA_EINVAL;
    akira_ble_uuid_t ess = AKIRA_BLE_UUID16(AKIRA_BT_UUID_ESS);
    int rc =
        wait_done(sh, akira_ble_gattc_discover_services(h, conn, &ess, on_item, on_done, NULL));
    if (rc) return rc;
    if (!G.n) {
        akira_shell_print(sh, "gatt env: the peer has no Environmental Sensing service\n");
        return AKIRA_ENOENT;
    }
    uint16_t s = G.items[0].handle, e = G.items[0].end;
    G.n = 0;
    akira_sem_reset(G.done);
    rc = wait_done(sh, akira_ble_gattc_discover_chrs(h, conn, s, e, on_item, on_done, NULL));
    if (rc) return rc;
    akira_ble_gattc_item_t chrs[8];
    size_t n = G.n < 8 ? G.n : 8;
    memcpy(chrs, G.items, n * sizeof(chrs[0]));
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (chrs[i].uuid.len != 2) continue;
        uint16_t u = (uint16_t)(chrs[i].uuid.b[0] | (chrs[i].uuid.b[1] << 8));
        if (u != AKIRA_BT_UUID_TEMPERATURE && u != AKIRA_BT_UUID_HUMIDITY &&
            u != AKIRA_BT_UUID_PRESSURE)
            continue;
        akira_sem_reset(G.done);
        rc = wait_done(sh, akira_ble_gattc_read(h, conn, chrs[i].end, G.buf, 4, on_done, NULL));
        if (rc) return rc;
        const uint8_t *b = G.buf;
        if (u == AKIRA_BT_UUID_TEMPERATURE && G.len == 2) {
            int16_t t = (int16_t)(b[0] | (b[1] << 8));
            akira_shell_print(sh, "temperature %s%d.%02d C\n", t < 0 ? "-" : "", abs(t) / 100,
                              abs(t) % 100);
            shown++;
        } else if (u == AKIRA_BT_UUID_HUMIDITY && G.len == 2) {
            unsigned hu = b[0] | (b[1] << 8);
            akira_shell_print(sh, "humidity %u.%02u %%\n", hu / 100, hu % 100);
            shown++;
        } else if (u == AKIRA_BT_UUID_PRESSURE && G.len == 4) {
            uint32_t p = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
                         ((uint32_t)b[3] << 24);
            akira_shell_print(sh, "pressure %u.%03u kPa\n", (unsigned)(p / 10000),
                              (unsigned)(p % 10000) / 10);
            shown++;
        }
    }
    akira_shell_print(sh, "%d value(s) over GATT\n", shown);
    return shown ? 0 : AKIRA_ENOENT;
}

static int cmd_pair(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_pair);
}
static int cmd_services(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_services);
}
static int cmd_chrs(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_chrs);
}

static int cmd_read(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_read);
}
static int cmd_mtu(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_mtu);
}
static int cmd_env(struct akira_shell *sh, int argc, char **argv)
{
    return locked(sh, argc, argv, do_env);
}
AKIRA_SHELL_SUBCMDS(gatt_sub,
                    AKIRA_SHELL_CMD("pair", "pair (or encrypt with the bond) on a connection",
                                    "CONN", cmd_pair, NULL, 1, 1),
                    AKIRA_SHELL_CMD("services", "a peer's primary services", "CONN", cmd_services,
                                    NULL, 1, 1),
                    AKIRA_SHELL_CMD("chrs", "a peer's characteristics in a handle range",
                                    "CONN START END", cmd_chrs, NULL, 3, 3),
                    AKIRA_SHELL_CMD("read", "read an attribute of a peer", "CONN HANDLE", cmd_read,
                                    NULL, 2, 2),
                    AKIRA_SHELL_CMD("mtu", "exchange the ATT MTU", "CONN", cmd_mtu, NULL, 1, 1),
                    AKIRA_SHELL_CMD("env", "a peer's temperature, humidity and pressure", "CONN",
                                    cmd_env, NULL, 1, 1));

AKIRA_SHELL_CMD_REGISTER(gatt, "gatt", "BLE GATT client: pair, services, chrs, read, mtu, env",
                         NULL, NULL, gatt_sub, 0, 0);

/* Shell command `bt`: the BT manager and the link layer (docs/ble.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/ble_ctrl.h>
#include <akira/bt.h>
#include <akira/ble_transport.h>
#include <akira/bt_host.h>
#include <akira/clock.h>
#include <akira/mutex.h>
#include <akira/shell.h>
#include <akira/thread.h>

#define SCAN_MAX 32

struct seen {
    akira_ble_addr_t addr;
    int8_t rssi;
    uint8_t type;
    uint32_t count;
    char name[32];
};

static struct {
    akira_mutex_t *lock;
    struct seen s[SCAN_MAX];
    size_t n;
} scan;

static int not_running(struct akira_shell *sh)
{
    akira_shell_print(sh, "bt: off (no radio: start akiraos with --radio SOCK)\n");
    return AKIRA_ENODEV;
}

static const char *role_name(uint8_t role)
{
    return role == AKIRA_BLE_ROLE_CENTRAL ? "central" : "peripheral";
}

static int cmd_bt_status(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_ble_ctrl_status st;
    if (akira_ble_ctrl_status(&st) != AKIRA_OK) return not_running(sh);
    char a[18];
    akira_ble_addr_format(&st.addr, a);
    akira_shell_print(sh, "address %s (random static), name \"%s\"\n", a, akira_bt_name());
    akira_shell_print(sh, "advertising %s, scanning %s, initiating %s\n",
                      st.advertising ? "on" : "off", st.scanning ? "on" : "off",
                      st.initiating ? "on" : "off");
    akira_shell_print(sh, "adv events %u, adv PDUs heard %u, bad PDUs %u, connections refused %u\n",
                      (unsigned)st.adv_events, (unsigned)st.rx_adv, (unsigned)st.rx_bad,
                      (unsigned)st.conn_refused);
    struct akira_ble_conn_info c[AKIRA_BLE_LL_CONN_MAX];
    size_t n = akira_ble_ctrl_conns(c, AKIRA_BLE_LL_CONN_MAX);
    size_t per_conn, ram = akira_ble_ctrl_ram(&per_conn);
    akira_shell_print(sh, "link layer RAM %u B (%u B per connection)\n", (unsigned)ram,
                      (unsigned)per_conn);
    akira_shell_print(sh, "connections %u/%u\n", (unsigned)n, AKIRA_BLE_LL_CONN_MAX);
    struct akira_ble_transport_stats ts;
    akira_ble_transport_stats(&ts);
    akira_shell_print(sh, "management over BLE: %u B in, %u B out, %u B dropped, %u peer(s)\n",
                      (unsigned)ts.rx_bytes, (unsigned)ts.tx_bytes, (unsigned)ts.rx_dropped,
                      (unsigned)ts.peers);
    for (size_t i = 0; i < n; i++) {
        akira_ble_addr_format(&c[i].peer, a);
        akira_shell_print(
            sh,
            "  conn %u %s %s%s%s interval %u.%02u ms timeout %u ms rssi %d "
            "octets %u/%u events %u rx %u retx %u data %u\n",
            c[i].handle, a, role_name(c[i].role), c[i].established ? "" : " (establishing)",
            c[i].encrypted ? " encrypted" : "", c[i].params.interval_1250us * 125 / 100,
            c[i].params.interval_1250us * 125 % 100, c[i].params.timeout_10ms * 10u, c[i].rssi_dbm,
            c[i].tx_octets, c[i].rx_octets, (unsigned)c[i].events, (unsigned)c[i].rx_pdus,
            (unsigned)c[i].tx_retransmits, (unsigned)c[i].rx_data_bytes);
    }
    return 0;
}

static void on_report(const akira_ble_addr_t *addr, uint8_t type, int8_t rssi, const uint8_t *data,
                      size_t len, void *user)
{
    (void)user;
    akira_mutex_lock(scan.lock, AKIRA_FOREVER);
    struct seen *e = NULL;
    for (size_t i = 0; i < scan.n; i++)
        if (memcmp(scan.s[i].addr.a, addr->a, 6) == 0) e = &scan.s[i];
    if (!e && scan.n < SCAN_MAX) {
        e = &scan.s[scan.n++];
        memset(e, 0, sizeof(*e));
        e->addr = *addr;
    }
    if (e) {
        e->rssi = rssi;
        if (type != AKIRA_BLE_SCAN_RSP) e->type = type;
        e->count++;
        size_t nl = 0;
        const uint8_t *nm = akira_ble_ad_find(data, len, 0x09, &nl); /* Complete Local Name */
        if (!nm) nm = akira_ble_ad_find(data, len, 0x08, &nl);       /* Shortened */
        if (nm) {
            if (nl >= sizeof(e->name)) nl = sizeof(e->name) - 1;
            for (size_t i = 0; i < nl; i++)
                e->name[i] = (nm[i] >= 32 && nm[i] < 127) ? (char)nm[i] : '?';
            e->name[nl] = '\0';
        }
    }
    akira_mutex_unlock(scan.lock);
}

static const char *adv_type_name(uint8_t t)
{
    switch (t) {
    case 0: return "ADV_IND";
    case 1: return "ADV_DIRECT_IND";
    case 2: return "ADV_NONCONN_IND";
    case 6: return "ADV_SCAN_IND";
    default: return "SCAN_RSP";
    }
}

/* A decimal number in min..max into *out, or a message naming what and AKIRA_EINVAL. */
static int parse_num(struct akira_shell *sh, const char *s, unsigned long min, unsigned long max,
                     const char *what, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end || v < min || v > max) {
        akira_shell_print(sh, "not %s (%lu..%lu): '%s'\n", what, min, max, s);
        return AKIRA_EINVAL;
    }
    *out = v;
    return 0;
}

static int cmd_bt_scan(struct akira_shell *sh, int argc, char **argv)
{
    unsigned long secs = 2;
    if (argc > 1 && parse_num(sh, argv[1], 1, 60, "a number of seconds", &secs))
        return AKIRA_EINVAL;
    if (!scan.lock && akira_mutex_create(&scan.lock) != 0) return AKIRA_ENOMEM;
    akira_mutex_lock(scan.lock, AKIRA_FOREVER);
    scan.n = 0;
    akira_mutex_unlock(scan.lock);
    akira_err_t rc = akira_ble_ctrl_scan_start(true, on_report, NULL);
    if (rc == AKIRA_ENODEV) return not_running(sh);
    if (rc != AKIRA_OK) return rc;
    akira_sleep_ms((uint32_t)secs * 1000u);
    akira_ble_ctrl_scan_stop();
    akira_mutex_lock(scan.lock, AKIRA_FOREVER);
    akira_shell_print(sh, "%u device(s)\n", (unsigned)scan.n);
    for (size_t i = 0; i < scan.n; i++) {
        char a[18];
        akira_ble_addr_format(&scan.s[i].addr, a);
        akira_shell_print(sh, "  %s rssi %d %-15s \"%s\" (%u PDUs)\n", a, scan.s[i].rssi,
                          adv_type_name(scan.s[i].type), scan.s[i].name, (unsigned)scan.s[i].count);
    }
    akira_mutex_unlock(scan.lock);
    return 0;
}

static bool find_conn(const akira_ble_addr_t *peer, int handle, struct akira_ble_conn_info *out)
{
    struct akira_ble_conn_info c[AKIRA_BLE_LL_CONN_MAX];
    size_t n = akira_ble_ctrl_conns(c, AKIRA_BLE_LL_CONN_MAX);
    for (size_t i = 0; i < n; i++) {
        if ((peer && memcmp(c[i].peer.a, peer->a, 6) == 0) || (!peer && c[i].handle == handle)) {
            *out = c[i];
            return true;
        }
    }
    return false;
}

static int cmd_bt_connect(struct akira_shell *sh, int argc, char **argv)
{
    akira_ble_addr_t peer;
    if (akira_ble_addr_parse(argv[1], &peer) != AKIRA_OK) {
        akira_shell_print(sh, "not an address (XX:XX:XX:XX:XX:XX): '%s'\n", argv[1]);
        return AKIRA_EINVAL;
    }
    akira_ble_conn_params_t p = {40, 0, 400};
    unsigned long ms;
    if (argc > 2) {
        if (parse_num(sh, argv[2], 8, 4000, "an interval in ms", &ms)) return AKIRA_EINVAL;
        p.interval_1250us = (uint16_t)(ms * 100 / 125);
    }
    if (argc > 3) {
        if (parse_num(sh, argv[3], 100, 32000, "a timeout in ms", &ms)) return AKIRA_EINVAL;
        p.timeout_10ms = (uint16_t)(ms / 10);
    }
    uint64_t t0 = akira_uptime_us();
    akira_err_t rc = akira_ble_ctrl_connect(&peer, &p);
    if (rc == AKIRA_ENODEV) return not_running(sh);
    if (rc == AKIRA_EINVAL) {
        akira_shell_print(sh, "bt connect: the timeout must exceed twice the interval\n");
        return rc;
    }
    if (rc != AKIRA_OK) return rc;
    /* Until the first packet exchange, for up to 5 s; a connection that failed to be
     * established (the peripheral missed the CONNECT_IND: 0x3e) is tried again. */
    struct akira_ble_conn_info c;
    bool seen = false;
    for (int i = 0; i < 500; i++) {
        bool exists = find_conn(&peer, -1, &c);
        if (exists && c.established) {
            uint64_t us = akira_uptime_us() - t0;
            akira_shell_print(sh, "connected: conn %u to %s as central in %u.%03u ms\n", c.handle,
                              argv[1], (unsigned)(us / 1000), (unsigned)(us % 1000));
            return 0;
        }
        struct akira_ble_ctrl_status st;
        if (exists) {
            seen = true;
        } else if (seen && akira_ble_ctrl_status(&st) == AKIRA_OK && !st.initiating) {
            seen = false;
            akira_ble_ctrl_connect(&peer, &p);
        }
        akira_sleep_ms(10);
    }
    akira_ble_ctrl_connect_cancel();
    akira_shell_print(sh, "no connection to %s within 5 s\n", argv[1]);
    return AKIRA_ETIMEDOUT;
}

static int parse_handle(struct akira_shell *sh, const char *s, uint16_t *out)
{
    unsigned long v;
    if (parse_num(sh, s, 0, 0x0EFF, "a connection handle", &v)) return AKIRA_EINVAL;
    *out = (uint16_t)v;
    return 0;
}

static int cmd_bt_disconnect(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    if (parse_handle(sh, argv[1], &h)) return AKIRA_EINVAL;
    akira_err_t rc = akira_ble_ll_disconnect(h, AKIRA_BLE_REASON_REMOTE_USER);
    if (rc == AKIRA_ENOTCONN) {
        akira_shell_print(sh, "no connection %u\n", h);
        return rc;
    }
    struct akira_ble_conn_info c;
    for (int i = 0; i < 300 && find_conn(NULL, h, &c); i++)
        akira_sleep_ms(10);
    if (find_conn(NULL, h, &c)) {
        akira_shell_print(sh, "conn %u: still closing\n", h);
        return AKIRA_ETIMEDOUT;
    }
    akira_shell_print(sh, "disconnected conn %u\n", h);
    return 0;
}

static int cmd_bt_send(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    unsigned long n;
    if (parse_handle(sh, argv[1], &h) ||
        parse_num(sh, argv[2], 1, AKIRA_BLE_LL_DATA_MAX, "a length", &n))
        return AKIRA_EINVAL;
    uint8_t buf[AKIRA_BLE_LL_DATA_MAX];
    for (unsigned long i = 0; i < n; i++)
        buf[i] = (uint8_t)i;
    /* an L2CAP header with the length, then a counting pattern (a test of the link) */
    if (n >= 4) {
        buf[0] = (uint8_t)(n - 4);
        buf[1] = (uint8_t)((n - 4) >> 8);
    }
    akira_err_t rc = akira_ble_ll_acl_send(h, AKIRA_BLE_LLID_START, buf, n);
    if (rc == AKIRA_OK) akira_shell_print(sh, "conn %u: %lu bytes queued\n", h, n);
    return rc;
}

static int parse_key(struct akira_shell *sh, const char *s, uint8_t key[16])
{
    /* 32 hex digits, most significant first (as keys are printed) */
    if (strlen(s) != 32) goto bad;
    for (int i = 0; i < 16; i++) {
        unsigned v;
        char two[3] = {s[2 * i], s[2 * i + 1], 0};
        char *end;
        v = (unsigned)strtoul(two, &end, 16);
        if (*end) goto bad;
        key[15 - i] = (uint8_t)v;
    }
    return 0;
bad:
    akira_shell_print(sh, "not a key (32 hex digits): '%s'\n", s);
    return AKIRA_EINVAL;
}

static int cmd_bt_encrypt(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    uint8_t ltk[16], rand[8] = {0};
    if (parse_handle(sh, argv[1], &h) || parse_key(sh, argv[2], ltk)) return AKIRA_EINVAL;
    akira_err_t rc = akira_ble_ll_encrypt_start(h, ltk, rand, 0);
    if (rc == AKIRA_EPERM)
        akira_shell_print(sh, "conn %u: only the central starts encryption\n", h);
    if (rc == AKIRA_OK) akira_shell_print(sh, "conn %u: encryption requested\n", h);
    return rc;
}

static int cmd_bt_ltk(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    uint8_t ltk[16];
    bool none = strcmp(argv[2], "none") == 0;
    if (parse_handle(sh, argv[1], &h) || (!none && parse_key(sh, argv[2], ltk)))
        return AKIRA_EINVAL;
    akira_err_t rc = akira_ble_ll_ltk_reply(h, none ? NULL : ltk);
    if (rc == AKIRA_ESTATE) akira_shell_print(sh, "conn %u: no LTK request pending\n", h);
    return rc;
}

/* `bt bonds`: the bonded peers (the host's table, loaded from settings at boot). */
static int cmd_bt_bonds(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_ble_host_t *h = akira_bt_host();
    if (!h) return not_running(sh);
    akira_ble_bond_t b[AKIRA_BLE_BOND_MAX];
    size_t n = akira_ble_bonds(h, b, AKIRA_BLE_BOND_MAX);
    for (size_t i = 0; i < n && i < AKIRA_BLE_BOND_MAX; i++) {
        char a[18];
        akira_ble_addr_format(&b[i].addr, a);
        /* LE Secure Connections is the only pairing the host does: the key is an LE SC
         * LTK, authenticated (passkey, numeric comparison) or not (just works). */
        akira_shell_print(sh, "  %s %s  LE SC LTK %u bytes, %s%s\n", a,
                          b[i].addr.type ? "random" : "public", b[i].key_size,
                          b[i].authenticated ? "authenticated" : "unauthenticated",
                          b[i].has_irk ? ", IRK" : "");
    }
    akira_shell_print(sh, "%u bond(s)\n", (unsigned)n);
    memset(b, 0, sizeof b); /* keys off the stack */
    return 0;
}

/* `bt forget ADDR|all`: the bond leaves the host's table and settings; the next
 * connection with that peer has to pair again. */
static int cmd_bt_forget(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    akira_ble_host_t *h = akira_bt_host();
    if (!h) return not_running(sh);
    bool all = strcmp(argv[1], "all") == 0;
    akira_ble_addr_t a;
    if (!all && akira_ble_addr_parse(argv[1], &a) != AKIRA_OK) {
        akira_shell_print(sh, "bt forget: not an address or 'all': '%s'\n", argv[1]);
        return AKIRA_EINVAL;
    }
    size_t before = akira_ble_bonds(h, NULL, 0);
    akira_err_t rc = akira_ble_bond_forget(h, all ? NULL : &a);
    if (rc == AKIRA_ENOENT) {
        akira_shell_print(sh, "bt forget: no bond with %s\n", argv[1]);
        return rc;
    }
    if (rc != AKIRA_OK) {
        akira_shell_print(sh, "bt forget: %s\n", akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "forgot %u bond(s)\n", (unsigned)(before - akira_ble_bonds(h, NULL, 0)));
    return 0;
}

static int update_result(struct akira_shell *sh, const char *what, uint16_t h, akira_err_t rc)
{
    if (rc == AKIRA_ENODEV) return not_running(sh);
    if (rc == AKIRA_OK)
        akira_shell_print(sh, "conn %u: %s sent, in force 8 events from now\n", h, what);
    else if (rc == AKIRA_EPERM)
        akira_shell_print(sh, "bt: conn %u: only the central sends a %s\n", h, what);
    else if (rc == AKIRA_EBUSY)
        akira_shell_print(sh, "bt: conn %u: a %s is pending\n", h, what);
    else if (rc == AKIRA_EINVAL)
        akira_shell_print(sh, "bt: %s: values out of range\n", what);
    else
        akira_shell_print(sh, "bt: conn %u: %s\n", h, akira_err_str(rc));
    return rc;
}

/* `bt update CONN INTERVAL_MS TIMEOUT_MS`: LL_CONNECTION_UPDATE_IND (central). */
static int cmd_bt_update(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    unsigned long iv, to;
    if (parse_handle(sh, argv[1], &h) ||
        parse_num(sh, argv[2], 8, 4000, "an interval in ms", &iv) ||
        parse_num(sh, argv[3], 100, 32000, "a timeout in ms", &to))
        return AKIRA_EINVAL;
    akira_ble_conn_params_t p = {(uint16_t)(iv * 100 / 125), 0, (uint16_t)(to / 10)};
    return update_result(sh, "connection update", h, akira_ble_ctrl_conn_update(h, &p));
}

/* `bt chmap CONN MAP`: LL_CHANNEL_MAP_IND (central); MAP is the 37-bit mask of data
 * channels in hex, channel 0 the lowest bit (1fffffffff: all). */
static int cmd_bt_chmap(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t h;
    if (parse_handle(sh, argv[1], &h)) return AKIRA_EINVAL;
    char *end;
    unsigned long long v = strtoull(argv[2], &end, 16);
    if (!*argv[2] || *end || v >> 37) {
        akira_shell_print(sh, "not a channel map (hex, channels 0..36): '%s'\n", argv[2]);
        return AKIRA_EINVAL;
    }
    uint8_t chm[5];
    for (int i = 0; i < 5; i++)
        chm[i] = (uint8_t)(v >> (8 * i));
    return update_result(sh, "channel map", h, akira_ble_ctrl_channel_map(h, chm));
}

/* `bt link CONN UART`: the UART carries the peer's management service (the central
 * end of `akira --ble`). */
static int cmd_bt_link(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t c;
    akira_ble_host_t *h = akira_bt_host();
    if (!h) return not_running(sh);
    if (parse_handle(sh, argv[1], &c)) return AKIRA_EINVAL;
    uint16_t mtu = 0;
    int rc = akira_ble_transport_link(h, c, argv[2], &mtu);
    if (rc == AKIRA_ENOENT)
        akira_shell_print(sh, "bt link: conn %u has no management service\n", c);
    else if (rc)
        akira_shell_print(sh, "bt link: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "link: conn %u <-> %s, ATT MTU %u\n", c, argv[2], mtu);
    return rc;
}

/* `bt flood CONN MS`: full notifications on the management TX characteristic (the
 * GATT throughput bench: the peer subscribed with `bt link`). */
static int cmd_bt_flood(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint16_t c;
    unsigned long ms;
    if (parse_handle(sh, argv[1], &c) || parse_num(sh, argv[2], 1, 60000, "a duration in ms", &ms))
        return AKIRA_EINVAL;
    uint32_t n = 0;
    uint16_t mtu = 0;
    uint64_t t0 = akira_uptime_ms();
    int rc = akira_ble_transport_flood(c, (uint32_t)ms, &n, &mtu);
    uint64_t t = akira_uptime_ms() - t0;
    if (rc == AKIRA_ESTATE)
        akira_shell_print(sh, "bt flood: conn %u has not subscribed (bt link on the peer)\n", c);
    else if (rc)
        akira_shell_print(sh, "bt flood: %s\n", akira_err_str(rc));
    else
        akira_shell_print(sh, "flood: %u notifications of %u B queued in %u ms\n", (unsigned)n,
                          mtu - 3u, (unsigned)t);
    return rc;
}

static int cmd_bt_unlink(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_ble_transport_unlink();
    akira_shell_print(sh, "unlinked\n");
    return 0;
}

AKIRA_SHELL_SUBCMDS(bt_sub,
                    AKIRA_SHELL_CMD("status", "address, advertising, scanning, connections", NULL,
                                    cmd_bt_status, NULL, 0, 0),
                    AKIRA_SHELL_CMD("scan", "scan actively and list devices with RSSI and names",
                                    "[SECONDS]", cmd_bt_scan, NULL, 0, 1),
                    AKIRA_SHELL_CMD("connect", "connect to an advertiser as central",
                                    "ADDR [INTERVAL_MS] [TIMEOUT_MS]", cmd_bt_connect, NULL, 1, 3),
                    AKIRA_SHELL_CMD("disconnect", "close a connection (reason 0x13)", "CONN",
                                    cmd_bt_disconnect, NULL, 1, 1),
                    AKIRA_SHELL_CMD("send", "queue one data PDU of N bytes (a link test)", "CONN N",
                                    cmd_bt_send, NULL, 2, 2),
                    AKIRA_SHELL_CMD("encrypt", "central: start link encryption with a key",
                                    "CONN LTK", cmd_bt_encrypt, NULL, 2, 2),
                    AKIRA_SHELL_CMD("ltk", "peripheral: answer an LTK request (none: no key)",
                                    "CONN LTK|none", cmd_bt_ltk, NULL, 2, 2),
                    AKIRA_SHELL_CMD("bonds", "bonded peers: address, key type", NULL, cmd_bt_bonds,
                                    NULL, 0, 0),
                    AKIRA_SHELL_CMD("forget", "delete a bond (or all): the peer pairs again",
                                    "ADDR|all", cmd_bt_forget, NULL, 1, 1),
                    AKIRA_SHELL_CMD("update", "central: new interval and supervision timeout",
                                    "CONN INTERVAL_MS TIMEOUT_MS", cmd_bt_update, NULL, 3, 3),
                    AKIRA_SHELL_CMD("chmap", "central: new data channel map (hex, 37 bits)",
                                    "CONN MAP", cmd_bt_chmap, NULL, 2, 2),
                    AKIRA_SHELL_CMD("link", "bridge a UART to a peer's management service",
                                    "CONN UART", cmd_bt_link, NULL, 2, 2),
                    AKIRA_SHELL_CMD("flood", "notify full values to a linked peer (bench)",
                                    "CONN MS", cmd_bt_flood, NULL, 2, 2),
                    AKIRA_SHELL_CMD("unlink", "end the bridge", NULL, cmd_bt_unlink, NULL, 0, 0));

AKIRA_SHELL_CMD_REGISTER(bt, "bt", "Bluetooth LE: status, scan, connect, disconnect, bonds, forget",
                         NULL, cmd_bt_status, bt_sub, 0, 0);

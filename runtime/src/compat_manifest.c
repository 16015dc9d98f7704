/*
 * Upstream AkiraOS manifests (".akira.manifest", JSON) onto struct akira_manifest
 * (akira/compat.h), and upstream's capability strings.
 *
 * The JSON is streamed through the reader in 64-byte windows (it may carry a 5 KB
 * icon); only the values of the mapped keys are kept, in small fixed buffers. The
 * result is written as our manifest text and parsed by akira_manifest_parse, so one set
 * of rules (name syntax, ranges, net_hosts) and one style of field-named error serve
 * both formats.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/compat.h>
#include <akira/err.h>

#define DEPTH_MAX 16
#define STR_MAX   63u /* upstream's longest kept string (capability, host) */
#define HOSTS_MAX 4u
#define PORTS_MAX 8u

/* ------------------------------------------------------------------ capabilities */

struct up_cap_row {
    const char *name;
    uint64_t up;
    akira_caps_t ours; /* 0: no subsystem here, the string grants nothing */
};

#define B(c) AKIRA_UP_BIT(AKIRA_UP_CAP_##c)
static const struct up_cap_row up_caps[] = {
    {"display.write", B(DISPLAY_WRITE), AKIRA_CAP_DISPLAY},
    {"display.read", B(DISPLAY_WRITE), AKIRA_CAP_DISPLAY},
    {"display.*", B(DISPLAY_WRITE), AKIRA_CAP_DISPLAY},
    {"input.read", B(INPUT_READ), AKIRA_CAP_INPUT},
    {"input.write", B(INPUT_WRITE), AKIRA_CAP_INPUT},
    {"input.*", B(INPUT_READ) | B(INPUT_WRITE), AKIRA_CAP_INPUT},
    {"sensor.read", B(SENSOR_READ), AKIRA_CAP_SENSOR},
    {"sensor.*", B(SENSOR_READ), AKIRA_CAP_SENSOR},
    {"rf.transceive", B(RF), AKIRA_CAP_RF},
    {"rf.*", B(RF), AKIRA_CAP_RF},
    {"ble", B(BLE), AKIRA_CAP_BLE},
    {"bt.shell", B(BLE), AKIRA_CAP_BLE},
    {"bt.*", B(BLE) | B(HID) | B(BLE_SCAN) | B(BLE_SPAM), AKIRA_CAP_BLE | AKIRA_CAP_HID},
    {"storage.read", B(STORAGE_READ), AKIRA_CAP_STORAGE},
    {"storage.write", B(STORAGE_WRITE), AKIRA_CAP_STORAGE},
    {"storage.*", B(STORAGE_READ) | B(STORAGE_WRITE), AKIRA_CAP_STORAGE},
    {"network.use", B(NETWORK), AKIRA_CAP_NET},
    {"network.connect", B(NETWORK), AKIRA_CAP_NET},
    {"network.*", B(NETWORK), AKIRA_CAP_NET},
    {"gpio.read", B(GPIO_READ), AKIRA_CAP_GPIO},
    {"gpio.write", B(GPIO_WRITE), AKIRA_CAP_GPIO},
    {"gpio.*", B(GPIO_READ) | B(GPIO_WRITE), AKIRA_CAP_GPIO},
    {"timer", B(TIMER), AKIRA_CAP_TIMER},
    {"uart", B(UART), AKIRA_CAP_UART},
    {"i2c", B(I2C), AKIRA_CAP_I2C},
    {"pwm", B(PWM), AKIRA_CAP_PWM},
    {"hw.*", B(TIMER) | B(UART) | B(I2C) | B(PWM),
     AKIRA_CAP_TIMER | AKIRA_CAP_UART | AKIRA_CAP_I2C | AKIRA_CAP_PWM},
    {"hid", B(HID), AKIRA_CAP_HID},
    /* The app calls need no capability of ours: the env natives check upstream's bit. */
    {"app.control", B(APP_CONTROL), AKIRA_CAP_NONE},
    {"ipc", B(IPC), AKIRA_CAP_IPC},
    {"app.switch", B(APP_SWITCH), AKIRA_CAP_NONE},
    {"memory", B(MEMORY), AKIRA_CAP_MEMORY},
    {"memory.alloc", B(MEMORY), AKIRA_CAP_MEMORY},
    {"app.info", B(APP_INFO), AKIRA_CAP_NONE},
    {"power.read", B(POWER_READ), AKIRA_CAP_POWER},
    {"power.control", B(POWER_CONTROL), AKIRA_CAP_POWER},
    {"power.*", B(POWER_READ) | B(POWER_CONTROL), AKIRA_CAP_POWER},
    {"settings.*", B(SETTINGS), AKIRA_CAP_STORAGE},
    {"settings.read", B(SETTINGS), AKIRA_CAP_STORAGE},
    {"settings.write", B(SETTINGS), AKIRA_CAP_STORAGE},
    {"adc", B(ADC), 0},
    {"wdt", B(WDT), 0},
    {"fs.read", B(FS_READ), AKIRA_CAP_STORAGE},
    {"fs.write", B(FS_WRITE), AKIRA_CAP_STORAGE},
    {"fs.*", B(FS_READ) | B(FS_WRITE), AKIRA_CAP_STORAGE},
    {"crypto", B(CRYPTO), AKIRA_CAP_CRYPTO},
    {"rtc.read", B(RTC_READ), AKIRA_CAP_NONE},
    {"rtc.write", B(RTC_WRITE), AKIRA_CAP_NONE},
    {"rtc.*", B(RTC_READ) | B(RTC_WRITE), AKIRA_CAP_NONE},
    {"ota.trigger", B(OTA), 0},
    {"ai.infer", B(AI), 0},
    {"matter", B(MATTER), 0},
    {"matter.*", B(MATTER), 0},
    {"wifi.inject", B(WIFI_INJECT), 0},
    {"mqtt", B(MQTT), AKIRA_CAP_MQTT},
    {"mqtt.*", B(MQTT), AKIRA_CAP_MQTT},
    {"ble.scan", B(BLE_SCAN), AKIRA_CAP_BLE},
    {"ble.spam", B(BLE_SPAM), 0},
    {"mesh", B(MESH), AKIRA_CAP_MESH},
    {"mesh.*", B(MESH), AKIRA_CAP_MESH},
    {"sync", B(SYNC), 0},
    {"sync.*", B(SYNC), 0},
};
#undef B

/* What akira_compat_caps_serve added: set at boot, before the store reads a manifest. */
static akira_caps_t served_;

void akira_compat_caps_serve(akira_caps_t caps)
{
    served_ |= caps & AKIRA_COMPAT_CAPS_REGISTERED;
}

/* The capabilities that need a subsystem this firmware has (for "*"). */
static bool row_served(const struct up_cap_row *r)
{
    return r->ours != 0 || strncmp(r->name, "app.", 4) == 0 || strncmp(r->name, "rtc.", 4) == 0;
}

bool akira_compat_cap_lookup(const char *s, size_t len, uint64_t *up, akira_caps_t *ours)
{
    *up = 0;
    *ours = 0;
    bool all = len == 1 && s[0] == '*';
    for (size_t i = 0; i < sizeof up_caps / sizeof up_caps[0]; i++) {
        const struct up_cap_row *r = &up_caps[i];
        if (all ? row_served(r) : (strlen(r->name) == len && memcmp(r->name, s, len) == 0)) {
            *up |= r->up;
            *ours |= r->ours;
            if (!all) return true;
        }
    }
    return all;
}

/* -------------------------------------------------------------- errno mapping */

int32_t akira_compat_errno(int32_t e)
{
    switch (e) {
    case AKIRA_EPERM: return -AKIRA_UP_EPERM;
    case AKIRA_EACCES: return -AKIRA_UP_EPERM; /* upstream's capability denial */
    case AKIRA_ENOENT: return -AKIRA_UP_ENOENT;
    case AKIRA_EIO: return -AKIRA_UP_EIO;
    case AKIRA_EAGAIN: return -AKIRA_UP_EAGAIN;
    case AKIRA_ENOMEM:
    case AKIRA_EQUOTA: return -AKIRA_UP_ENOMEM;
    case AKIRA_EFAULT: return -AKIRA_UP_EFAULT;
    case AKIRA_EBUSY: return -AKIRA_UP_EBUSY;
    case AKIRA_EEXIST: return -AKIRA_UP_EEXIST;
    case AKIRA_ENODEV: return -AKIRA_UP_ENODEV;
    case AKIRA_ENOSPC: return -AKIRA_UP_ENOSPC;
    case AKIRA_ETIMEDOUT: return -AKIRA_UP_ETIMEDOUT;
    case AKIRA_ENOTSUP: return -AKIRA_UP_ENOTSUP;
    case AKIRA_ETOOBIG: return -AKIRA_UP_EMSGSIZE;
    case AKIRA_ENOTEMPTY: return -AKIRA_UP_ENOTEMPTY;
    case AKIRA_ENAMETOOLONG: return -AKIRA_UP_ENAMETOOLONG;
    case AKIRA_ECONNRESET: return -AKIRA_UP_ECONNRESET;
    case AKIRA_ECONNREFUSED: return -AKIRA_UP_ECONNREFUSED;
    case AKIRA_ENOTCONN: return -AKIRA_UP_ENOTCONN;
    default: return e < 0 ? -AKIRA_UP_EINVAL : e;
    }
}

/* ------------------------------------------------------------------ JSON scan */

struct js {
    aw_read_fn read;
    void *ctx;
    uint32_t pos, end; /* file offsets */
    uint8_t win[64];
    uint32_t win_off, win_len;
    int io; /* AKIRA_EIO once the reader failed */
    struct akira_manifest_error *err;
};

static int jfail(struct js *j, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int jfail(struct js *j, int code, const char *field, const char *fmt, ...)
{
    if (j->io) code = AKIRA_EIO;
    if (j->err) {
        snprintf(j->err->field, sizeof j->err->field, "%s", field);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->err->reason, sizeof j->err->reason, fmt, ap);
        va_end(ap);
        if (j->io) snprintf(j->err->reason, sizeof j->err->reason, "read failed");
    }
    return code;
}

/* The byte at pos, -1 at the end (or a read failure, noted in io). */
static int peek(struct js *j)
{
    if (j->pos >= j->end) return -1;
    if (j->pos < j->win_off || j->pos >= j->win_off + j->win_len) {
        uint32_t n = j->end - j->pos < sizeof j->win ? j->end - j->pos : (uint32_t)sizeof j->win;
        if (j->read(j->ctx, j->pos, j->win, n) != 0) {
            j->io = AKIRA_EIO;
            j->end = j->pos;
            return -1;
        }
        j->win_off = j->pos;
        j->win_len = n;
    }
    return j->win[j->pos - j->win_off];
}

static int next(struct js *j)
{
    int c = peek(j);
    if (c >= 0) j->pos++;
    return c;
}

static int skip_ws(struct js *j)
{
    int c;
    while ((c = peek(j)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        j->pos++;
    return c;
}

/* A string (opening quote next): its bytes into out (cap includes the NUL), or only
 * skipped when out is NULL. *too_long when it did not fit. */
static int read_string(struct js *j, const char *field, char *out, size_t cap, bool *too_long)
{
    size_t n = 0;
    *too_long = false;
    if (next(j) != '"') return jfail(j, AKIRA_EFORMAT, field, "expected a string");
    for (;;) {
        int c = next(j);
        if (c < 0) return jfail(j, AKIRA_EFORMAT, field, "string not closed");
        if (c == '"') break;
        if (c < 0x20) return jfail(j, AKIRA_EFORMAT, field, "control character in a string");
        if (c == '\\') {
            c = next(j);
            switch (c) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case '"':
            case '\\':
            case '/': break;
            default: return jfail(j, AKIRA_EFORMAT, field, "unsupported escape in a string");
            }
        }
        if (out) {
            if (n + 1 < cap)
                out[n++] = (char)c;
            else
                *too_long = true;
        }
    }
    if (out) out[n] = '\0';
    return AKIRA_OK;
}

static int read_uint(struct js *j, const char *field, uint32_t *v)
{
    uint64_t acc = 0;
    int c = peek(j);
    if (c < '0' || c > '9')
        return jfail(j, AKIRA_EFORMAT, field, "expected an unsigned decimal number");
    while ((c = peek(j)) >= '0' && c <= '9') {
        acc = acc * 10u + (uint64_t)(c - '0');
        if (acc > UINT32_MAX) return jfail(j, AKIRA_ERANGE, field, "number over 4294967295");
        j->pos++;
    }
    if (c == '.' || c == 'e' || c == 'E')
        return jfail(j, AKIRA_EFORMAT, field, "expected an unsigned decimal number");
    *v = (uint32_t)acc;
    return AKIRA_OK;
}

static int skip_value(struct js *j, const char *field, int depth);

/* Skips a literal made of letters, digits, '-', '+', '.' (numbers, true, false, null). */
static int skip_scalar(struct js *j, const char *field)
{
    int c, n = 0;
    while ((c = peek(j)) >= 0 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
                                  c == '+' || c == '.' || c == 'E')) {
        j->pos++;
        n++;
    }
    return n ? AKIRA_OK : jfail(j, AKIRA_EFORMAT, field, "expected a value");
}

/* Iterates the members of an array ('[' next): calls item for each element (with the
 * reader at the element), or skips them when item is NULL. */
typedef int (*item_fn)(struct js *j, void *user, unsigned idx);

static int each_element(struct js *j, const char *field, int depth, item_fn item, void *user)
{
    if (next(j) != '[') return jfail(j, AKIRA_EFORMAT, field, "expected an array");
    unsigned idx = 0;
    for (;;) {
        int c = skip_ws(j);
        if (c == ']') {
            j->pos++;
            return AKIRA_OK;
        }
        if (c == ',') { /* upstream's scanner tolerates stray commas */
            j->pos++;
            continue;
        }
        if (c < 0) return jfail(j, AKIRA_EFORMAT, field, "array not closed");
        int rc = item ? item(j, user, idx++) : skip_value(j, field, depth + 1);
        if (rc) return rc;
    }
}

/* Iterates the members of an object ('{' next): member(key) with the reader at the
 * value, which it must consume. */
typedef int (*member_fn)(struct js *j, void *user, const char *key, bool key_long);

static int each_member(struct js *j, const char *field, int depth, member_fn member, void *user)
{
    if (depth > DEPTH_MAX) return jfail(j, AKIRA_EFORMAT, field, "nested deeper than 16");
    if (next(j) != '{') return jfail(j, AKIRA_EFORMAT, field, "expected an object");
    for (;;) {
        int c = skip_ws(j);
        if (c == '}') {
            j->pos++;
            return AKIRA_OK;
        }
        if (c == ',') {
            j->pos++;
            continue;
        }
        if (c < 0) return jfail(j, AKIRA_EFORMAT, field, "object not closed");
        char key[32];
        bool lng;
        int rc = read_string(j, field, key, sizeof key, &lng);
        if (rc) return rc;
        if (skip_ws(j) != ':') return jfail(j, AKIRA_EFORMAT, key, "expected ':' after the key");
        j->pos++;
        skip_ws(j);
        rc = member ? member(j, user, key, lng) : skip_value(j, key, depth + 1);
        if (rc) return rc;
    }
}

static int skip_value(struct js *j, const char *field, int depth)
{
    if (depth > DEPTH_MAX) return jfail(j, AKIRA_EFORMAT, field, "nested deeper than 16");
    bool lng;
    switch (skip_ws(j)) {
    case '"': return read_string(j, field, NULL, 0, &lng);
    case '[': return each_element(j, field, depth, NULL, NULL);
    case '{': return each_member(j, field, depth, NULL, NULL);
    default: return skip_scalar(j, field);
    }
}

/* ------------------------------------------------------------------ the fields */

struct up_manifest {
    char name[64], version[64];
    bool have_name, have_version;
    uint32_t quota;
    uint64_t up_caps;
    akira_caps_t caps;
    char ignored[64];
    bool deny_all, have_policy;
    char hosts[HOSTS_MAX][STR_MAX + 1];
    unsigned nhosts;
    uint32_t ports[PORTS_MAX];
    unsigned nports;
};

static void note_ignored(struct up_manifest *u, const char *s)
{
    size_t have = strlen(u->ignored), len = strlen(s), sep = have ? 2 : 0;
    if (have + sep + len < sizeof u->ignored) {
        memcpy(u->ignored + have, ", ", sep);
        memcpy(u->ignored + have + sep, s, len + 1);
    } else if (have + 4 <= sizeof u->ignored - 1 &&
               (have < 3 || strcmp(u->ignored + have - 3, "...") != 0)) {
        memcpy(u->ignored + have, "...", 4);
    }
}

static int cap_item(struct js *j, void *user, unsigned idx)
{
    (void)idx;
    struct up_manifest *u = user;
    char s[STR_MAX + 1];
    bool lng;
    int rc = read_string(j, "capabilities", s, sizeof s, &lng);
    if (rc) return rc;
    if (lng) return jfail(j, AKIRA_EFORMAT, "capabilities", "a name longer than 63 bytes");
    uint64_t up;
    akira_caps_t ours;
    bool known = akira_compat_cap_lookup(s, strlen(s), &up, &ours);
    ours &= ~(akira_caps_t)AKIRA_COMPAT_CAPS_REGISTERED | served_;
    u->up_caps |= up;
    u->caps |= ours;
    if (!known || (ours == 0 && strncmp(s, "app.", 4) != 0 && strncmp(s, "rtc.", 4) != 0))
        note_ignored(u, s);
    return AKIRA_OK;
}

static int host_item(struct js *j, void *user, unsigned idx)
{
    struct up_manifest *u = user;
    if (idx >= HOSTS_MAX)
        return jfail(j, AKIRA_ERANGE, "network_policy", "allowed_hosts holds at most 4 hosts");
    bool lng;
    int rc = read_string(j, "network_policy", u->hosts[idx], sizeof u->hosts[idx], &lng);
    if (rc) return rc;
    if (lng) return jfail(j, AKIRA_EFORMAT, "network_policy", "a host longer than 63 bytes");
    u->nhosts = idx + 1;
    return AKIRA_OK;
}

static int port_item(struct js *j, void *user, unsigned idx)
{
    struct up_manifest *u = user;
    if (idx >= PORTS_MAX)
        return jfail(j, AKIRA_ERANGE, "network_policy", "allowed_ports holds at most 8 ports");
    int rc = read_uint(j, "network_policy", &u->ports[idx]);
    if (rc) return rc;
    if (u->ports[idx] > 65535)
        return jfail(j, AKIRA_ERANGE, "network_policy", "port %u outside 0..65535",
                     (unsigned)u->ports[idx]);
    u->nports = idx + 1;
    return AKIRA_OK;
}

static int policy_member(struct js *j, void *user, const char *key, bool key_long)
{
    struct up_manifest *u = user;
    if (!key_long && strcmp(key, "deny_all") == 0) {
        char lit[8];
        int n = 0, c;
        while (n < 7 && (c = peek(j)) >= 'a' && c <= 'z') {
            lit[n++] = (char)c;
            j->pos++;
        }
        lit[n] = '\0';
        if (strcmp(lit, "true") == 0)
            u->deny_all = true;
        else if (strcmp(lit, "false") != 0)
            return jfail(j, AKIRA_EFORMAT, "network_policy", "deny_all must be true or false");
        return AKIRA_OK;
    }
    if (!key_long && strcmp(key, "allowed_hosts") == 0)
        return each_element(j, "network_policy", 2, host_item, u);
    if (!key_long && strcmp(key, "allowed_ports") == 0)
        return each_element(j, "network_policy", 2, port_item, u);
    return skip_value(j, "network_policy", 2);
}

/* "A.B" or "A.B.C" of unsigned numbers into v[0..2] (missing parts 0). */
static bool parse_dotted(const char *s, unsigned parts_min, uint32_t v[3])
{
    unsigned parts = 0;
    v[0] = v[1] = v[2] = 0;
    while (parts < 3) {
        if (*s < '0' || *s > '9') return false;
        uint32_t n = 0;
        while (*s >= '0' && *s <= '9') {
            if (n > 100000) return false;
            n = n * 10u + (uint32_t)(*s++ - '0');
        }
        v[parts++] = n;
        if (*s == '\0') break;
        if (*s++ != '.') return false;
    }
    return *s == '\0' && parts >= parts_min;
}

static int top_member(struct js *j, void *user, const char *key, bool key_long)
{
    struct up_manifest *u = user;
    bool lng;
    int rc;
    if (key_long) return skip_value(j, "manifest", 1);
    if (strcmp(key, "name") == 0 || strcmp(key, "version") == 0) {
        bool is_name = key[0] == 'n';
        rc = read_string(j, key, is_name ? u->name : u->version, sizeof u->name, &lng);
        if (rc) return rc;
        if (lng) return jfail(j, AKIRA_EFORMAT, key, "longer than 63 bytes");
        if (is_name)
            u->have_name = true;
        else
            u->have_version = true;
        return AKIRA_OK;
    }
    if (strcmp(key, "memory_quota") == 0) return read_uint(j, "memory_quota", &u->quota);
    if (strcmp(key, "capabilities") == 0) return each_element(j, "capabilities", 1, cap_item, u);
    if (strcmp(key, "abi") == 0) {
        char s[16];
        uint32_t v[3];
        rc = read_string(j, "abi", s, sizeof s, &lng);
        if (rc) return rc;
        if (lng || !parse_dotted(s, 2, v) || v[2] != 0 || strchr(strchr(s, '.') + 1, '.'))
            return jfail(j, AKIRA_EFORMAT, "abi", "'%s' is not MAJOR.MINOR", s);
        if (v[0] != AKIRA_COMPAT_ABI_MAJOR)
            return jfail(j, AKIRA_EFORMAT, "abi",
                         "ABI %s: this firmware runs upstream ABI %u.x apps", s,
                         (unsigned)AKIRA_COMPAT_ABI_MAJOR);
        return AKIRA_OK;
    }
    if (strcmp(key, "min_akiraos_version") == 0) {
        char s[24];
        uint32_t v[3];
        rc = read_string(j, "min_akiraos_version", s, sizeof s, &lng);
        if (rc) return rc;
        if (lng || !parse_dotted(s, 1, v))
            return jfail(j, AKIRA_EFORMAT, "min_akiraos_version", "'%s' is not A.B.C", s);
        uint32_t have[3] = {AKIRA_COMPAT_OS_MAJOR, AKIRA_COMPAT_OS_MINOR, AKIRA_COMPAT_OS_PATCH};
        for (int i = 0; i < 3; i++) {
            if (v[i] < have[i]) break;
            if (v[i] > have[i])
                return jfail(j, AKIRA_EFORMAT, "min_akiraos_version",
                             "%s is newer than the upstream level this firmware provides "
                             "(%u.%u.%u)",
                             s, (unsigned)have[0], (unsigned)have[1], (unsigned)have[2]);
        }
        return AKIRA_OK;
    }
    if (strcmp(key, "network_policy") == 0) {
        u->have_policy = true;
        return each_member(j, "network_policy", 1, policy_member, u);
    }
    return skip_value(j, key, 1);
}

/* ------------------------------------------------------------ onto our manifest */

struct text {
    char buf[AKIRA_MANIFEST_MAX];
    size_t n;
    bool over;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->buf - t->n)
        t->over = true;
    else
        t->n += (size_t)n;
}

static bool is_ipv4(const char *s)
{
    uint32_t v[3];
    const char *d = s;
    int dots = 0;
    for (; *d; d++)
        dots += *d == '.';
    if (dots != 3) return false;
    /* four parts: parse the first three with parse_dotted's rules, the last by hand */
    const char *last = strrchr(s, '.');
    char head[16];
    if ((size_t)(last - s) >= sizeof head) return false;
    memcpy(head, s, (size_t)(last - s));
    head[last - s] = '\0';
    if (!parse_dotted(head, 3, v) || v[0] > 255 || v[1] > 255 || v[2] > 255) return false;
    uint32_t w[3];
    return parse_dotted(last + 1, 1, w) && w[0] <= 255;
}

/* Our manifest text for what the JSON said. */
static int to_text(struct js *j, const struct up_manifest *u, struct text *t,
                   akira_caps_t *caps_out)
{
    /* A value goes on one line of the text: a control character could add a key. */
    const char *vals[2] = {u->name, u->version};
    const char *keys[2] = {"name", "version"};
    for (int i = 0; i < 2; i++)
        for (const char *p = vals[i]; *p; p++)
            if ((unsigned char)*p < 0x20)
                return jfail(j, AKIRA_EFORMAT, keys[i], "control character in the value");
    if (!u->have_name)
        return jfail(j, AKIRA_EFORMAT, "name",
                     "required key missing (this firmware names "
                     "every app; upstream would call it app<slot>)");
    if (!u->have_version) return jfail(j, AKIRA_EFORMAT, "version", "required key missing");
    put(t, "name: %s\nversion: %s\n", u->name, u->version);
    /* Upstream's memory_quota bounds mem_alloc (its app heap, 64 KiB when absent); ours
     * bounds everything the app uses, so the heap comes on top of our default. */
    uint32_t heap = u->quota ? u->quota : AKIRA_COMPAT_HEAP_DEFAULT;
    uint64_t total = 256u * 1024u + (uint64_t)heap;
    if (total > AKIRA_BOARD_APP_MEM_QUOTA_MAX)
        return jfail(j, AKIRA_ERANGE, "memory_quota",
                     "%u: with the 256 KiB the app itself needs here it exceeds the board's "
                     "%u",
                     (unsigned)u->quota, (unsigned)AKIRA_BOARD_APP_MEM_QUOTA_MAX);
    put(t, "memory_quota: %llu\nheap_size: %u\nstack_size: 8K\n", (unsigned long long)total,
        (unsigned)heap);
    akira_caps_t caps = u->caps;
    if (u->have_policy && u->deny_all) caps &= ~AKIRA_CAP_NET;
    if ((caps & AKIRA_CAP_NET) && u->nhosts) {
        /* host:port items, localhost as 127.0.0.1, each once (our list refuses repeats) */
        char items[HOSTS_MAX * PORTS_MAX][STR_MAX + 8];
        unsigned n = 0;
        for (unsigned h = 0; h < u->nhosts; h++) {
            const char *host = u->hosts[h];
            if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
            if (!is_ipv4(host))
                return jfail(j, AKIRA_EFORMAT, "network_policy",
                             "host '%.40s': only IPv4 addresses or localhost here (no DNS, "
                             "no wildcard)",
                             host);
            for (unsigned p = 0; p < (u->nports ? u->nports : 1); p++) {
                char it[STR_MAX + 8];
                if (u->nports && u->ports[p])
                    snprintf(it, sizeof it, "%s:%u", host, (unsigned)u->ports[p]);
                else
                    snprintf(it, sizeof it, "%s:*", host);
                bool dup = false;
                for (unsigned k = 0; k < n && !dup; k++)
                    dup = strcmp(items[k], it) == 0;
                if (!dup) memcpy(items[n++], it, sizeof it);
            }
        }
        put(t, "net_hosts: ");
        for (unsigned k = 0; k < n; k++)
            put(t, "%s%s", k ? ", " : "", items[k]);
        put(t, "\n");
    }
    /* The hardware lists that narrow our capabilities: upstream's capability covers
     * every pin, so the GPIO port's pins are all named. */
    if (caps & AKIRA_CAP_GPIO) put(t, "gpio_pins: 0-31\n");
    /* upstream's UART ports 0 and 1 (its uart0 is the console) */
    if (caps & AKIRA_CAP_UART) put(t, "uart: uart1, uart2\n");
    /* upstream's I2C buses 0 and 1, every address of each (its capability's reach) */
    if (caps & AKIRA_CAP_I2C) put(t, "i2c: i2c0:*, i2c1:*\n");
    /* upstream's PWM channels: pwm0's */
    if (caps & AKIRA_CAP_PWM) put(t, "pwm: pwm0:0-15\n");
    /* upstream's ipc covers every topic */
    if (caps & AKIRA_CAP_IPC) put(t, "ipc_publish: *\nipc_subscribe: *\n");
    /* rf.transceive: every channel of our 2.4 GHz plan but the three BLE advertising
     * channels (2402, 2426, 2480 MHz) and the mesh's (2440 MHz), which an upstream app
     * (whose manifest names no channels) must not jam for the other nodes around. */
    if (caps & AKIRA_CAP_RF) put(t, "rf_channels: 0-1, 3-25, 27-39, 41-79, 81-125\n");
    /* mesh: one topic, the app's name: the same app on other nodes hears it (and our
     * apps that name the topic in their mesh_topics) */
    if (caps & AKIRA_CAP_MESH) put(t, "mesh_topics: %s\n", u->name);
    if (caps) {
        put(t, "capabilities: ");
        const char *sep = "";
        for (akira_caps_t b = 1; b && b <= caps; b <<= 1)
            if (caps & b) {
                put(t, "%s%s", sep, akira_cap_name(b));
                sep = ", ";
            }
        put(t, "\n");
    }
    if (t->over) return jfail(j, AKIRA_ETOOBIG, "manifest", "too many items to map");
    *caps_out = caps;
    return AKIRA_OK;
}

int akira_compat_manifest_parse(aw_read_fn read, void *ctx, uint32_t off, uint32_t len,
                                struct akira_manifest *out, struct akira_manifest_error *err)
{
    struct js j = {.read = read, .ctx = ctx, .pos = off, .end = off + len, .err = err};
    if (err) err->field[0] = err->reason[0] = '\0';
    if (len > AKIRA_COMPAT_MANIFEST_MAX)
        return jfail(&j, AKIRA_ETOOBIG, "manifest", "%u bytes of JSON, at most %u", (unsigned)len,
                     (unsigned)AKIRA_COMPAT_MANIFEST_MAX);
    struct up_manifest u;
    memset(&u, 0, sizeof u);
    if (skip_ws(&j) != '{')
        return jfail(&j, AKIRA_EFORMAT, "manifest", ".akira.manifest is not a JSON object");
    int rc = each_member(&j, "manifest", 0, top_member, &u);
    if (rc) return rc;
    if (skip_ws(&j) >= 0) return jfail(&j, AKIRA_EFORMAT, "manifest", "text after the JSON object");
    if (j.io) return jfail(&j, AKIRA_EIO, "manifest", "read failed");
    struct text t; /* 2 KiB of stack, as the package scan's own manifest buffer */
    t.n = 0;
    t.over = false;
    t.buf[0] = '\0';
    akira_caps_t caps = 0;
    rc = to_text(&j, &u, &t, &caps);
    if (rc) return rc;
    rc = akira_manifest_parse(t.buf, t.n, out, err);
    if (rc) return rc;
    out->compat = true;
    out->compat_caps = u.up_caps;
    if (u.have_policy && u.deny_all) out->compat_caps &= ~AKIRA_UP_BIT(AKIRA_UP_CAP_NETWORK);
    snprintf(out->compat_ignored, sizeof out->compat_ignored, "%s", u.ignored);
    return AKIRA_OK;
}

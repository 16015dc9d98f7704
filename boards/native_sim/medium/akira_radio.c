/*
 * akira-radio: the simulated radio medium that native_sim nodes join (docs/ble.md).
 *
 *   akira-radio [--seed N] [--exponent E] [--loss P] [--pcap FILE] SOCK
 *   akira-radio ctl SOCK COMMAND...     (loss P | pos NODE X Y | nodes | stats)
 *
 * One process, one thread: a poll loop over the listening Unix socket and the nodes.
 * A TX from a node becomes a transmission in the air from now to now + its air time;
 * when it ends, every other node gets it (RX) unless it is below its sensitivity
 * there, the node was itself transmitting (half duplex), another transmission on the
 * same frequency overlapped it without being capture_db weaker, or the seeded random
 * loss drops it (medium_model.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <akira/radio_medium.h>

#define NODES_MAX 128 /* connections: each akiraos has two radios */
#define AIR_MAX   256 /* transmissions kept (in the air or recently ended) */
#define KEEP_US   20000

struct node {
    int fd;
    uint32_t id;
    int32_t x, y;
    uint32_t tx_seq;
    uint32_t tx, rx, dropped;
    uint64_t busy_until; /* end of its last transmission: one radio sends one frame at a time */
};

struct air {
    bool used, delivered;
    uint32_t src, seq;
    int32_t x, y; /* sender's place when it sent */
    uint64_t start, end;
    uint16_t freq;
    uint8_t rate;
    int8_t power;
    uint32_t aa;
    uint16_t len;
    uint8_t data[AKIRA_RADIO_FRAME_MAX];
};

static struct node nodes[NODES_MAX];
static struct air air[AIR_MAX];
static struct akira_medium_params params;
static FILE *pcap;
static volatile sig_atomic_t stop;
static uint64_t n_tx, n_rx, n_collide, n_lost, n_range;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static struct node *node_by_id(uint32_t id)
{
    for (int i = 0; i < NODES_MAX; i++)
        if (nodes[i].fd >= 0 && nodes[i].id == id) return &nodes[i];
    return NULL;
}

static void send_msg(struct node *n, const uint8_t *m, size_t len)
{
    if (send(n->fd, m, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) n->dropped++;
}

static void send_text(struct node *n, uint8_t type, const char *text)
{
    uint8_t m[1024];
    size_t l = strlen(text);
    if (l > sizeof(m) - 1) l = sizeof(m) - 1;
    m[0] = type;
    memcpy(m + 1, text, l);
    send_msg(n, m, l + 1);
}

/* pcap, LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256): every BLE frame as it went out. */
static void pcap_open(const char *path)
{
    pcap = fopen(path, "wb");
    if (!pcap) {
        perror(path);
        exit(1);
    }
    uint8_t h[24];
    akira_medium_put32(h, 0xa1b2c3d4u);
    akira_medium_put16(h + 4, 2);
    akira_medium_put16(h + 6, 4);
    akira_medium_put32(h + 8, 0);
    akira_medium_put32(h + 12, 0);
    akira_medium_put32(h + 16, 65535);
    akira_medium_put32(h + 20, 256);
    fwrite(h, 1, sizeof(h), pcap);
    fflush(pcap);
}

static void pcap_write(const struct air *a)
{
    if (!pcap || (a->rate != AKIRA_RADIO_BLE_1M && a->rate != AKIRA_RADIO_BLE_2M)) return;
    if (a->freq < 2402 || a->freq > 2480 || (a->freq % 2) != 0) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint8_t rec[16 + 10 + 4 + AKIRA_RADIO_FRAME_MAX];
    size_t n = 10 + 4 + a->len;
    akira_medium_put32(rec, (uint32_t)tv.tv_sec);
    akira_medium_put32(rec + 4, (uint32_t)tv.tv_usec);
    akira_medium_put32(rec + 8, (uint32_t)n);
    akira_medium_put32(rec + 12, (uint32_t)n);
    uint8_t *ph = rec + 16;
    ph[0] = (uint8_t)((a->freq - 2402) / 2); /* RF channel 0..39 */
    ph[1] = (uint8_t)a->power;               /* signal power (at the sender) */
    ph[2] = 0;
    ph[3] = 0;
    akira_medium_put32(ph + 4, a->aa);
    /* dewhitened, signal power valid, reference access address valid */
    akira_medium_put16(ph + 8, 0x0001 | 0x0002 | 0x0010);
    akira_medium_put32(ph + 10, a->aa);
    memcpy(ph + 14, a->data, a->len);
    fwrite(rec, 1, 16 + n, pcap);
    fflush(pcap);
}

static void deliver(struct air *a)
{
    a->delivered = true;
    struct akira_medium_tx others[AIR_MAX];
    for (int r = 0; r < NODES_MAX; r++) {
        struct node *rn = &nodes[r];
        if (rn->fd < 0 || rn->id == a->src || rn->id == 0) continue;
        int rssi = akira_medium_rssi(&params, a->power, a->x, a->y, rn->x, rn->y, a->freq);
        if (rssi < akira_medium_sensitivity(a->rate)) {
            n_range++;
            continue;
        }
        bool deaf = false;
        size_t k = 0;
        for (int i = 0; i < AIR_MAX; i++) {
            struct air *o = &air[i];
            if (!o->used || o == a || o->end <= a->start || o->start >= a->end) continue;
            if (o->src == rn->id) {
                deaf = true; /* half duplex: it was sending */
                break;
            }
            if (o->freq != a->freq) continue;
            others[k++] = (struct akira_medium_tx){
                o->start, o->end, o->freq,
                akira_medium_rssi(&params, o->power, o->x, o->y, rn->x, rn->y, o->freq)};
        }
        struct akira_medium_tx me = {a->start, a->end, a->freq, rssi};
        if (deaf || !akira_medium_survives(&params, &me, others, k)) {
            n_collide++;
            continue;
        }
        if (akira_medium_lost(&params, a->src, rn->id, a->seq, rssi, a->rate)) {
            n_lost++;
            continue;
        }
        uint8_t m[AKIRA_MEDIUM_MSG_MAX];
        m[0] = AKIRA_MEDIUM_RX;
        akira_medium_put16(m + 1, a->freq);
        m[3] = a->rate;
        m[4] = (uint8_t)(int8_t)rssi;
        m[5] = akira_medium_lqi(rssi, a->rate);
        akira_medium_put32(m + 6, a->aa);
        akira_medium_put32(m + 10, a->src);
        memcpy(m + AKIRA_MEDIUM_RX_HDR, a->data, a->len);
        send_msg(rn, m, AKIRA_MEDIUM_RX_HDR + a->len);
        rn->rx++;
        n_rx++;
    }
}

static void on_tx(struct node *n, const uint8_t *m, size_t len)
{
    if (len <= AKIRA_MEDIUM_TX_HDR || len > AKIRA_MEDIUM_TX_HDR + AKIRA_RADIO_FRAME_MAX) return;
    int slot = -1;
    uint64_t oldest = UINT64_MAX;
    for (int i = 0; i < AIR_MAX; i++) {
        if (!air[i].used) {
            slot = i;
            break;
        }
        if (air[i].delivered && air[i].end < oldest) {
            oldest = air[i].end;
            slot = i;
        }
    }
    if (slot < 0) return; /* the air is full of undelivered frames: this one is lost */
    struct air *a = &air[slot];
    memset(a, 0, sizeof(*a));
    a->used = true;
    a->src = n->id;
    a->seq = n->tx_seq++;
    a->x = n->x;
    a->y = n->y;
    a->freq = akira_medium_get16(m + 1);
    a->rate = m[3];
    a->power = (int8_t)m[4];
    a->aa = akira_medium_get32(m + 5);
    a->len = (uint16_t)(len - AKIRA_MEDIUM_TX_HDR);
    memcpy(a->data, m + AKIRA_MEDIUM_TX_HDR, a->len);
    /* A node's frames follow each other in the air even when the broker reads two of
     * them in one go (it was busy): a radio sends one frame at a time. */
    uint64_t t = now_us();
    a->start = t > n->busy_until ? t : n->busy_until;
    a->end = a->start + akira_medium_airtime_us(a->rate, a->len);
    n->busy_until = a->end;
    n->tx++;
    n_tx++;
    pcap_write(a);
}

static void on_energy(struct node *n, const uint8_t *m, size_t len)
{
    if (len < 7) return;
    uint16_t freq = akira_medium_get16(m + 1);
    uint64_t t = now_us();
    int best = -127;
    for (int i = 0; i < AIR_MAX; i++) {
        struct air *a = &air[i];
        if (!a->used || a->freq != freq || a->src == n->id || t < a->start || t >= a->end) continue;
        int r = akira_medium_rssi(&params, a->power, a->x, a->y, n->x, n->y, a->freq);
        if (r > best) best = r;
    }
    uint8_t out[6] = {AKIRA_MEDIUM_ENERGY_A};
    memcpy(out + 1, m + 3, 4);
    out[5] = (uint8_t)(int8_t)best;
    send_msg(n, out, sizeof(out));
}

static void on_ctrl(struct node *n, const uint8_t *m, size_t len)
{
    char cmd[256], out[2048];
    size_t l = len - 1 < sizeof(cmd) - 1 ? len - 1 : sizeof(cmd) - 1;
    memcpy(cmd, m + 1, l);
    cmd[l] = '\0';
    double v, x, y;
    unsigned id;
    if (sscanf(cmd, "loss %lf", &v) == 1 && v >= 0 && v <= 1) {
        params.loss = v;
        snprintf(out, sizeof(out), "loss %.3f", v);
    } else if (sscanf(cmd, "pos %u %lf %lf", &id, &x, &y) == 3 && node_by_id(id)) {
        struct node *t = node_by_id(id);
        t->x = (int32_t)(x * 100);
        t->y = (int32_t)(y * 100);
        snprintf(out, sizeof(out), "node %u at %.2f,%.2f", id, x, y);
    } else if (strcmp(cmd, "nodes") == 0) {
        size_t o = 0;
        out[0] = '\0';
        for (int i = 0; i < NODES_MAX && o < sizeof(out) - 80; i++) {
            if (nodes[i].fd < 0 || nodes[i].id == 0) continue;
            o += (size_t)snprintf(out + o, sizeof(out) - o, "node %u at %.2f,%.2f tx %u rx %u\n",
                                  nodes[i].id, nodes[i].x / 100.0, nodes[i].y / 100.0, nodes[i].tx,
                                  nodes[i].rx);
        }
    } else if (strcmp(cmd, "stats") == 0) {
        snprintf(out, sizeof(out),
                 "tx %llu rx %llu collided %llu lost %llu out_of_range %llu loss %.3f seed %llu",
                 (unsigned long long)n_tx, (unsigned long long)n_rx, (unsigned long long)n_collide,
                 (unsigned long long)n_lost, (unsigned long long)n_range, params.loss,
                 (unsigned long long)params.seed);
    } else {
        snprintf(out, sizeof(out),
                 "error: unknown command '%s' (loss P | pos NODE X Y | nodes | "
                 "stats)",
                 cmd);
    }
    send_text(n, AKIRA_MEDIUM_CTRL_A, out);
}

static void on_hello(struct node *n, const uint8_t *m, size_t len)
{
    if (len < 13) {
        send_text(n, AKIRA_MEDIUM_REFUSED, "short hello");
        return;
    }
    uint32_t id = akira_medium_get32(m + 1);
    if (id == 0) {
        for (id = 1; node_by_id(id); id++) {
        }
    } else if (node_by_id(id)) {
        char t[64];
        snprintf(t, sizeof(t), "node id %u is taken", id);
        send_text(n, AKIRA_MEDIUM_REFUSED, t);
        return;
    }
    n->id = id;
    n->x = (int32_t)akira_medium_get32(m + 5);
    n->y = (int32_t)akira_medium_get32(m + 9);
    uint8_t w[13] = {AKIRA_MEDIUM_WELCOME};
    akira_medium_put32(w + 1, id);
    for (int i = 0; i < 8; i++)
        w[5 + i] = (uint8_t)(params.seed >> (8 * i));
    send_msg(n, w, sizeof(w));
}

static void on_msg(struct node *n, const uint8_t *m, size_t len)
{
    if (len == 0) return;
    if (m[0] == AKIRA_MEDIUM_CTRL) {
        on_ctrl(n, m, len);
        return;
    }
    if (m[0] == AKIRA_MEDIUM_HELLO) {
        if (n->id == 0) on_hello(n, m, len);
        return;
    }
    if (n->id == 0) return; /* nothing else before HELLO */
    switch (m[0]) {
    case AKIRA_MEDIUM_TX: on_tx(n, m, len); break;
    case AKIRA_MEDIUM_ENERGY: on_energy(n, m, len); break;
    case AKIRA_MEDIUM_POS:
        if (len >= 9) {
            n->x = (int32_t)akira_medium_get32(m + 1);
            n->y = (int32_t)akira_medium_get32(m + 5);
        }
        break;
    default: break;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: akira-radio [--seed N] [--exponent E] [--loss P] [--pcap FILE] SOCK\n"
                    "       akira-radio ctl SOCK loss P | pos NODE X Y | nodes | stats\n");
    return 2;
}

static int connect_sock(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int ctl(int argc, char **argv)
{
    if (argc < 4) return usage();
    int fd = connect_sock(argv[2]);
    if (fd < 0) {
        fprintf(stderr, "akira-radio: cannot reach the medium at %s: %s\n", argv[2],
                strerror(errno));
        return 1;
    }
    uint8_t m[256] = {AKIRA_MEDIUM_CTRL};
    size_t o = 1;
    for (int i = 3; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (o + l + 1 >= sizeof(m)) return usage();
        if (i > 3) m[o++] = ' ';
        memcpy(m + o, argv[i], l);
        o += l;
    }
    if (send(fd, m, o, 0) < 0) return 1;
    uint8_t r[2048 + 1];
    ssize_t n = recv(fd, r, sizeof(r) - 1, 0);
    close(fd);
    if (n < 1 || r[0] != AKIRA_MEDIUM_CTRL_A) return 1;
    r[n] = '\0';
    printf("%s\n", (char *)r + 1);
    return strncmp((char *)r + 1, "error", 5) == 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "ctl") == 0) return ctl(argc, argv);
    akira_medium_params_default(&params);
    const char *path = NULL, *pcap_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            params.seed = strtoull(argv[++i], &end, 0);
            if (*end) return usage();
        } else if (strcmp(a, "--exponent") == 0 && i + 1 < argc) {
            params.exponent = strtod(argv[++i], &end);
            if (*end || params.exponent < 1.5 || params.exponent > 6) return usage();
        } else if (strcmp(a, "--loss") == 0 && i + 1 < argc) {
            params.loss = strtod(argv[++i], &end);
            if (*end || params.loss < 0 || params.loss > 1) return usage();
        } else if (strcmp(a, "--pcap") == 0 && i + 1 < argc) {
            pcap_path = argv[++i];
        } else if (a[0] != '-' && !path) {
            path = a;
        } else {
            return usage();
        }
    }
    if (!path) return usage();
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "akira-radio: socket path too long\n");
        return 2;
    }
    strcpy(sa.sun_path, path);
    int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    unlink(path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 16) < 0) {
        fprintf(stderr, "akira-radio: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (pcap_path) pcap_open(pcap_path);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < NODES_MAX; i++)
        nodes[i].fd = -1;
    printf("akira-radio: listening on %s (seed %llu, exponent %.1f, loss %.3f)\n", path,
           (unsigned long long)params.seed, params.exponent, params.loss);
    fflush(stdout);

    while (!stop) {
        struct pollfd pf[NODES_MAX + 1];
        int map[NODES_MAX + 1];
        int np = 0;
        pf[np] = (struct pollfd){.fd = lfd, .events = POLLIN};
        map[np++] = -1;
        for (int i = 0; i < NODES_MAX; i++) {
            if (nodes[i].fd < 0) continue;
            pf[np] = (struct pollfd){.fd = nodes[i].fd, .events = POLLIN};
            map[np++] = i;
        }
        uint64_t t = now_us(), next = t + 100000;
        for (int i = 0; i < AIR_MAX; i++)
            if (air[i].used && !air[i].delivered && air[i].end < next) next = air[i].end;
        uint64_t wait = next > t ? next - t : 0;
        struct timespec ts = {(time_t)(wait / 1000000u), (long)(wait % 1000000u) * 1000};
        int rc = ppoll(pf, (nfds_t)np, &ts, NULL);
        if (rc < 0 && errno != EINTR) break;
        if (rc > 0) {
            if (pf[0].revents & POLLIN) {
                int fd = accept(lfd, NULL, NULL);
                int i;
                for (i = 0; fd >= 0 && i < NODES_MAX && nodes[i].fd >= 0; i++) {
                }
                if (fd >= 0 && i < NODES_MAX) {
                    memset(&nodes[i], 0, sizeof(nodes[i]));
                    nodes[i].fd = fd;
                } else if (fd >= 0) {
                    close(fd);
                }
            }
            for (int k = 1; k < np; k++) {
                if (!pf[k].revents) continue;
                struct node *n = &nodes[map[k]];
                uint8_t m[AKIRA_MEDIUM_MSG_MAX + 16];
                ssize_t l = recv(n->fd, m, sizeof(m), MSG_DONTWAIT);
                if (l <= 0 && !(l < 0 && (errno == EAGAIN || errno == EINTR))) {
                    close(n->fd);
                    n->fd = -1;
                    n->id = 0;
                    continue;
                }
                if (l > 0) on_msg(n, m, (size_t)l);
            }
        }
        t = now_us();
        for (;;) { /* the ended transmissions, in the order they ended */
            struct air *first = NULL;
            for (int i = 0; i < AIR_MAX; i++)
                if (air[i].used && !air[i].delivered && air[i].end <= t &&
                    (!first || air[i].end < first->end))
                    first = &air[i];
            if (!first) break;
            deliver(first);
        }
        for (int i = 0; i < AIR_MAX; i++)
            if (air[i].used && air[i].delivered && air[i].end + KEEP_US < t) air[i].used = false;
    }
    unlink(path);
    if (pcap) fclose(pcap);
    return 0;
}

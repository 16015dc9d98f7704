/* mix: a CoreMark-like mix written for AkiraOS - linked-list search/reverse/sort,
 * integer matrix multiply, a number-parsing state machine and CRC-16 over the results,
 * repeated; the checksum chains the CRCs. */
#include "bench.h"

/* ---- linked list ---- */
#define NODES 256

typedef struct node {
    struct node *next;
    int16_t key, val;
} node;

static node pool[NODES];

static node *list_build(uint32_t seed)
{
    node *head = 0;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].key = (int16_t)((seed >> 16) & 0x3ff);
        pool[i].val = (int16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static node *list_reverse(node *l)
{
    node *r = 0;
    while (l) {
        node *n = l->next;
        l->next = r;
        r = l;
        l = n;
    }
    return r;
}

static const node *list_find(const node *l, int16_t key)
{
    while (l && l->key != key)
        l = l->next;
    return l;
}

/* bottom-up merge sort by key: pointer chasing and unpredictable branches */
static node *list_sort(node *l)
{
    for (int width = 1;; width *= 2) {
        node *p = l, *tail = 0, *head = 0;
        int merges = 0;
        while (p) {
            merges++;
            node *q = p;
            int ps = 0, qs = width;
            while (ps < width && q)
                ps++, q = q->next;
            while (ps > 0 || (qs > 0 && q)) {
                node *e;
                if (ps == 0)
                    e = q, q = q->next, qs--;
                else if (qs == 0 || !q || p->key <= q->key)
                    e = p, p = p->next, ps--;
                else
                    e = q, q = q->next, qs--;
                if (tail)
                    tail->next = e;
                else
                    head = e;
                tail = e;
            }
            p = q;
        }
        tail->next = 0;
        l = head;
        if (merges <= 1) return l;
    }
}

/* ---- matrix ---- */
#define N 24

static int16_t ma[N][N], mb[N][N];
static int32_t mc[N][N];

static uint32_t matrix(uint32_t seed)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            seed = seed * 1664525u + 1013904223u;
            ma[i][j] = (int16_t)(seed >> 20);
            mb[i][j] = (int16_t)((seed >> 8) & 0xfff);
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h += (uint32_t)mc[i][j] >> (j & 7);
    return h;
}

/* ---- state machine: classify comma-separated tokens ---- */
enum { S_START, S_INT, S_SIGN, S_FLOAT, S_EXP, S_EXP_SIGN, S_SCI, S_BAD, S_COUNT };

static const char input[] = "5012,1.23e-4,-190,+.5,abc,3.14159,-0.0e+10,77x,12e3,-,0,+1.e2,,"
                            "99999,1e,-3.5E7,7.,x1,42,-42,0.001,1.5e+-2,256,3e8,";

static uint32_t state_machine(int rounds)
{
    uint32_t counts[S_COUNT] = {0};
    for (int r = 0; r < rounds; r++) {
        int s = S_START;
        for (const char *p = input; *p; p++) {
            char c = *p;
            if (c == ',') {
                counts[s]++;
                s = S_START;
                continue;
            }
            int digit = c >= '0' && c <= '9';
            switch (s) {
            case S_START:
                s = digit ? S_INT : (c == '+' || c == '-') ? S_SIGN : c == '.' ? S_FLOAT : S_BAD;
                break;
            case S_SIGN: s = digit ? S_INT : c == '.' ? S_FLOAT : S_BAD; break;
            case S_INT:
                s = digit ? S_INT : c == '.' ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_BAD;
                break;
            case S_FLOAT: s = digit ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_BAD; break;
            case S_EXP: s = digit ? S_SCI : (c == '+' || c == '-') ? S_EXP_SIGN : S_BAD; break;
            case S_EXP_SIGN: s = digit ? S_SCI : S_BAD; break;
            case S_SCI: s = digit ? S_SCI : S_BAD; break;
            default: break;
            }
        }
    }
    uint32_t h = 0;
    for (int i = 0; i < S_COUNT; i++)
        h = h * 131 + counts[i];
    return h;
}

/* ---- CRC-16/CCITT, bitwise ---- */
static uint16_t crc16(uint16_t crc, uint32_t v)
{
    for (int i = 0; i < 32; i++) {
        int bit = ((v >> i) & 1) ^ (crc >> 15);
        crc = (uint16_t)(crc << 1);
        if (bit) crc ^= 0x1021;
    }
    return crc;
}

uint32_t bench(void)
{
    uint16_t crc = 0xffff;
    for (uint32_t it = 0; it < 400; it++) {
        node *l = list_build(it);
        l = list_reverse(l);
        uint32_t found = 0;
        for (int16_t k = 0; k < 64; k++) {
            const node *n = list_find(l, (int16_t)(k * 13 + (int16_t)it));
            found += n ? (uint32_t)n->val : 1u;
        }
        l = list_sort(l);
        uint32_t order = 0;
        for (const node *n = l; n; n = n->next)
            order = order * 3 + (uint32_t)n->key;
        crc = crc16(crc, found);
        crc = crc16(crc, order);
        crc = crc16(crc, matrix(it));
        crc = crc16(crc, state_machine(4));
    }
    return crc;
}

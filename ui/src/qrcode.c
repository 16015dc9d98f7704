/*
 * QR code widget: byte-mode encoding, versions 1..5 at error-correction level L (one
 * Reed-Solomon block each, up to 106 bytes of data), the mask with the lowest penalty
 * (ISO/IEC 18004 rules 1-4), drawn scaled to the widget.
 */
#include "ui_priv.h"

#define QR_MAX_V    5
#define QR_MAX_SIZE (17 + 4 * QR_MAX_V)

typedef struct {
    uint8_t size; /* modules per side, 0 when there is no valid code */
    uint8_t dark[(QR_MAX_SIZE * QR_MAX_SIZE + 7) / 8];
} qr_t;

/* data and EC codewords per version at level L */
static const uint8_t qr_data_cw[QR_MAX_V + 1] = {0, 19, 34, 55, 80, 108};
static const uint8_t qr_ec_cw[QR_MAX_V + 1] = {0, 7, 10, 15, 20, 26};

typedef struct {
    int size;
    uint8_t m[QR_MAX_SIZE][QR_MAX_SIZE]; /* bit 0 dark, bit 1 function module */
} grid_t;

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1) r ^= a;
        b >>= 1;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1D : 0));
    }
    return r;
}

/* Reed-Solomon remainder of data[n] by the generator of degree ec. */
static void rs_ec(const uint8_t *data, int n, int ec, uint8_t *out)
{
    uint8_t gen[32] = {1}; /* coefficients, highest first after the implicit leading 1 */
    int deg = 0;
    uint8_t root = 1;
    memset(gen, 0, sizeof gen);
    gen[0] = 1;
    for (int i = 0; i < ec; i++) { /* multiply by (x - root) */
        for (int j = deg + 1; j > 0; j--)
            gen[j] = gen[j] ^ gf_mul(gen[j - 1], root);
        deg++;
        root = gf_mul(root, 2);
    }
    memset(out, 0, (size_t)ec);
    for (int i = 0; i < n; i++) {
        uint8_t f = data[i] ^ out[0];
        memmove(out, out + 1, (size_t)(ec - 1));
        out[ec - 1] = 0;
        for (int j = 0; j < ec; j++)
            out[j] ^= gf_mul(gen[j + 1], f);
    }
}

static void setf(grid_t *g, int r, int c, int dark)
{
    if (r < 0 || c < 0 || r >= g->size || c >= g->size) return;
    g->m[r][c] = (uint8_t)(2 | (dark ? 1 : 0));
}

static void finder(grid_t *g, int r0, int c0)
{
    for (int r = -1; r <= 7; r++)
        for (int c = -1; c <= 7; c++) {
            int d =
                (r >= 0 && r <= 6 && c >= 0 && c <= 6) &&
                (r == 0 || r == 6 || c == 0 || c == 6 || (r >= 2 && r <= 4 && c >= 2 && c <= 4));
            setf(g, r0 + r, c0 + c, d);
        }
}

static void format_bits(grid_t *g, int mask)
{
    int data = (1 << 3) | mask; /* level L = 01 */
    int rem = data << 10;
    for (int i = 14; i >= 10; i--)
        if (rem & (1 << i)) rem ^= 0x537 << (i - 10);
    int bits = ((data << 10) | rem) ^ 0x5412, n = g->size;
    for (int i = 0; i < 15; i++) {
        int b = (bits >> i) & 1;
        /* around the top-left finder */
        if (i < 6)
            setf(g, i, 8, b);
        else if (i == 6)
            setf(g, 7, 8, b);
        else if (i == 7)
            setf(g, 8, 8, b);
        else if (i == 8)
            setf(g, 8, 7, b);
        else
            setf(g, 8, 14 - i, b);
        /* the copy split between the other two finders */
        if (i < 8)
            setf(g, 8, n - 1 - i, b);
        else
            setf(g, n - 15 + i, 8, b);
    }
    setf(g, n - 8, 8, 1); /* the dark module */
}

static void function_patterns(grid_t *g, int v)
{
    int n = g->size;
    memset(g->m, 0, sizeof g->m);
    for (int i = 0; i < n; i++) {
        setf(g, 6, i, i % 2 == 0);
        setf(g, i, 6, i % 2 == 0);
    }
    finder(g, 0, 0);
    finder(g, 0, n - 7);
    finder(g, n - 7, 0);
    if (v >= 2) {
        int p = 4 * v + 10;
        for (int r = -2; r <= 2; r++)
            for (int c = -2; c <= 2; c++)
                setf(g, p + r, p + c, (r == -2 || r == 2 || c == -2 || c == 2 || (!r && !c)));
    }
    format_bits(g, 0); /* reserves the format area; rewritten with the chosen mask */
}

static int mask_bit(int mask, int r, int c)
{
    switch (mask) {
    case 0: return (r + c) % 2 == 0;
    case 1: return r % 2 == 0;
    case 2: return c % 3 == 0;
    case 3: return (r + c) % 3 == 0;
    case 4: return (r / 2 + c / 3) % 2 == 0;
    case 5: return (r * c) % 2 + (r * c) % 3 == 0;
    case 6: return ((r * c) % 2 + (r * c) % 3) % 2 == 0;
    default: return ((r + c) % 2 + (r * c) % 3) % 2 == 0;
    }
}

static void place_data(grid_t *g, const uint8_t *cw, int ncw)
{
    int n = g->size, bit = 0, total = ncw * 8;
    for (int right = n - 1; right >= 1; right -= 2) {
        if (right == 6) right = 5;
        for (int k = 0; k < n; k++) {
            int upward = ((right + 1) & 2) == 0;
            int r = upward ? n - 1 - k : k;
            for (int j = 0; j < 2; j++) {
                int c = right - j;
                if (g->m[r][c] & 2) continue;
                int d = bit < total ? (cw[bit >> 3] >> (7 - (bit & 7))) & 1 : 0;
                g->m[r][c] = (uint8_t)d;
                bit++;
            }
        }
    }
}

static void apply_mask(grid_t *g, int mask)
{
    for (int r = 0; r < g->size; r++)
        for (int c = 0; c < g->size; c++)
            if (!(g->m[r][c] & 2) && mask_bit(mask, r, c)) g->m[r][c] ^= 1;
}

static int dark(const grid_t *g, int r, int c)
{
    return g->m[r][c] & 1;
}

static long penalty(const grid_t *g)
{
    int n = g->size;
    long p = 0, ndark = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < n; a++) {
            int run = 1;
            for (int b = 1; b <= n; b++) {
                int same = b < n && (pass ? dark(g, b, a) == dark(g, b - 1, a)
                                          : dark(g, a, b) == dark(g, a, b - 1));
                if (same) {
                    run++;
                } else {
                    if (run >= 5) p += 3 + run - 5;
                    run = 1;
                }
            }
            /* rule 3: 1:1:3:1:1 with four light modules on one side */
            static const uint8_t pat[11] = {1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0};
            for (int b = 0; b + 11 <= n; b++) {
                int f = 1, rv = 1;
                for (int k = 0; k < 11; k++) {
                    int d = pass ? dark(g, b + k, a) : dark(g, a, b + k);
                    f &= d == pat[k];
                    rv &= d == pat[10 - k];
                }
                p += 40 * (f + rv);
            }
        }
    for (int r = 0; r + 1 < n; r++)
        for (int c = 0; c + 1 < n; c++) {
            int d = dark(g, r, c);
            if (d == dark(g, r + 1, c) && d == dark(g, r, c + 1) && d == dark(g, r + 1, c + 1))
                p += 3;
        }
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
            ndark += dark(g, r, c);
    long pct = ndark * 100 / ((long)n * n);
    p += 10 * ((pct > 50 ? pct - 50 : 50 - pct) / 5);
    return p;
}

/* Encode bytes; returns the version or a negative error. */
static int qr_encode(const uint8_t *s, int len, grid_t *g)
{
    int v = 1;
    while (v <= QR_MAX_V && len + 2 > qr_data_cw[v])
        v++;
    if (v > QR_MAX_V) return AKIRA_ETOOBIG;
    uint8_t cw[108 + 26];
    int nd = qr_data_cw[v], ec = qr_ec_cw[v], bit = 0;
    memset(cw, 0, sizeof cw);
#define PUT(val, nb)                                                                               \
    for (int i_ = (nb)-1; i_ >= 0; i_--, bit++)                                                    \
        if (((val) >> i_) & 1) cw[bit >> 3] |= (uint8_t)(0x80 >> (bit & 7));
    PUT(4, 4);
    PUT(len, 8);
    for (int i = 0; i < len; i++) {
        PUT(s[i], 8);
    }
#undef PUT
    bit += 4; /* terminator (already zero), may run into padding */
    int used = (bit + 7) / 8;
    if (used > nd) used = nd;
    for (int i = used, k = 0; i < nd; i++, k++)
        cw[i] = k % 2 ? 0x11 : 0xEC;
    rs_ec(cw, nd, ec, cw + nd);
    g->size = 17 + 4 * v;
    long best = -1;
    int best_mask = 0;
    for (int m = 0; m < 8; m++) {
        function_patterns(g, v);
        place_data(g, cw, nd + ec);
        apply_mask(g, m);
        format_bits(g, m);
        long p = penalty(g);
        if (best < 0 || p < best) best = p, best_mask = m;
    }
    function_patterns(g, v);
    place_data(g, cw, nd + ec);
    apply_mask(g, best_mask);
    format_bits(g, best_mask);
    return v;
}

static void qr_update(akira_ui_obj_t *o)
{
    qr_t *q = EXT(o, qr_t);
    static grid_t g; /* one UI thread; too big for an MCU stack */
    memset(q->dark, 0, sizeof q->dark);
    q->size = 0;
    if (!o->text) return;
    if (qr_encode((const uint8_t *)o->text, (int)strlen(o->text), &g) < 0) return;
    q->size = (uint8_t)g.size;
    for (int r = 0; r < g.size; r++)
        for (int c = 0; c < g.size; c++)
            if (g.m[r][c] & 1)
                q->dark[(r * g.size + c) / 8] |= (uint8_t)(1 << ((r * g.size + c) % 8));
}

static int qr_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    (void)v;
    if (p != AKIRA_UI_P_COUNT_) return AKIRA_ENOTSUP;
    qr_update(o); /* the text changed */
    return AKIRA_OK;
}

static int qr_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    *v = EXT(o, qr_t)->size; /* modules per side, 0 if the text does not fit */
    return AKIRA_OK;
}

static void qr_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    int32_t n = EXT(o, qr_t)->size;
    *w = *h = n ? n * 3 : 64;
}

static void qr_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    qr_t *q = EXT(o, qr_t);
    ui_draw_bg(o, dc, a);
    if (!q->size) return;
    akira_area_t c = ui_content(o, a);
    int32_t side = akira_area_w(&c) < akira_area_h(&c) ? akira_area_w(&c) : akira_area_h(&c);
    int32_t s = side / q->size;
    if (s < 1) s = 1;
    int32_t x0 = c.x1 + (akira_area_w(&c) - s * q->size) / 2;
    int32_t y0 = c.y1 + (akira_area_h(&c) - s * q->size) / 2;
    for (int32_t r = 0; r < q->size; r++)
        for (int32_t k = 0; k < q->size; k++) {
            int32_t i = r * q->size + k;
            if (!(q->dark[i / 8] & (1 << (i % 8)))) continue;
            akira_area_t m = {(int16_t)(x0 + k * s), (int16_t)(y0 + r * s),
                              (int16_t)(x0 + (k + 1) * s - 1), (int16_t)(y0 + (r + 1) * s - 1)};
            akira_gfx_fill(dc->g, &m, o->st.fg);
        }
}

const cls_t ui_qrcode_cls = {.type = AKIRA_UI_QRCODE,
                             .ext = sizeof(qr_t),
                             .draw = qr_draw,
                             .content = qr_content,
                             .set = qr_set,
                             .get = qr_get};

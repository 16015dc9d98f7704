/*
 * game: a coin collector that draws itself. The D-pad moves the player one cell, B
 * starts over; eight coins lie at places a fixed seed picks, so a replayed session
 * ends on the same picture. The whole frame is redrawn at a steady 30 frames per
 * second (the loop sleeps what is left of each 33 ms), and every 5 s the app logs the
 * rate it kept. It draws only while it owns the display (AKIRA_EVENT_FOCUS).
 */
#include <akira/akira.h>

#define CELL     20
#define COLS     16
#define ROWS     11
#define TOP      20 /* HUD height */
#define COINS    8
#define FRAME_MS 33

static uint8_t wall[ROWS][COLS];
static int8_t coin_x[COINS], coin_y[COINS];
static uint8_t coin_taken[COINS];
static int px, py, score, left;

static uint32_t seed;
static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFFu;
}

static void level(void)
{
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++)
            wall[y][x] = (x == 0 || y == 0 || x == COLS - 1 || y == ROWS - 1) ||
                         (x % 4 == 2 && y % 3 == 2) || (x == 8 && y > 3 && y < 8);
    seed = 7;
    for (int i = 0; i < COINS; i++) {
        int x, y;
        do {
            x = 1 + (int)(rnd() % (COLS - 2));
            y = 1 + (int)(rnd() % (ROWS - 2));
        } while (wall[y][x] || (x == 1 && y == 1));
        coin_x[i] = (int8_t)x;
        coin_y[i] = (int8_t)y;
        coin_taken[i] = 0;
    }
    px = 1;
    py = 1;
    score = 0;
    left = COINS;
}

static void move(int dx, int dy)
{
    int nx = px + dx, ny = py + dy;
    if (nx < 0 || ny < 0 || nx >= COLS || ny >= ROWS || wall[ny][nx]) return;
    px = nx;
    py = ny;
    for (int i = 0; i < COINS; i++)
        if (!coin_taken[i] && coin_x[i] == px && coin_y[i] == py) {
            coin_taken[i] = 1;
            score += 10;
            left--;
            akira_printf("coin at %d,%d: score %d\n", px, py, score);
        }
}

static uint32_t fmt(char *out, const char *label, int v)
{
    uint32_t n = 0;
    while (label[n]) {
        out[n] = label[n];
        n++;
    }
    char tmp[12];
    int k = 0;
    do
        tmp[k++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (k)
        out[n++] = tmp[--k];
    return n;
}

/* The whole frame; AKIRA_EBUSY when another app owns the display (nothing drawn). */
static int32_t draw(void)
{
    int32_t rc = akira_display_clear(AKIRA_RGB565(16, 24, 40));
    if (rc) return rc;
    akira_display_rect(0, 0, 320, TOP, AKIRA_RGB565(40, 48, 72));
    char buf[24];
    uint32_t n = fmt(buf, "Score ", score);
    akira_display_text(6, 2, buf, n, 16, AKIRA_WHITE);
    n = fmt(buf, "Coins left ", left);
    akira_display_text(200, 2, buf, n, 16, AKIRA_YELLOW);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++)
            if (wall[y][x])
                akira_display_rect(x * CELL, TOP + y * CELL, CELL, CELL, AKIRA_RGB565(70, 90, 130));
    for (int i = 0; i < COINS; i++)
        if (!coin_taken[i])
            akira_display_circle_fill(coin_x[i] * CELL + CELL / 2,
                                      TOP + coin_y[i] * CELL + CELL / 2, 6, AKIRA_YELLOW);
    akira_display_rounded_rect_fill(px * CELL + 2, TOP + py * CELL + 2, CELL - 4, CELL - 4, 5,
                                    AKIRA_RGB565(80, 220, 120));
    if (left == 0) {
        akira_display_rounded_rect_fill(80, 100, 160, 44, 10, AKIRA_RGB565(30, 30, 30));
        akira_display_text(112, 110, "You win!", 8, 24, AKIRA_GREEN);
    }
    return akira_display_flush();
}

__attribute__((export_name("main"))) int app_main(void)
{
    level();
    int front = 1, frames = 0;
    int64_t next = akira_uptime_ms(), window = next;
    for (;;) {
        struct akira_event ev;
        while (akira_event_poll(&ev) == 1) {
            if (ev.type == AKIRA_EVENT_STOP) return 0;
            if (ev.type == AKIRA_EVENT_FOCUS) front = (int)ev.a;
            if (ev.type != AKIRA_EVENT_INPUT || AKIRA_INPUT_KIND(ev.a) != AKIRA_INPUT_BUTTON ||
                !AKIRA_INPUT_PRESSED(ev.a))
                continue;
            switch (AKIRA_INPUT_BUTTON_OF(ev.a)) {
            case AKIRA_BTN_UP: move(0, -1); break;
            case AKIRA_BTN_DOWN: move(0, 1); break;
            case AKIRA_BTN_LEFT: move(-1, 0); break;
            case AKIRA_BTN_RIGHT: move(1, 0); break;
            case AKIRA_BTN_B: level(); break;
            default: break;
            }
        }
        if (front && draw() == AKIRA_EBUSY) front = 0;
        frames++;
        int64_t now = akira_uptime_ms();
        if (now - window >= 5000) {
            akira_printf("fps %d\n", (int)(frames * 1000 / (now - window)));
            frames = 0;
            window = now;
        }
        next += FRAME_MS;
        if (next < now) next = now; /* late: do not race to catch up */
        akira_delay((int32_t)(next - now));
    }
}

/* A console game written the way upstream AkiraOS's console apps are: it owns its
 * loop (draw, flush, delay in microseconds, poll input), reads LEFT/RIGHT from the
 * input event queue, fires with the A button read as a GPIO pin (core firmware
 * wiring: pull-down, active high), and hands over to the launcher on B. Each shot
 * removes the lowest alien of the ship's column. Logs its frame rate every 2 s. */
#include "up_env.h"

#define COLS  8
#define ROWS  3
#define PIN_A 15

static unsigned char alive[ROWS][COLS];
static int ship = 3; /* column */
static int score;

static void draw(void)
{
    display_clear(C_BLACK);
    display_rect(0, 0, 320, 20, 0x2104u);
    display_text_large(4, 1, "INVADERS", C_CYAN);
    display_text(200, 5, "SCORE", C_WHITE);
    display_number(250, 5, score, C_YELLOW);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++)
            if (alive[r][c])
                display_rect(20 + c * 36, 40 + r * 24, 24, 14, r == 0 ? C_RED : C_GREEN);
    int x = 32 + ship * 36;
    display_triangle_fill(x - 12, 215, x + 12, 215, x, 195, C_CYAN);
    display_hline(0, 220, 320, C_GRAY);
    display_flush();
}

static void fire(void)
{
    for (int r = ROWS - 1; r >= 0; r--)
        if (alive[r][ship]) {
            alive[r][ship] = 0;
            score += 10;
            printf("hit column %d row %d: score %d\n", ship, r, score);
            return;
        }
    printf("miss column %d\n", ship);
}

int main(void)
{
    memset(alive, 1, sizeof alive);
    gpio_configure(PIN_A, UP_GPIO_INPUT | UP_GPIO_PULL_DOWN);
    int t = timer_create();
    timer_start(t);
    int frames = 0, a_was = 0;
    printf_native("invaders ready");
    for (;;) {
        up_input_event_t ev;
        while (input_poll_event(&ev, sizeof ev) == 1) {
            if (!ev.pressed) continue;
            if (ev.button_id == UP_KEY_LEFT && ship > 0) ship--;
            if (ev.button_id == UP_KEY_RIGHT && ship < COLS - 1) ship++;
        }
        int a = gpio_read(PIN_A);
        if (a == 1 && !a_was) fire();
        a_was = a == 1;
        if (input_get_buttons() & (1 << UP_KEY_B)) {
            printf_native("invaders: back to the launcher");
            app_switch("launcher");
            return 0;
        }
        draw();
        frames++;
        int ms = timer_elapsed(t);
        if (ms >= 2000) {
            printf("fps %d\n", frames * 1000 / ms);
            frames = 0;
            timer_start(t);
        }
        delay(33333); /* 30 frames per second */
    }
}

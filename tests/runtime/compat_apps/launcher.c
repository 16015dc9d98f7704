/* A launcher in upstream AkiraOS's style: lists the installed apps with app_list, moves
 * a selection with UP/DOWN (input_get_buttons, edges derived by the app), and on A
 * switches to the selected app with app_switch and returns from main. */
#include "up_env.h"

static char list[512];
static char names[16][32];
static int n, sel;

static void parse(void)
{
    n = 0;
    const char *p = list;
    while (*p && n < 16) {
        int i = 0;
        while (*p && *p != ':' && i < 31)
            names[n][i++] = *p++;
        names[n][i] = 0;
        while (*p && *p != '\n')
            p++;
        if (*p) p++;
        if (strcmp(names[n], "launcher") != 0) n++;
    }
}

static void draw(void)
{
    display_clear(C_BLACK);
    display_rect(0, 0, 320, 20, 0x2104u);
    display_text(4, 5, "APPS", C_WHITE);
    for (int i = 0; i < n; i++) {
        if (i == sel) display_rect(0, 25 + i * 25, 320, 25, C_BLUE);
        display_text_large(8, 28 + i * 25, names[i], C_WHITE);
    }
    display_flush();
}

int main(void)
{
    int count = app_list(list, sizeof list);
    parse();
    printf("launcher: %d apps\n", count);
    for (int i = 0; i < n; i++)
        printf("app %s\n", names[i]);
    int prev = input_get_buttons();
    for (;;) {
        int now = input_get_buttons();
        int pressed = now & ~prev;
        prev = now;
        if ((pressed & (1 << UP_KEY_DOWN)) && sel < n - 1) sel++;
        if ((pressed & (1 << UP_KEY_UP)) && sel > 0) sel--;
        if ((pressed & (1 << UP_KEY_A)) && n > 0) {
            printf("launcher: switch to %s\n", names[sel]);
            app_switch(names[sel]);
            return 0;
        }
        draw();
        delay(20000);
    }
}

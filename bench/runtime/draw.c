/* Bench app: n drawing calls through the bridge against an empty loop of n iterations,
 * and whole frames (clear + flush). */
#include <akira/display.h>

__attribute__((export_name("loop_empty"))) int loop_empty(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i;
    return s;
}

__attribute__((export_name("loop_pixel"))) int loop_pixel(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i + akira_display_pixel(i & 255, 100, (uint32_t)i);
    return s;
}

__attribute__((export_name("loop_rect"))) int loop_rect(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i + akira_display_rect(i & 255, 40, 32, 32, (uint32_t)i);
    return s;
}

__attribute__((export_name("loop_text"))) int loop_text(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i + akira_display_text(i & 127, 120, "Hello, AkiraOS", 14, 16, 0xFFFFu);
    return s;
}

__attribute__((export_name("loop_frame"))) int loop_frame(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += akira_display_clear((uint32_t)i) + akira_display_flush();
    return s;
}

__attribute__((export_name("main"))) int main(void)
{
    return 0;
}

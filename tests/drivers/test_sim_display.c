/*
 * native_sim display0 and input0 through their class APIs and bench sides: an area
 * written reads back and shows in the change log and the PNG (decoded again with
 * libpng); every area off the panel, bad pitch or short buffer is refused with no pixel
 * changed; blanking and brightness change what a person sees, not the memory. Buttons
 * and touch queue timestamped events, repeats queue nothing, a full queue drops and
 * counts; the action words and script files are checked before anything is done.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <akira/clock.h>
#include <akira/drivers/display.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/input.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *disp, *in;

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    disp = akira_driver_get(AKIRA_DRIVER_DISPLAY, "display0");
    in = akira_driver_get(AKIRA_DRIVER_INPUT, "input0");
    return disp && in && akira_display_default() == disp && akira_input_default() == in ? 0 : -1;
}

static void test_caps(void **state)
{
    (void)state;
    struct akira_display_caps c;
    assert_int_equal(akira_display_caps_get(disp, &c), 0);
    assert_int_equal(c.width, 320);
    assert_int_equal(c.height, 240);
    assert_int_equal(c.format, AKIRA_DISPLAY_RGB565);
    assert_true(c.supported_formats & AKIRA_DISPLAY_RGB565);
    assert_string_equal(akira_driver_class_name(AKIRA_DRIVER_DISPLAY), "display");
    assert_string_equal(akira_driver_class_name(AKIRA_DRIVER_INPUT), "input");
}

static void test_write_read_back(void **state)
{
    (void)state;
    uint16_t px[4 * 3];
    for (int i = 0; i < 12; i++)
        px[i] = (uint16_t)(0x1000 + i);
    struct akira_sim_display_info before, after;
    akira_sim_display_info(&before);
    struct akira_display_buf d = {.width = 3, .height = 3, .pitch = 4, .buf_size = sizeof px};
    assert_int_equal(akira_display_write(disp, 317, 237, &d, px), 0); /* the last corner */
    akira_sim_display_info(&after);
    assert_int_equal(after.seq, before.seq + 1);
    uint16_t back[9] = {0};
    struct akira_display_buf r = {.width = 3, .height = 3, .pitch = 3, .buf_size = sizeof back};
    assert_int_equal(akira_display_read(disp, 317, 237, &r, back), 0);
    for (int row = 0; row < 3; row++)
        for (int col = 0; col < 3; col++)
            assert_int_equal(back[row * 3 + col], px[row * 4 + col]);
    struct akira_display_area a[4];
    uint64_t now;
    assert_int_equal(akira_sim_display_changes(before.seq, 0, a, 4, &now), 1);
    assert_int_equal(now, after.seq);
    assert_int_equal(a[0].x, 317);
    assert_int_equal(a[0].y, 237);
    assert_int_equal(a[0].w, 3);
    assert_int_equal(a[0].h, 3);
    /* Nothing new: an immediate answer of none, or a wait that times out. */
    assert_int_equal(akira_sim_display_changes(now, 0, a, 4, &now), 0);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_sim_display_changes(now, 50, a, 4, &now), 0);
    assert_true(akira_uptime_ms() - t0 >= 45);
    /* A number from before a reboot, or more changes than asked for: the whole panel. */
    assert_int_equal(akira_sim_display_changes(now + 100, 0, a, 4, &now), 1);
    assert_int_equal(a[0].w, 320);
    assert_int_equal(a[0].h, 240);
}

static void test_bad_areas_change_nothing(void **state)
{
    (void)state;
    uint16_t px[16];
    memset(px, 0xAB, sizeof px);
    struct akira_sim_display_info before, after;
    akira_sim_display_info(&before);
    struct akira_display_buf d = {.width = 2, .height = 2, .pitch = 2, .buf_size = 8};
    assert_int_equal(akira_display_write(disp, 319, 0, &d, px), AKIRA_EINVAL); /* right edge */
    assert_int_equal(akira_display_write(disp, 0, 239, &d, px), AKIRA_EINVAL); /* bottom */
    assert_int_equal(akira_display_write(disp, 0xFFFF, 0, &d, px), AKIRA_EINVAL);
    d.buf_size = 7; /* one byte short */
    assert_int_equal(akira_display_write(disp, 0, 0, &d, px), AKIRA_EINVAL);
    d = (struct akira_display_buf){.width = 2, .height = 2, .pitch = 1, .buf_size = 32};
    assert_int_equal(akira_display_write(disp, 0, 0, &d, px), AKIRA_EINVAL); /* pitch < w */
    d = (struct akira_display_buf){.width = 0, .height = 2, .pitch = 2, .buf_size = 32};
    assert_int_equal(akira_display_write(disp, 0, 0, &d, px), AKIRA_EINVAL);
    d = (struct akira_display_buf){.width = 2, .height = 2, .pitch = 2, .buf_size = 32};
    assert_int_equal(akira_display_write(disp, 0, 0, NULL, px), AKIRA_EINVAL);
    assert_int_equal(akira_display_write(disp, 0, 0, &d, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_display_read(disp, 320, 0, &d, px), AKIRA_EINVAL);
    assert_int_equal(akira_display_write(NULL, 0, 0, &d, px), AKIRA_ENODEV);
    akira_sim_display_info(&after);
    assert_int_equal(after.seq, before.seq);
}

struct mem {
    uint8_t *p;
    size_t n;
};

static int mem_write(void *ctx, const void *data, size_t len)
{
    struct mem *m = ctx;
    m->p = realloc(m->p, m->n + len);
    memcpy(m->p + m->n, data, len);
    m->n += len;
    return 0;
}

static int fail_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return AKIRA_ECONNRESET;
}

/* Decodes a PNG into 8-bit RGB rows; returns width*height*3 bytes (caller frees). */
static uint8_t *png_decode(const uint8_t *data, size_t n, uint32_t *w, uint32_t *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, n)) return NULL;
    img.format = PNG_FORMAT_RGB;
    uint8_t *out = malloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, out, 0, NULL)) {
        free(out);
        return NULL;
    }
    *w = img.width;
    *h = img.height;
    return out;
}

/* The red a person sees at one pixel (through a 1x1 PNG decoded again). */
static unsigned red_seen_at(uint16_t x, uint16_t y)
{
    struct mem m = {NULL, 0};
    assert_int_equal(akira_sim_display_png(x, y, 1, 1, mem_write, &m), 0);
    uint32_t w, h;
    uint8_t *rgb = png_decode(m.p, m.n, &w, &h);
    assert_non_null(rgb);
    unsigned red = rgb[0];
    free(rgb);
    free(m.p);
    return red;
}

static void test_png_shows_what_a_person_sees(void **state)
{
    (void)state;
    uint16_t red[4] = {0xF800, 0xF800, 0xF800, 0xF800}, white = 0xFFFF;
    struct akira_display_buf d = {.width = 2, .height = 2, .pitch = 2, .buf_size = 8};
    assert_int_equal(akira_display_write(disp, 10, 20, &d, red), 0);
    struct akira_display_buf one = {.width = 1, .height = 1, .pitch = 1, .buf_size = 2};
    assert_int_equal(akira_display_write(disp, 12, 20, &one, &white), 0);
    struct mem m = {NULL, 0};
    assert_int_equal(akira_sim_display_png(10, 20, 3, 2, mem_write, &m), 0);
    uint32_t w, h;
    uint8_t *rgb = png_decode(m.p, m.n, &w, &h);
    assert_non_null(rgb);
    assert_int_equal(w, 3);
    assert_int_equal(h, 2);
    assert_int_equal(rgb[0], 255); /* red, full scale */
    assert_int_equal(rgb[1], 0);
    assert_int_equal(rgb[2], 0);
    assert_memory_equal(rgb + 6, "\xff\xff\xff", 3); /* white is 255, not 248 */
    free(rgb);
    free(m.p);
    /* Dimmed to half: half the light; blanked: black; memory untouched by either. */
    assert_int_equal(akira_display_brightness_set(disp, 128), 0);
    assert_int_equal(red_seen_at(10, 20), 128);
    assert_int_equal(akira_display_blanking(disp, true), 0);
    assert_int_equal(red_seen_at(10, 20), 0);
    assert_int_equal(akira_display_blanking(disp, false), 0);
    assert_int_equal(akira_display_brightness_set(disp, 255), 0);
    uint16_t back;
    assert_int_equal(akira_display_read(disp, 10, 20, &one, &back), 0);
    assert_int_equal(back, 0xF800);
    /* Whole panel with w, h 0; off-panel areas refused; a failing sink is reported. */
    m = (struct mem){NULL, 0};
    assert_int_equal(akira_sim_display_png(0, 0, 0, 0, mem_write, &m), 0);
    rgb = png_decode(m.p, m.n, &w, &h);
    assert_int_equal(w, 320);
    assert_int_equal(h, 240);
    free(rgb);
    free(m.p);
    assert_int_equal(akira_sim_display_png(0, 0, 321, 1, mem_write, &m), AKIRA_EINVAL);
    assert_int_equal(akira_sim_display_png(320, 0, 1, 1, mem_write, &m), AKIRA_EINVAL);
    assert_int_equal(akira_sim_display_png(0, 0, 0, 0, fail_write, NULL), AKIRA_ECONNRESET);
    char path[] = "/tmp/akira_disp_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(akira_sim_display_snapshot(path), 0);
    FILE *f = fopen(path, "rb");
    uint8_t sig[8];
    assert_int_equal(fread(sig, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    remove(path);
    assert_int_equal(akira_sim_display_snapshot("/nonexistent/dir/x.png"), AKIRA_EIO);
}

static void drain(void)
{
    struct akira_input_event e;
    while (akira_input_read(in, &e, AKIRA_NO_WAIT) == 0) {
    }
}

static void test_buttons_and_touch(void **state)
{
    (void)state;
    drain();
    uint64_t t0 = akira_uptime_us();
    assert_int_equal(akira_sim_input_button(AKIRA_INPUT_BTN_SELECT, true), 0);
    assert_int_equal(akira_sim_input_button(AKIRA_INPUT_BTN_SELECT, true), 0); /* held */
    struct akira_input_state s;
    assert_int_equal(akira_input_state_get(in, &s), 0);
    assert_int_equal(s.buttons, 1u << AKIRA_INPUT_BTN_SELECT);
    assert_int_equal(s.queued, 1);
    assert_int_equal(akira_sim_input_button(AKIRA_INPUT_BTN_SELECT, false), 0);
    assert_int_equal(akira_sim_input_button(AKIRA_INPUT_BTN_COUNT_, true), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_touch(120, 80, true), 0);
    assert_int_equal(akira_sim_input_touch(0, 0, false), 0);
    assert_int_equal(akira_sim_input_touch(0, 0, false), 0); /* not touching: nothing */
    assert_int_equal(akira_sim_input_touch(320, 0, true), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_touch(-1, 0, true), AKIRA_EINVAL);
    struct akira_input_event e;
    assert_int_equal(akira_input_read(in, &e, 1000), 0);
    assert_int_equal(e.type, AKIRA_INPUT_BUTTON);
    assert_int_equal(e.code, AKIRA_INPUT_BTN_SELECT);
    assert_int_equal(e.pressed, 1);
    assert_true(e.time_us >= t0);
    uint64_t t1 = e.time_us;
    assert_int_equal(akira_input_read(in, &e, 1000), 0);
    assert_int_equal(e.pressed, 0);
    assert_true(e.time_us >= t1);
    assert_int_equal(akira_input_read(in, &e, 1000), 0);
    assert_int_equal(e.type, AKIRA_INPUT_TOUCH);
    assert_int_equal(e.x, 120);
    assert_int_equal(e.y, 80);
    assert_int_equal(e.pressed, 1);
    assert_int_equal(akira_input_read(in, &e, 1000), 0);
    assert_int_equal(e.pressed, 0);
    assert_int_equal(e.x, 120); /* a lift reports the last point */
    assert_int_equal(akira_input_read(in, &e, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    assert_int_equal(akira_input_read(in, &e, 20), AKIRA_ETIMEDOUT);
    assert_int_equal(akira_input_read(in, NULL, 0), AKIRA_EINVAL);
    assert_string_equal(akira_input_button_name(AKIRA_INPUT_BTN_B), "b");
    assert_null(akira_input_button_name(8));
    assert_int_equal(akira_input_button_from_name("back"), AKIRA_INPUT_BTN_BACK);
    assert_int_equal(akira_input_button_from_name("Back"), AKIRA_EINVAL);
}

static void test_full_queue_drops_and_counts(void **state)
{
    (void)state;
    drain();
    struct akira_input_state s0, s;
    akira_input_state_get(in, &s0);
    for (unsigned i = 0; i < AKIRA_INPUT_QUEUE_DEPTH / 2 + 3; i++) {
        akira_sim_input_button(AKIRA_INPUT_BTN_A, true);
        akira_sim_input_button(AKIRA_INPUT_BTN_A, false);
    }
    akira_sim_input_button(AKIRA_INPUT_BTN_B, true); /* dropped, but held all the same */
    akira_input_state_get(in, &s);
    assert_int_equal(s.queued, AKIRA_INPUT_QUEUE_DEPTH);
    assert_int_equal(s.dropped - s0.dropped, 7);
    assert_int_equal(s.buttons, 1u << AKIRA_INPUT_BTN_B);
    akira_sim_input_button(AKIRA_INPUT_BTN_B, false);
    drain();
}

static void test_actions_and_scripts(void **state)
{
    (void)state;
    drain();
    char why[128];
    assert_int_equal(akira_sim_input_apply("press up", why, sizeof why), 0);
    assert_int_equal(akira_sim_input_apply("release up", why, sizeof why), 0);
    assert_int_equal(akira_sim_input_apply("tap 5 6", why, sizeof why), 0);
    assert_int_equal(akira_sim_input_apply("press nosuch", why, sizeof why), AKIRA_EINVAL);
    assert_non_null(strstr(why, "no such button"));
    assert_int_equal(akira_sim_input_apply("touch 320 1", why, sizeof why), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_apply("touch 1", why, sizeof why), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_apply("touch -1 2", why, sizeof why), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_apply("jump", why, sizeof why), AKIRA_EINVAL);
    assert_int_equal(akira_sim_input_apply("", why, sizeof why), AKIRA_EINVAL);
    struct akira_input_state s;
    akira_input_state_get(in, &s);
    assert_int_equal(s.queued, 4);
    drain();

    char path[] = "/tmp/akira_play_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *good = "# a session\n0 press select\n\n150 release select\n150 touch 10 20\n"
                       "300 release\n";
    assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
    close(fd);
    uint64_t t0 = akira_uptime_ms(), t0_us = akira_uptime_us();
    assert_int_equal(akira_sim_input_play(path, NULL, why, sizeof why), 4);
    assert_true(akira_uptime_ms() - t0 >= 290); /* the times are honoured */
    struct akira_input_event e[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(akira_input_read(in, &e[i], 1000), 0);
    /* the times are offsets from the start of the play: an event may come late on a
     * loaded machine, never early */
    assert_true(e[1].time_us >= t0_us + 150000);
    assert_true(e[2].time_us >= t0_us + 150000);
    assert_true(e[3].time_us >= t0_us + 300000);
    assert_int_equal(e[2].x, 10);

    /* A bad line anywhere: nothing is played, and the line is named. */
    FILE *f = fopen(path, "w");
    fputs("0 press a\n10 release a\n5 press b\n", f);
    fclose(f);
    assert_int_equal(akira_sim_input_play(path, NULL, why, sizeof why), AKIRA_EINVAL);
    assert_non_null(strstr(why, "line 3"));
    f = fopen(path, "w");
    fputs("0 press a\nsoon release a\n", f);
    fclose(f);
    assert_int_equal(akira_sim_input_play(path, NULL, why, sizeof why), AKIRA_EINVAL);
    assert_non_null(strstr(why, "line 2"));
    f = fopen(path, "w");
    fputs("0 press a\n1 press z\n", f);
    fclose(f);
    assert_int_equal(akira_sim_input_play(path, NULL, why, sizeof why), AKIRA_EINVAL);
    akira_input_state_get(in, &s);
    assert_int_equal(s.queued, 0);
    assert_int_equal(s.buttons, 0);
    remove(path);
    assert_int_equal(akira_sim_input_play(path, NULL, why, sizeof why), AKIRA_ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_write_read_back),
        cmocka_unit_test(test_bad_areas_change_nothing),
        cmocka_unit_test(test_png_shows_what_a_person_sees),
        cmocka_unit_test(test_buttons_and_touch),
        cmocka_unit_test(test_full_queue_drops_and_counts),
        cmocka_unit_test(test_actions_and_scripts),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

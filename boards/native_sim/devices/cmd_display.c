/*
 * Shell commands for the panel and the buttons: `display` (state, snapshot to a PNG
 * file, blanking, brightness) and `input` (state; press, release, tap, touch; play a
 * script file with its timestamps). `input` words are the ones POST /api/input and
 * script files take (akira_sim_input_apply), so a session typed here replays there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/drivers/display.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/input.h>
#include <akira/shell.h>
#include <akira/sim_devices.h>

static int cmd_display(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct akira_device *d = akira_display_default();
    struct akira_display_caps c;
    int rc = akira_display_caps_get(d, &c);
    if (rc) {
        akira_shell_print(sh, "display: %s\n", akira_err_str(rc));
        return rc;
    }
    struct akira_sim_display_info in;
    akira_sim_display_info(&in);
    akira_shell_print(sh, "%s: %ux%u %s, %s, brightness %u, change %llu\n", d->name, c.width,
                      c.height, c.format == AKIRA_DISPLAY_RGB565 ? "RGB565" : "?",
                      in.blanked ? "blanked" : "on", in.brightness, (unsigned long long)in.seq);
    return 0;
}

static int cmd_display_snapshot(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    int rc = akira_sim_display_snapshot(argv[1]);
    if (rc) {
        akira_shell_print(sh, "snapshot %s: %s\n", argv[1], akira_err_str(rc));
        return rc == AKIRA_EINVAL ? AKIRA_EIO : rc;
    }
    akira_shell_print(sh, "snapshot: %s\n", argv[1]);
    return 0;
}

static int cmd_display_blank(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    bool on;
    if (!strcmp(argv[1], "on"))
        on = true;
    else if (!strcmp(argv[1], "off"))
        on = false;
    else
        return AKIRA_EINVAL;
    int rc = akira_display_blanking(akira_display_default(), on);
    if (rc) akira_shell_print(sh, "display: %s\n", akira_err_str(rc));
    return rc ? rc : cmd_display(sh, 1, argv);
}

static int cmd_display_brightness(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    char *end;
    unsigned long v = strtoul(argv[1], &end, 10);
    if (!argv[1][0] || *end || v > 255 || argv[1][0] == '-') {
        akira_shell_print(sh, "not a brightness 0..255: '%s'\n", argv[1]);
        return AKIRA_EINVAL;
    }
    int rc = akira_display_brightness_set(akira_display_default(), (uint8_t)v);
    if (rc) akira_shell_print(sh, "display: %s\n", akira_err_str(rc));
    return rc ? rc : cmd_display(sh, 1, argv);
}

AKIRA_SHELL_SUBCMDS(display_sub,
                    AKIRA_SHELL_CMD("snapshot", "save what the panel shows as a PNG file", "FILE",
                                    cmd_display_snapshot, NULL, 1, 1),
                    AKIRA_SHELL_CMD("blank", "turn the picture off or on", "on|off",
                                    cmd_display_blank, NULL, 1, 1),
                    AKIRA_SHELL_CMD("brightness", "set the backlight", "0..255",
                                    cmd_display_brightness, NULL, 1, 1));
AKIRA_SHELL_CMD_REGISTER(display, "display", "the panel: state, snapshot, blanking, backlight",
                         "[snapshot FILE|blank on|off|brightness N]", cmd_display, display_sub, 0,
                         0);

static int cmd_input(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_input_state s;
    int rc = akira_input_state_get(akira_input_default(), &s);
    if (rc) {
        akira_shell_print(sh, "input: %s\n", akira_err_str(rc));
        return rc;
    }
    akira_shell_puts(sh, "held:");
    if (!s.buttons) akira_shell_puts(sh, " none");
    for (unsigned i = 0; i < AKIRA_INPUT_BTN_COUNT_; i++)
        if (s.buttons & (1u << i)) akira_shell_print(sh, " %s", akira_input_button_name(i));
    akira_shell_print(sh, "\ntouch: %s at %d,%d\nqueued %u, dropped %u\n",
                      s.touching ? "pressed" : "released", s.x, s.y, (unsigned)s.queued,
                      (unsigned)s.dropped);
    return 0;
}

/* press/release/tap/touch: the words back into one action line. */
static int cmd_input_action(struct akira_shell *sh, int argc, char **argv)
{
    char line[96] = "";
    for (int i = 0; i < argc; i++) {
        if (strlen(line) + strlen(argv[i]) + 2 > sizeof line) return AKIRA_EINVAL;
        if (i) strcat(line, " ");
        strcat(line, argv[i]);
    }
    char why[96];
    int rc = akira_sim_input_apply(line, why, sizeof why);
    if (rc) {
        akira_shell_print(sh, "input: %s\n", why);
        return rc;
    }
    akira_shell_print(sh, "input: %s\n", line);
    return 0;
}

static int cmd_input_play(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    char why[160];
    int n = akira_sim_input_play(argv[1], NULL, why, sizeof why);
    if (n < 0) {
        akira_shell_print(sh, "input play: %s\n", why);
        return n == AKIRA_EINVAL ? AKIRA_EFORMAT : n;
    }
    akira_shell_print(sh, "input play: %d actions\n", n);
    return 0;
}

AKIRA_SHELL_SUBCMDS(input_sub,
                    AKIRA_SHELL_CMD("press", "hold a button down",
                                    "up|down|left|right|select|back|a|b", cmd_input_action, NULL, 1,
                                    1),
                    AKIRA_SHELL_CMD("release", "let go of a button, or lift the touch", "[BUTTON]",
                                    cmd_input_action, NULL, 0, 1),
                    AKIRA_SHELL_CMD("tap", "press and release a button, or touch and lift",
                                    "BUTTON|X Y", cmd_input_action, NULL, 1, 2),
                    AKIRA_SHELL_CMD("touch", "touch the panel at a point (moves while touching)",
                                    "X Y", cmd_input_action, NULL, 2, 2),
                    AKIRA_SHELL_CMD("play", "play a script: lines 'MS ACTION', MS from its start",
                                    "FILE", cmd_input_play, NULL, 1, 1));
AKIRA_SHELL_CMD_REGISTER(input, "input", "buttons and touch: state, or act as a finger",
                         "[press|release|tap|touch|play ...]", cmd_input, input_sub, 0, 0);

/*
 * `akira`: the AkiraOS host tool. Package commands today (keygen, pack, inspect); the
 * device commands (device, install, start, ...) join the table below.
 *
 * Exit status: 0 success, 1 the operation failed (bad input, verification), 2 usage.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct tool_cmd {
    const char *name;
    const char *usage;
    const char *help;
    int (*run)(int argc, char **argv);
};

static const struct tool_cmd cmds[] = {
    {"keygen", "NAME", "make an Ed25519 key pair: NAME.key (secret) and NAME.pub",
     akira_tool_keygen},
    {"pack",
     "IN.wasm -o OUT.wasm (--manifest FILE | --name N --version V [--entry E] [--caps a,b]\n"
     "        [--memory-quota Q] [--stack-size S] [--heap-size H] [--thread-stack T]\n"
     "        [--autostart] [--restart POLICY] [--description TEXT] [--author TEXT])\n"
     "        [--aot TARGET]... [--key NAME.key]",
     "embed a manifest (replacing any old one, its native code and signature), add native\n"
     "        code for TARGET (x86_64, thumbv7em) compiled by akira-aot, sign with a key",
     akira_tool_pack},
    {"inspect", "APP.wasm [--pub NAME.pub]",
     "print the manifest and the signature status (verified with --pub)", akira_tool_inspect},
    {"image", "sign|verify|info ...",
     "firmware images in MCUboot's format: sign a firmware binary with a key (--version), "
     "verify against public keys, show the header and TLVs",
     akira_tool_image},
    /* Device commands (cmd_device.c): each takes --device NAME (default: the last added). */
    {"device", "add NAME URL TOKEN | pin NAME | list",
     "remember a device (URL http://host:port, https://host:port or serial:PATH, token from "
     "`http token`); the default is the last added. An https device's certificate "
     "fingerprint is pinned at add (trust on first use) and checked on every call; `pin` "
     "re-pins it after a reset",
     akira_tool_device},
    {"status", "", "the device's version, uptime, memory and running apps", akira_tool_status},
    {"apps", "", "the installed apps: version, state, signature, quota, capabilities",
     akira_tool_apps},
    {"install", "APP.wasm|APP.akpkg",
     "upload a package (or an upstream AkiraOS .akpkg; progress on a terminal); replaces an older "
     "version",
     akira_tool_install},
    {"start", "NAME", "start an installed app", akira_tool_start},
    {"stop", "NAME", "stop a running app", akira_tool_stop},
    {"rm", "NAME", "stop and uninstall an app", akira_tool_rm},
    {"logs", "[NAME] [-f]", "the app's log (or the device's), -f follows it", akira_tool_logs},
    {"ota", "status | push IMAGE [--no-reboot] [--wait S] | confirm | revert",
     "firmware update: upload a signed image (progress bar), reboot, wait until the new "
     "firmware confirmed itself; the slots' state; confirm or revert by hand",
     akira_tool_ota},
    {"keys", "[list | add NAME FILE.pub | rm NAME]",
     "the signing keys the device trusts; add one from `akira keygen`'s NAME.pub", akira_tool_keys},
    /* Fleet commands (cmd_fleet.c, docs/fleet.md): through an MQTT broker. */
    {"fleet",
     "[--broker ADDR:PORT] [--key FILE] keygen [--force] | enroll [--device NAME] [--tags a,b]\n"
     "        [--id ID] [--mqtt ADDR:PORT] | status [--wait S] [--expect N] |\n"
     "        deploy APP.wasm | start APP | stop APP | uninstall APP | ota IMAGE\n"
     "        (--all | --tag T | --device ID[,ID]) [--wave N] [--max-fail K] [--timeout S] |\n"
     "        logs [--device ID] [--for S]",
     "many devices through an MQTT broker (default 127.0.0.1:1883): the fleet key\n"
     "        (~/.akira/fleet.key), enrolment over HTTP, the devices' retained statuses,\n"
     "        signed commands in waves (stop when more than K fail), their logs",
     akira_tool_fleet},
};

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: akira [--serial PATH | --ble NODE --radio SOCK] [--token TOKEN] [--device NAME]\n"
        "             COMMAND [ARGS]\n"
        "  --serial PATH: the device commands go over the serial management line\n"
        "  PATH (a pty, /dev/ttyUSB0) instead of HTTP; the token from --token or\n"
        "  the device entry. A device added as serial:PATH does the same.\n"
        "  --ble NODE --radio SOCK [--radio-pos X,Y]: the same over Bluetooth LE on\n"
        "  the radio medium SOCK (or $AKIRA_RADIO) to node NODE (id, akira-N or\n"
        "  address), through a helper akiraos as the central (docs/ble.md).\n\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(out, "  akira %s %s\n      %s\n", cmds[i].name, cmds[i].usage, cmds[i].help);
}

int main(int argc, char **argv)
{
    /* Device options may come before the command (`akira --serial PATH status`): they
     * move behind it, where the device commands take them. */
    char *moved[12];
    int nmoved = 0;
    while (argc >= 3 && nmoved < 12 &&
           (!strcmp(argv[1], "--serial") || !strcmp(argv[1], "--token") ||
            !strcmp(argv[1], "--device") || !strcmp(argv[1], "--ble") ||
            !strcmp(argv[1], "--radio") || !strcmp(argv[1], "--radio-pos"))) {
        moved[nmoved++] = argv[1];
        moved[nmoved++] = argv[2];
        for (int k = 1; k + 2 <= argc; k++)
            argv[k] = argv[k + 2];
        argc -= 2;
    }
    if (nmoved && argc >= 2) {
        for (int k = argc - 1; k >= 2; k--)
            argv[k + nmoved] = argv[k];
        for (int k = 0; k < nmoved; k++)
            argv[2 + k] = moved[k];
        argc += nmoved;
        argv[argc] = NULL;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (!strcmp(argv[1], cmds[i].name)) return cmds[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "akira: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

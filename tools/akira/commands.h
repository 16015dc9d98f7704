/* The `akira` tool's subcommands: one function each, `int cmd(int argc, char **argv)`
 * with argv[0] the subcommand's name; returns the process exit status. Listed in
 * main.c's table; a new command (e.g. the network ones) adds a row there. */
#ifndef AKIRA_TOOL_COMMANDS_H
#define AKIRA_TOOL_COMMANDS_H

#include <stddef.h>

int akira_tool_keygen(int argc, char **argv);
int akira_tool_pack(int argc, char **argv);
int akira_tool_inspect(int argc, char **argv);
/* cmd_device.c */
int akira_tool_device(int argc, char **argv);
int akira_tool_status(int argc, char **argv);
int akira_tool_apps(int argc, char **argv);
int akira_tool_install(int argc, char **argv);
int akira_tool_start(int argc, char **argv);
int akira_tool_stop(int argc, char **argv);
int akira_tool_rm(int argc, char **argv);
int akira_tool_logs(int argc, char **argv);
int akira_tool_keys(int argc, char **argv);
/* cmd_image.c, cmd_ota.c */
int akira_tool_image(int argc, char **argv);
int akira_tool_ota(int argc, char **argv);
/* cmd_fleet.c: devices through an MQTT broker (docs/fleet.md) */
int akira_tool_fleet(int argc, char **argv);

/* Opens the device named by --device/--serial/--token in argv (taken out of it, as the
 * device commands do) and sends one authenticated request with body[0..len); the
 * device's name into name, its 2xx JSON answer into answer. 0, 1 (unreachable or
 * refused, reason printed) or 2 (usage). */
int akira_tool_device_send(int *argc, char **argv, const char *method, const char *path,
                           const void *body, size_t len, char *name, size_t name_cap, char *answer,
                           size_t answer_cap);

#endif

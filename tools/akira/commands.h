/* The `akira` tool's subcommands: one function each, `int cmd(int argc, char **argv)`
 * with argv[0] the subcommand's name; returns the process exit status. Listed in
 * main.c's table; a new command (e.g. the network ones) adds a row there. */
#ifndef AKIRA_TOOL_COMMANDS_H
#define AKIRA_TOOL_COMMANDS_H

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

#endif

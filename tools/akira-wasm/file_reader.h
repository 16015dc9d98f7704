/*
 * file_reader.h - a module reader over a host file, for aw_module_load().
 *
 * The engine streams the module through pread(), so the file is never held in RAM at
 * once; the reader stays open for the module's lifetime (data segments are re-read).
 */
#ifndef AKIRA_CLI_FILE_READER_H
#define AKIRA_CLI_FILE_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct akira_cli_file {
    int fd;
    uint32_t size;
    uint64_t bytes_read; /* total bytes the engine asked for (for --stats) */
} akira_cli_file;

/* Open `path` for reading. Returns 0, or -1 with a message in `msg` (missing file, not a
 * regular file, larger than 4 GiB). */
int akira_cli_file_open(akira_cli_file *f, const char *path, char *msg, size_t msglen);

/* aw_read_fn over an akira_cli_file (ctx). */
int akira_cli_file_read(void *ctx, uint32_t offset, void *buf, uint32_t len);

void akira_cli_file_close(akira_cli_file *f);

#endif /* AKIRA_CLI_FILE_READER_H */

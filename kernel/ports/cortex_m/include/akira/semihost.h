/*
 * Arm semihosting (BKPT 0xAB on M-profile): host file access and exit, used by the
 * QEMU board for its flash image file, the test runner's exit status and the stand-in
 * for a hardware random generator. QEMU answers these only when started with
 * `-semihosting-config enable=on,target=native`; on a device without a debugger a
 * semihosting call faults, so only boards that run under QEMU use them.
 *
 * Calls block the calling thread (not the whole system on QEMU: the call is one
 * instruction to the guest). Any thread may call; a handle is used by one user.
 */
#ifndef AKIRA_SEMIHOST_H
#define AKIRA_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* SYS_OPEN modes (ISO C fopen modes). */
#define AKIRA_SH_MODE_RB     1 /* "rb" */
#define AKIRA_SH_MODE_RPLUSB 3 /* "r+b" */
#define AKIRA_SH_MODE_WPLUSB 7 /* "w+b": create or truncate */

/* Handle (>= 0) or -1. */
int akira_semihost_open(const char *path, int mode);
int akira_semihost_close(int fd);
/* 0 when all len bytes moved, else -1 (short or failed). */
int akira_semihost_write(int fd, const void *buf, size_t len);
int akira_semihost_read(int fd, void *buf, size_t len);
int akira_semihost_seek(int fd, uint32_t pos);
/* File length or -1. */
long akira_semihost_flen(int fd);
/* The command line QEMU passes (-semihosting-config arg=...), NUL-terminated; 0 or -1. */
int akira_semihost_cmdline(char *buf, size_t cap);
/* End the emulator with this exit status (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void akira_semihost_exit(int status);

#endif /* AKIRA_SEMIHOST_H */

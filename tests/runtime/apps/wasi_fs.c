/* wasi_fs: a wasi-libc program as a device app, on its own storage directory (the
 * preopen "/"): files, directories, listing, rename, unlink, clocks, random, an escape
 * attempt, and writing until the quota refuses (EDQUOT), after which it keeps working.
 * Every line goes to the app's log. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static void ls(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("ls %s: %s\n", dir, strerror(errno));
        return;
    }
    char names[8][64];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 8)
        snprintf(names[n++], sizeof names[0], "%s", de->d_name);
    closedir(d);
    /* sorted, so the log line does not depend on the file system's order */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char t[64];
                strcpy(t, names[i]);
                strcpy(names[i], names[j]);
                strcpy(names[j], t);
            }
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
}

int main(void)
{
    __wasi_prestat_t ps;
    printf("preopen 3: %s\n", __wasi_fd_prestat_get(3, &ps) == 0 ? "yes" : "none");
    printf("mkdir notes: %s\n", mkdir("notes", 0755) == 0 ? "ok" : strerror(errno));
    FILE *f = fopen("notes/a.txt", "w");
    if (!f) {
        printf("create notes/a.txt: %s\n", strerror(errno));
        return 1;
    }
    fprintf(f, "hello device\n");
    fclose(f);
    f = fopen("/notes/./a.txt", "a");
    fprintf(f, "second line\n");
    fclose(f);
    char line[64] = "";
    f = fopen("notes/../notes/a.txt", "r");
    int lines = 0;
    while (f && fgets(line, sizeof line, f))
        lines++;
    if (f) fclose(f);
    printf("read back: %d lines, last: %s", lines, line);
    struct stat st;
    printf("stat: %s size %lld\n", stat("notes/a.txt", &st) == 0 ? "ok" : strerror(errno),
           (long long)st.st_size);
    int fd = open("notes/b.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (write(fd, "0123456789", 10) != 10) printf("write b: %s\n", strerror(errno));
    lseek(fd, 4, SEEK_SET);
    char buf[8] = "";
    printf("seek+read: %.3s\n", read(fd, buf, 3) == 3 ? buf : "?");
    close(fd);
    ls("notes");
    printf("rename: %s\n", rename("notes/b.txt", "notes/c.txt") == 0 ? "ok" : strerror(errno));
    ls("notes/");
    printf("escape ../x: %s\n", open("../x", O_RDONLY) < 0 ? strerror(errno) : "ESCAPED");
    printf("rmdir notes (not empty): %s\n", rmdir("notes") < 0 ? strerror(errno) : "removed!");

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    usleep(20000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long waited = (b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec);
    printf("monotonic: slept >= 20ms: %s\n", waited >= 20000000 ? "yes" : "no");
    clock_gettime(CLOCK_REALTIME, &a);
    printf("realtime: since boot: %s\n", a.tv_sec < 86400 ? "yes" : "no");
    unsigned char r1[16], r2[16];
    getentropy(r1, sizeof r1);
    getentropy(r2, sizeof r2);
    printf("random differs: %s\n", memcmp(r1, r2, sizeof r1) ? "yes" : "no");

    /* the quota: write until the file system refuses */
    static char chunk[4096];
    memset(chunk, 'q', sizeof chunk);
    fd = open("big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    long total = 0;
    ssize_t w;
    while ((w = write(fd, chunk, sizeof chunk)) > 0)
        total += w;
    int err = errno;
    printf("quota: %s after %ld KiB\n", err == EDQUOT ? "EDQUOT" : strerror(err), total / 1024);
    close(fd);
    /* a new file still fits (an entry costs a few bytes), its first block does not */
    fd = open("notes/d.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    w = fd >= 0 ? write(fd, "x", 1) : -1;
    printf("write at quota: %s\n", w == 1            ? "written?"
                                   : errno == EDQUOT ? "EDQUOT"
                                                     : strerror(errno));
    close(fd);
    printf("unlink big.bin: %s\n", unlink("big.bin") == 0 ? "ok" : strerror(errno));
    f = fopen("notes/d.txt", "w");
    printf("create after: %s\n",
           f && fputs("x", f) >= 0 && fclose(f) == 0 ? "ok" : strerror(errno));
    unlink("notes/a.txt");
    unlink("notes/c.txt");
    unlink("notes/d.txt");
    printf("rmdir notes: %s\n", rmdir("notes") == 0 ? "ok" : strerror(errno));
    ls(".");
    printf("wasi fs done\n");
    return 0;
}
